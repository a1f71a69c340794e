"""System check: in production the delivery receipts' signatures are always checked, with a secret."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def receipt_signatures(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if getattr(settings, "MOTCUA_ENV", "") != "production":
        return []
    options = settings.MOTCUA_NOTIFICATIONS
    found: list[checks.CheckMessage] = []
    if not options.get("SMS_VERIFY_SIGNATURES", True):
        found.append(
            checks.Error(
                "MOTCUA_NOTIFICATIONS['SMS_VERIFY_SIGNATURES'] cannot be off in production",
                id="motcua.notifications.E001",
            )
        )
    if options.get("SMS_URL") and not options.get("SMS_CALLBACK_SECRET"):
        found.append(
            checks.Error(
                "MOTCUA_NOTIFICATIONS_SMS_CALLBACK_SECRET must be set when the SMS gateway is configured",
                id="motcua.notifications.E002",
            )
        )
    return found
