"""The production check of the post: callbacks are always verified (a settings module that imports ours and
switches the check off later is caught here, at start-up and by ``check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def postal_signatures(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    postal = getattr(settings, "MOTCUA_POSTAL", {}) or {}
    if getattr(settings, "PRODUCTION", False) and not postal.get("VERIFY_SIGNATURES", True):
        return [
            checks.Error(
                "MOTCUA_POSTAL['VERIFY_SIGNATURES'] is off: postal callbacks must be verified in production.",
                id="motcua.postal.E001",
            )
        ]
    if getattr(settings, "PRODUCTION", False) and postal.get("URL") and not postal.get("CALLBACK_SECRET"):
        return [checks.Error("MOTCUA_POSTAL['CALLBACK_SECRET'] is empty.", id="motcua.postal.E002")]
    return []
