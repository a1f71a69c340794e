"""OpenID Connect client for the national electronic identity (định danh điện tử), built on authlib.

authlib does the protocol: state, nonce and PKCE (S256) kept in the session, the code exchange,
the id_token signature check against the provider's JWKS (RS256), iss/aud/exp/nonce checks.
This module adds what the portal requires: the provider's endpoints must live at the configured
issuer's origin, the level of assurance must be one asked for, and failures become DomainErrors
with Vietnamese messages.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from joserfc.errors import ClaimError, JoseError

from motcua.core.errors import DomainError

from . import conf

CLIENT_NAME = "eid"
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
TIMEOUT = 10

logger = logging.getLogger(__name__)
# An error code from the provider as logged: OAuth codes are ASCII words; anything else is shown as "other".
_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

_lock = threading.Lock()


@dataclass(frozen=True)
class _Discovery:
    """A loaded provider client, or the error its discovery gave, until ``expires`` (time.monotonic)."""

    client: Any
    error: Callable[[], DomainError] | None
    expires: float


_clients: dict[tuple[str, ...], _Discovery] = {}


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says logged in."""

    national_id: str
    full_name: str
    acr: str
    claims: dict[str, Any]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


def _client() -> Any:
    """The authlib client for the configured provider, its discovery document loaded and checked.

    A good discovery document (and the JWKS loaded with it) is kept for ``conf.oidc_discovery_ttl()``
    seconds, then fetched again; a failure (unreachable, not JSON, pointing elsewhere) is remembered for
    ``conf.oidc_discovery_retry()`` seconds only, so a provider that is fixed works again without a restart.
    """
    key = (conf.oidc_issuer(), conf.oidc_client_id(), conf.oidc_client_secret(), conf.oidc_scope())
    with _lock:
        cached = _clients.get(key)
    if cached is not None and cached.expires > time.monotonic():
        if cached.error is not None:
            raise cached.error()
        return cached.client
    issuer, client_id, client_secret, scope = key
    client = OAuth().register(
        name=CLIENT_NAME,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scope, "code_challenge_method": "S256", "default_timeout": TIMEOUT},
    )
    error: Callable[[], DomainError] | None = None
    try:
        _check_metadata(client.load_server_metadata(), issuer=issuer)
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC discovery at %s failed: %s", issuer, type(exc).__name__)
        error = _unavailable
    except DomainError as exc:
        logger.warning("OIDC discovery at %s refused: %s", issuer, exc.code)
        error = _provider_config
    ttl = conf.oidc_discovery_retry() if error is not None else conf.oidc_discovery_ttl()
    with _lock:
        _clients[key] = _Discovery(client=client, error=error, expires=time.monotonic() + ttl)
    if error is not None:
        raise error()
    return client


def _provider_config() -> DomainError:
    return DomainError(
        "login.provider_config",
        _(
            "Cấu hình của hệ thống định danh điện tử không khớp với địa chỉ đã đăng ký. "
            "Vui lòng báo quản trị hệ thống."
        ),
    )


def _check_metadata(metadata: dict[str, Any], *, issuer: str) -> None:
    # Server-to-server calls go to the configured issuer only, whatever the discovery document says.
    if not isinstance(metadata, dict):
        raise _provider_config()
    if str(metadata.get("issuer", "")).rstrip("/") != issuer or any(
        _origin(str(metadata.get(name, ""))) != _origin(issuer) for name in ENDPOINTS
    ):
        raise _provider_config()


def _unavailable() -> DomainError:
    return DomainError(
        "login.unavailable",
        _("Hệ thống định danh điện tử đang không phản hồi. Vui lòng thử lại sau ít phút."),
    )


def forget_clients() -> None:
    """Drop cached clients and discovery documents (after the provider's configuration changed)."""
    with _lock:
        _clients.clear()


def start_login(request: HttpRequest, *, redirect_uri: str) -> HttpResponse:
    """Redirect the browser to the provider's login page; state, nonce and PKCE verifier go to the session."""
    client = _client()
    # ui_locales (OpenID Connect Core 1.0 §3.1.2.1): the page's language first, Vietnamese after it as the
    # fallback every Vietnamese identity provider has.
    language = (get_language() or "vi").split("-")[0]
    params: dict[str, str] = {"ui_locales": " ".join(dict.fromkeys([language, "vi"]))}
    if acr_values := conf.oidc_acr_values():
        params["acr_values"] = acr_values
    return client.authorize_redirect(request, redirect_uri, **params)


def finish_login(request: HttpRequest) -> Identity:
    """Check the provider's answer on the callback and return the verified identity.

    Raises DomainError: ``login.cancelled``, ``login.state_mismatch``, ``login.nonce_mismatch``,
    ``login.invalid_token``, ``login.assurance``, ``login.unavailable``, ``login.failed``.
    """
    if request.GET.get("error") == "access_denied":
        raise DomainError("login.cancelled", _("Bạn đã hủy đăng nhập bằng tài khoản định danh điện tử."))
    client = _client()
    try:
        token = client.authorize_access_token(request)
    except MismatchingStateError as exc:
        raise DomainError(
            "login.state_mismatch",
            _("Phiên đăng nhập không hợp lệ hoặc đã hết hạn (mã state không khớp). Vui lòng đăng nhập lại."),
        ) from exc
    except ClaimError as exc:
        if exc.claim == "nonce":
            raise DomainError(
                "login.nonce_mismatch",
                _(
                    "Mã xác thực trả về không thuộc phiên đăng nhập này (mã nonce không khớp). "
                    "Vui lòng đăng nhập lại."
                ),
            ) from exc
        raise _invalid_token() from exc
    except JoseError as exc:
        raise _invalid_token() from exc
    except OAuthError as exc:
        # The provider's error text (and a crafted callback's) never reaches the page: a fixed message,
        # the code in the log.
        code = str(exc.error or "")
        logger.warning("OIDC login.failed: provider error %s", code if _ERROR_CODE.match(code) else "(other)")
        raise DomainError(
            "login.failed",
            _("Hệ thống định danh điện tử từ chối yêu cầu đăng nhập. Vui lòng thử lại."),
        ) from exc
    except requests.RequestException as exc:
        raise _unavailable() from exc
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise _invalid_token()
    _check_assurance(claims)
    if "national_id" not in claims or "name" not in claims:
        claims = {**_userinfo(client, token, subject=claims["sub"]), **claims}
    national_id = str(claims.get("national_id") or claims.get("sub") or "")
    return Identity(
        national_id=national_id,
        full_name=str(claims.get("name") or ""),
        acr=str(claims.get("acr") or ""),
        claims=claims,
    )


def _invalid_token() -> DomainError:
    return DomainError(
        "login.invalid_token",
        _("Mã xác thực (id_token) từ hệ thống định danh điện tử không hợp lệ. Vui lòng đăng nhập lại."),
    )


def _check_assurance(claims: dict[str, Any]) -> None:
    wanted = conf.oidc_acr_values().split()
    if wanted and claims.get("acr") not in wanted:
        raise DomainError(
            "login.assurance",
            _("Mức độ bảo đảm xác thực của tài khoản định danh điện tử không đủ để sử dụng dịch vụ này."),
        )


def _userinfo(client: Any, token: dict[str, Any], *, subject: str) -> dict[str, Any]:
    try:
        info = dict(client.userinfo(token=token))
    except (requests.RequestException, OAuthError, ValueError) as exc:
        raise _unavailable() from exc
    if info.get("sub") != subject:
        raise _invalid_token()
    return info
