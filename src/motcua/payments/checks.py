"""System checks: signature checking of payment callbacks cannot be off in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register("payments")
def signatures_checked(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    conf = getattr(settings, "MOTCUA_PAYMENTS", {})
    found = []
    if settings.PRODUCTION and not conf.get("VERIFY_SIGNATURES", True):
        found.append(
            Error(
                "MOTCUA_PAYMENTS_VERIFY_SIGNATURES is off in production",
                hint="Payment callbacks must be verified: remove the setting.",
                id="payments.E001",
            )
        )
    # A gateway configured without the callback secret: every callback it sends would be refused.
    if settings.PRODUCTION and conf.get("GATEWAY_URL") and not conf.get("CALLBACK_SECRET"):
        found.append(
            Error(
                "MOTCUA_PAYMENTS_CALLBACK_SECRET is empty in production",
                hint="Set the secret shared with the payment gateway: every callback would be refused.",
                id="payments.E002",
            )
        )
    return found
