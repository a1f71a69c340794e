"""The portal's settings, read from Django settings (``motcua/settings.py`` reads them from the environment).

MOTCUA_OIDC_ISSUER         the national e-ID provider (default: the reference IdP on http://127.0.0.1:8101)
MOTCUA_OIDC_CLIENT_ID      this portal's client id at the provider (default: motcua-portal)
MOTCUA_OIDC_CLIENT_SECRET  its secret (default outside production: the reference IdP's demo secret)
MOTCUA_OIDC_SCOPE          scopes asked for (default: "openid profile address")
MOTCUA_OIDC_ACR_VALUES     level of assurance asked for (default: LoA1)
MOTCUA_OIDC_DISCOVERY_TTL_SECONDS    how long a good discovery document and its keys are kept (default: 3600)
MOTCUA_OIDC_DISCOVERY_RETRY_SECONDS  how long a failed discovery is remembered before retrying (default: 30)
MOTCUA_PORTAL_PAGE_SIZE    procedures per search page (default: 20)
MOTCUA_CITIZEN_SUBMISSION  the portal's own submission pages (e-form, draft, submit) are open (default: on,
                           off in production: the national public service portal is the online channel)
"""

from __future__ import annotations

from django.conf import settings


def oidc_issuer() -> str:
    return str(settings.MOTCUA_OIDC_ISSUER).rstrip("/")


def oidc_client_id() -> str:
    return str(settings.MOTCUA_OIDC_CLIENT_ID)


def oidc_client_secret() -> str:
    return str(settings.MOTCUA_OIDC_CLIENT_SECRET)


def oidc_scope() -> str:
    return str(settings.MOTCUA_OIDC_SCOPE)


def oidc_acr_values() -> str:
    return str(settings.MOTCUA_OIDC_ACR_VALUES)


def oidc_discovery_ttl() -> int:
    return max(0, int(settings.MOTCUA_OIDC_DISCOVERY_TTL_SECONDS))


def oidc_discovery_retry() -> int:
    return max(0, int(settings.MOTCUA_OIDC_DISCOVERY_RETRY_SECONDS))


def page_size() -> int:
    return int(settings.MOTCUA_PORTAL_PAGE_SIZE)


# Since 1 July 2025 citizens submit online on the national public service portal; shown as plain text.
NATIONAL_PORTAL_URL = "https://dichvucong.gov.vn"


def citizen_submission() -> bool:
    """Whether citizens submit on this portal (MOTCUA_CITIZEN_SUBMISSION); off: on dichvucong.gov.vn."""
    return bool(settings.MOTCUA_CITIZEN_SUBMISSION)
