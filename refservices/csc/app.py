"""The CSC peer's aiohttp application: certomancer-csc-dummy's endpoints (``credentials/list``, ``info``,
``authorize``, ``signatures/signHash``) over the test PKI's certomancer configuration, with what the dummy
leaves out and a real service has: every call but ``info`` needs a Bearer access token, ``auth/login`` trades
HTTP Basic user credentials for that token, a revoked certificate's credential is disabled (refused with the
CSC error), and ``/healthz``.

A credential id is ``<architecture>/<certificate label>`` (``motcua-test/signer-3``): any certificate the test
PKI issued with its key kept by the PKI (a PKCS#12 one). The configuration is re-read when the PKI rewrites it
(a certificate issued while the peer runs)."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

from ..pki import ARCH, Pki

DEFAULT_ACCESS_TOKEN = "csc-demo-token"
DEFAULT_USERNAME = "motcua"
DEFAULT_PASSWORD = "csc-demo-password"
TOKEN_SECONDS = 3600

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class CscPeer(CSCWithCertomancer):  # type: ignore[misc]
    def __init__(
        self,
        pki_directory: str | Path,
        *,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        hash_pinning: bool = True,
    ) -> None:
        self.pki = Pki(pki_directory)
        self._lock = threading.Lock()
        self._config: Any = None
        self._version: tuple[int, int] | None = None
        self.access_tokens = {access_token}
        self.username = username
        self.password = password
        super().__init__(
            self.certomancer_config,
            service_params=DummyServiceParams(
                hash_pinning_required=hash_pinning, sad_secret=secrets.token_bytes(32)
            ),
        )
        self.app.middlewares.append(self.authenticate)

    @property
    def certomancer_config(self) -> Any:
        stat = self.pki.config_path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._config is None or version != self._version:
                # The signing keys' private halves (the served PKI reads only the public ones)
                self._config = self.pki.certomancer_config(private_keys=True)
                self._version = version
            return self._config

    def credential_ids(self) -> list[str]:
        """The end-entity certificates whose key the PKI keeps: the CA, OCSP and TSA keys are not for hire."""
        return [f"{ARCH}/{issued.label}" for issued in self.pki.issued() if issued.pkcs12_path is not None]

    def _parse_credential_id(self, cred_id: str) -> Any:
        if cred_id not in self.credential_ids():
            raise web.HTTPNotFound(text="unknown credentialID")
        return super()._parse_credential_id(cred_id)

    async def credentials_list(self, request: web.Request) -> web.Response:
        return web.json_response({"credentialIDs": self.credential_ids()})

    # A certificate the test PKI revoked: its credential is disabled, as a trust service disables the key of a
    # revoked certificate. ``credentials/info`` says so (CSC API v1 ``key/status`` "disabled", ``cert/status``
    # "revoked"); ``credentials/authorize`` and ``signatures/signHash`` refuse with the CSC error.

    def revoked(self, credential_id: str) -> bool:
        """Whether the certificate of ``credential_id`` is revoked now (the test PKI's CRL and OCSP)."""
        pki_arch, cert_spec = self._parse_credential_id(credential_id)
        return pki_arch.check_revocation_status(cert_spec.label, datetime.now(UTC)) is not None

    async def _credential_id(self, request: web.Request) -> str:
        try:
            params = await request.json()
            return str(params["credentialID"])
        except (ValueError, KeyError, TypeError):
            return ""

    async def credentials_info(self, request: web.Request) -> web.Response:
        response: web.Response = await super().credentials_info(request)
        credential_id = await self._credential_id(request)
        if not self.revoked(credential_id):
            return response
        answer = json.loads(response.text or "{}")
        answer.setdefault("key", {})["status"] = "disabled"
        answer.setdefault("cert", {})["status"] = "revoked"
        return web.json_response(answer)

    async def credentials_authorize(self, request: web.Request) -> web.Response:
        credential_id = await self._credential_id(request)
        if credential_id and self.revoked(credential_id):
            raise _disabled()
        response: web.Response = await super().credentials_authorize(request)
        return response

    async def signatures_sign_hash(self, request: web.Request) -> web.Response:
        credential_id = await self._credential_id(request)
        if credential_id and self.revoked(credential_id):
            raise _disabled()
        response: web.Response = await super().signatures_sign_hash(request)
        return response

    def register_routes(self) -> None:
        super().register_routes()
        self.app.add_routes([web.get("/healthz", self.healthz), web.post("/csc/v1/auth/login", self.login)])

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def login(self, request: web.Request) -> web.Response:
        """CSC ``auth/login``: HTTP Basic user credentials → an access token."""
        header = request.headers.get("Authorization", "")
        scheme, _space, value = header.partition(" ")
        try:
            user, _colon, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            user = password = ""
        if scheme.lower() != "basic" or not (
            hmac.compare_digest(user, self.username) and hmac.compare_digest(password, self.password)
        ):
            raise _unauthorized("invalid user credentials")
        token = secrets.token_urlsafe(24)
        self.access_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": TOKEN_SECONDS})

    @web.middleware
    async def authenticate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        public = request.path in ("/healthz", "/info", "/csc/v1/info", "/csc/v1/auth/login")
        if not public:
            scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not any(
                hmac.compare_digest(token, known) for known in tuple(self.access_tokens)
            ):
                raise _unauthorized("a valid Bearer access token is required")
        return await handler(request)


# The CSC API's answer to a request naming a disabled credential (HTTP 400, OAuth-style error object).
DISABLED_ERROR = "invalid_request"
DISABLED_DESCRIPTION = "The credential is disabled: its certificate is revoked"


def _disabled() -> web.HTTPBadRequest:
    return web.HTTPBadRequest(
        text=json.dumps({"error": DISABLED_ERROR, "error_description": DISABLED_DESCRIPTION}),
        content_type="application/json",
    )


def _unauthorized(description: str) -> web.HTTPUnauthorized:
    return web.HTTPUnauthorized(
        text=f'{{"error": "invalid_request", "error_description": "{description}"}}',
        content_type="application/json",
        headers={"WWW-Authenticate": 'Bearer realm="csc"'},
    )


def create_app(pki_directory: str | Path, **options: Any) -> web.Application:
    peer = CscPeer(pki_directory, **options)
    peer.register_routes()
    return peer.app
