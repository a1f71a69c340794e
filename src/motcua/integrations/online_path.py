"""Is the online path up? The national e-ID (and the portal behind it) answers its OpenID Connect
discovery document at the configured issuer.

The counter's assisted submission (Directive 24/CT-TTg) asks this before submitting online: when the
provider does not answer within ``MOTCUA_ONLINE_PROBE_TIMEOUT_SECONDS`` the dossier is recorded offline
and submitted later (``motcua.integrations.tasks``). The officer may also declare the path down.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


def issuer() -> str:
    return str(settings.MOTCUA_OIDC_ISSUER).rstrip("/")


def is_up(*, timeout: float | None = None) -> bool:
    """True when the issuer's discovery document answers 200 with JSON naming that issuer, in time."""
    timeout = float(settings.MOTCUA_ONLINE_PROBE_TIMEOUT_SECONDS if timeout is None else timeout)
    url = f"{issuer()}/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=timeout, allow_redirects=False)
        document = answer.json() if answer.status_code == 200 else None
    except (requests.RequestException, ValueError) as exc:
        logger.warning("online path probe %s failed: %s", url, type(exc).__name__)
        return False
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer():
        logger.warning("online path probe %s: no discovery document for this issuer", url)
        return False
    return True
