"""Remote signing (``KeySource.kind == "csc"``): the key stays with a remote signing service — the national
remote-signing services ("ký số từ xa") speak the Cloud Signature Consortium API v1 — and pyHanko's CSC signer
sends it only the hash to sign.

``ref`` is the CSC credential id; ``secret_env`` names the environment variable holding the service secret
(never the secret itself). ``options``:

- ``url``: the service's base URL (before ``/csc/v1/...``; default ``MOTCUA_SIGNING["csc_url"]``);
- ``auth``: ``"bearer"`` (default: the secret is an access token) or ``"basic"`` (the secret is
  ``user:password``, exchanged for an access token at ``auth/login``);
- ``timeout``: seconds allowed for each call (default 30).

Each signature is authorized for its own hash (``credentials/authorize`` with the hash, SCAL 2), then signed
(``signatures/signHash``). Every refusal or outage, at loading or while signing, is a ``DomainError``
``signing.key_unavailable`` with a plain message (the service is down or too slow, refuses our access token,
does not know the credential, has disabled it: ``credentials/info`` reports a disabled key or a revoked
certificate, or a call answers the CSC error for a disabled credential) and the technical ``reason`` (the
service's CSC error object) for the log.

Law 20/2023/QH15 on electronic transactions and Decree 23/2025/NĐ-CP (electronic signatures and trust
services) allow a remote signature, the key kept by the trust service provider under the signer's sole
control.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.signing.keys import KEY_UNAVAILABLE

if TYPE_CHECKING:
    import aiohttp
    from pyhanko.sign.signers.csc_signer import CSCAuthorizationInfo

    from motcua.signing.keys import KeySource

DEFAULT_TIMEOUT_SECONDS = 30.0


def unavailable(message: Any, *, reason: str, **params: Any) -> DomainError:
    """The key cannot be used now (``keys.KEY_UNAVAILABLE``: the signing job may be retried once the token,
    the service or the configuration is fixed), with a message an officer can act on; ``reason``
    (technical) is for the log only."""
    error = DomainError(KEY_UNAVAILABLE, message, **params)
    error.reason = reason  # type: ignore[attr-defined]
    return error


def load_signer(source: KeySource) -> Any:
    """A pyHanko CSC signer for the credential ``source.ref``. Its certificate and chain are fetched now
    (``credentials/info``), so that an unknown credential or an unreachable service is a clear
    ``DomainError`` before any signing starts. It holds no connection: nothing to close."""
    from pyhanko.sign.signers.csc_signer import CSCSigner, fetch_certs_in_csc_credential

    if not source.ref:
        raise unavailable(
            _("Chưa cấu hình mã chứng thư (credential) của dịch vụ ký số từ xa."),
            reason="csc key source without a credential id (ref)",
        )
    url, timeout = _service_url(source), _timeout(source)
    connection = Connection(timeout=timeout)
    token = _access_token(source, url=url, connection=connection)
    session_info = _session_info(url=url, credential_id=source.ref, token=token)
    credential = run(fetch_certs_in_csc_credential(connection, session_info, timeout=int(timeout)))  # type: ignore[arg-type]
    run(_refuse_disabled(connection, session_info))
    return CSCSigner(
        connection,  # type: ignore[arg-type]
        auth_manager=_authorization_manager(session_info, credential, connection),
        sign_timeout=int(timeout),
    )


# --- the service's answers ----------------------------------------------------------------------------


class Connection:
    """Stands in for pyHanko's ``aiohttp.ClientSession``: each call opens its own session in the event loop it
    runs in (pyHanko's synchronous ``sign_pdf`` runs each signing in a new loop, so a session kept across
    calls would belong to a closed loop), and a failed call becomes a ``DomainError``."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def post(self, url: str, **options: Any) -> _Call:
        return _Call(self, url, options)


class _Call:
    def __init__(self, connection: Connection, url: str, options: dict[str, Any]) -> None:
        self.connection = connection
        self.url = url
        # Errors are read here (their CSC error object says why), not raised by aiohttp without the body.
        self.options = {**options, "raise_for_status": False}
        self._session: aiohttp.ClientSession | None = None
        self._response: aiohttp.ClientResponse | None = None

    async def __aenter__(self) -> aiohttp.ClientResponse:
        import aiohttp

        # The key source's timeout, whatever pyHanko asks (whole seconds; 0 would mean none).
        self.options["timeout"] = aiohttp.ClientTimeout(total=self.connection.timeout)
        self._session = aiohttp.ClientSession()
        try:
            self._response = await self._session.post(self.url, **self.options)
        except BaseException as error:
            await self._session.close()
            domain_error = _refusal(error, url=self.url)
            if domain_error is None:
                raise
            raise domain_error from error
        if self._response.status >= 400:
            status, answer = self._response.status, await _error_object(self._response)
            self._response.release()
            await self._session.close()
            raise _answer_refusal(status, answer, url=self.url)
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if self._response is not None:
            self._response.release()
        if self._session is not None:
            await self._session.close()


def _disabled_credential(reason: str) -> DomainError:
    return unavailable(
        _(
            "Chứng thư số của khóa ký từ xa đã bị thu hồi hoặc khóa ký đã bị vô hiệu hóa tại dịch vụ ký số "
            "từ xa; không thể ký bằng khóa này. Đề nghị quản trị viên cấu hình khóa ký mới rồi ký lại."
        ),
        reason=reason,
    )


async def _error_object(response: aiohttp.ClientResponse) -> dict[str, str]:
    """The CSC error object of a refusal (``{"error": ..., "error_description": ...}``), or empty."""
    try:
        answer = await response.json(content_type=None)
    except Exception:  # not JSON (a proxy's page, an empty body): the status alone says what happened
        return {}
    if not isinstance(answer, dict):
        return {}
    return {key: str(answer.get(key, ""))[:300] for key in ("error", "error_description")}


def _answer_refusal(status: int, answer: dict[str, str], *, url: str) -> DomainError:
    """The service answered with an HTTP error: what it means for the officer, the CSC error for the log."""
    reason = f"{url}: HTTP {status} {answer.get('error', '')} {answer.get('error_description', '')}".strip()
    description = answer.get("error_description", "").lower()
    if status == 400 and ("disabled" in description or "revoked" in description):
        return _disabled_credential(reason)
    if status == 404:
        return unavailable(
            _("Dịch vụ ký số từ xa không có chứng thư (credential) đã cấu hình cho khóa ký này."),
            reason=reason,
        )
    if status in (401, 403):
        return unavailable(
            _("Dịch vụ ký số từ xa từ chối khóa truy cập của hệ thống. Đề nghị quản trị viên kiểm tra."),
            reason=reason,
        )
    if status < 500:
        return unavailable(_("Dịch vụ ký số từ xa từ chối yêu cầu ký."), reason=reason)
    return unavailable(_("Dịch vụ ký số từ xa đang gặp lỗi; vui lòng thử lại sau."), reason=reason)


def _refusal(error: BaseException, *, url: str) -> DomainError | None:
    import aiohttp

    reason = f"{url}: {type(error).__name__} {error}"
    if isinstance(error, aiohttp.ClientResponseError):
        return _answer_refusal(error.status, {}, url=url)
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        return unavailable(
            _("Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại sau."),
            reason=reason,
        )
    return None


async def _refuse_disabled(connection: Connection, session_info: Any) -> None:
    """CSC ``credentials/info`` says whether the key is enabled and its certificate valid: a revoked,
    suspended or expired certificate, or a disabled key, refuses here rather than after a failed signature."""
    async with connection.post(
        session_info.endpoint_url("credentials/info"),
        headers=session_info.auth_headers,
        json={"credentialID": session_info.credential_id, "certificates": "none"},
    ) as response:
        answer = await response.json()
    key = (answer.get("key") or {}) if isinstance(answer, dict) else {}
    cert = (answer.get("cert") or {}) if isinstance(answer, dict) else {}
    key_status, cert_status = str(key.get("status", "enabled")), str(cert.get("status", "valid"))
    if key_status != "enabled" or cert_status not in ("valid", ""):
        raise _disabled_credential(
            f"credential {session_info.credential_id}: key {key_status}, certificate {cert_status}"
        )


def _authorization_manager(session_info: Any, credential: Any, connection: Connection) -> Any:
    """Signature activation data for each batch of hashes (``credentials/authorize``), pinned to the hashes
    when the credential asks for it (SCAL 2)."""
    from pyhanko.sign.signers.csc_signer import CSCAuthorizationManager

    class HashAuthorization(CSCAuthorizationManager):
        async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
            pinned = hash_b64s if self.credential_info.hash_pinning_required else None
            request = self.format_csc_auth_request(num_signatures=len(hash_b64s), hash_b64s=pinned)
            async with connection.post(
                self.csc_session_info.endpoint_url("credentials/authorize"),
                headers=self.auth_headers,
                json=request,
            ) as response:
                answer = await response.json()
            return self.parse_csc_auth_response(answer)

    return HashAuthorization(session_info, credential)


def _session_info(*, url: str, credential_id: str, token: str) -> Any:
    from pyhanko.sign.signers.csc_signer import CSCServiceSessionInfo

    return CSCServiceSessionInfo(service_url=url, credential_id=credential_id, oauth_token=token or None)


def _access_token(source: KeySource, *, url: str, connection: Connection) -> str:
    auth = source.options.get("auth", "bearer")
    if auth not in ("bearer", "basic"):
        raise unavailable(
            _("Kiểu xác thực “%(auth)s” của dịch vụ ký số từ xa không được hỗ trợ (bearer, basic)."),
            reason=f"csc auth {auth!r}",
            auth=auth,
        )
    secret = source.secret() or ""
    if auth == "bearer":
        return secret
    return run(_login(url=url, secret=secret, connection=connection))


async def _login(*, url: str, secret: str, connection: Connection) -> str:
    """CSC ``auth/login`` with HTTP Basic: the access token for the following calls."""
    basic = base64.b64encode(secret.encode()).decode("ascii")
    async with connection.post(
        f"{url}/csc/v1/auth/login", headers={"Authorization": f"Basic {basic}"}, json={"rememberMe": False}
    ) as response:
        answer = await response.json()
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not token:
        raise unavailable(
            _("Dịch vụ ký số từ xa không cấp khóa truy cập cho hệ thống."),
            reason=f"{url}/csc/v1/auth/login answered without an access_token",
        )
    return str(token)


def _service_url(source: KeySource) -> str:
    configured = (getattr(settings, "MOTCUA_SIGNING", None) or {}).get("csc_url")
    url = str(source.options.get("url") or configured or "").rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise unavailable(
            _("Chưa cấu hình địa chỉ dịch vụ ký số từ xa (CSC)."),
            reason=f"csc url {url!r}",
        )
    return url


def _timeout(source: KeySource) -> float:
    try:
        return float(source.options.get("timeout") or DEFAULT_TIMEOUT_SECONDS)
    except ValueError as error:
        raise unavailable(
            _("Thời gian chờ dịch vụ ký số từ xa không hợp lệ: “%(value)s”."),
            reason=f"csc timeout {source.options.get('timeout')!r}",
            value=source.options.get("timeout"),
        ) from error


def run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion from synchronous code, in a thread of its own when this thread
    already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
