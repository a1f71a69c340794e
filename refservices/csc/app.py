"""The CSC peer's aiohttp application: certomancer-csc-dummy's endpoints (``credentials/list``, ``info``,
``authorize``, ``signatures/signHash``) over the test PKI's certomancer configuration, with what the dummy
leaves out and a real service has: every call but ``info`` needs a Bearer access token, ``auth/login`` trades
HTTP Basic user credentials for that token, and ``/healthz``.

A credential id is ``<architecture>/<certificate label>`` (``motcua-test/signer-3``): any certificate the test
PKI issued with its key kept by the PKI (a PKCS#12 one). The configuration is re-read when the PKI rewrites it
(a certificate issued while the peer runs)."""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
from collections.abc import Awaitable, Callable
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
        from certomancer.registry import CertomancerConfig

        stat = self.pki.config_path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._config is None or version != self._version:
                self._config = CertomancerConfig.from_file(
                    str(self.pki.config_path), key_search_dir=str(self.pki.directory)
                )
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
