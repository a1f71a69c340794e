"""The reference OpenID Connect provider as a Flask application built on authlib's provider classes."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, render_template, request
from joserfc.jwk import RSAKey

from . import citizens
from .store import AccessToken, AuthorizationCode, Store

# Levels of assurance this provider can vouch for: a password login is level 1.
SUPPORTED_ACR = ("LoA1",)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Client(ClientMixin):
    """A registered relying party. Redirect URIs on loopback may use any port (test servers pick one)."""

    client_id: str
    client_secret: str
    name: str = "Cổng dịch vụ công (motcua)"
    redirect_paths: tuple[str, ...] = ("/dich-vu-cong/dang-nhap/xong/",)
    redirect_uris: tuple[str, ...] = ()
    scope: str = "openid profile address phone"
    token_endpoint_auth_methods: tuple[str, ...] = ("client_secret_basic", "client_secret_post")
    client_metadata: dict[str, Any] = field(default_factory=dict)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        if redirect_uri in self.redirect_uris:
            return True
        parts = urlsplit(redirect_uri)
        return (
            parts.scheme == "http"
            and parts.hostname in LOOPBACK_HOSTS
            and parts.path in self.redirect_paths
            and not parts.query
            and not parts.fragment
        )

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(self.client_secret.encode(), (client_secret or "").encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint != "token" or method in self.token_endpoint_auth_methods

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class RequiredPkce(CodeChallenge):
    """PKCE with S256 for every client, confidential ones too (authlib requires it of public clients only)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


@dataclass
class Config:
    issuer: str
    state_dir: Path
    clients: tuple[Client, ...]
    token_lifetime: int = 3600


def load_signing_key(state_dir: Path) -> RSAKey:
    """The provider's RSA key, generated on first start and kept so that clients' cached JWKS stay valid."""
    path = state_dir / "signing-key.json"
    if path.exists():
        return RSAKey.import_key(json.loads(path.read_text()))
    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
    state_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(key.as_dict(private=True)))
    path.chmod(0o600)
    return key


def user_claims(citizen: citizens.Citizen, scope: str) -> dict[str, Any]:
    """Claims released for ``scope``: identity with ``openid``, the rest with profile/address/phone."""
    scopes = set(scope.split())
    claims: dict[str, Any] = {
        "sub": citizen.national_id,
        "national_id": citizen.national_id,
        "name": citizen.full_name,
    }
    if "profile" in scopes:
        claims.update(birthdate=citizen.birthdate, gender=citizen.gender)
    if "address" in scopes:
        claims["address"] = citizen.address
    if "phone" in scopes:
        claims["phone_number"] = citizen.phone
    return claims


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    store = Store(config.state_dir / "idp.sqlite3")
    key = load_signing_key(config.state_dir)
    clients = {c.client_id: c for c in config.clients}
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": config.token_lifetime}

    def save_token(token: dict[str, Any], oauth_request: Any) -> None:
        store.save_token(
            AccessToken(
                access_token=token["access_token"],
                client_id=oauth_request.client.client_id,
                scope=token.get("scope", ""),
                national_id=oauth_request.user.national_id,
                issued_at=int(time.time()),
                expires_in=int(token.get("expires_in", config.token_lifetime)),
            )
        )

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, oauth_request: Any) -> None:
            data = oauth_request.payload.data
            requested_acr = (data.get("acr_values") or "").split()
            store.save_code(
                AuthorizationCode(
                    code=code,
                    client_id=oauth_request.client.client_id,
                    redirect_uri=oauth_request.payload.redirect_uri or "",
                    scope=oauth_request.scope or "",
                    national_id=oauth_request.user.national_id,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    # A password login vouches for LoA1 whatever was asked; the client decides if enough.
                    acr=next((a for a in requested_acr if a in SUPPORTED_ACR), SUPPORTED_ACR[0]),
                    auth_time=int(time.time()),
                )
            )

        def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
            found = store.find_code(code, client.client_id)
            return found if found is not None and not found.is_expired() else None

        def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
            store.use_code(authorization_code.code)

        def authenticate_user(self, authorization_code: AuthorizationCode) -> citizens.Citizen | None:
            return citizens.find(authorization_code.national_id)

    class IdToken(OpenIDCode):
        def exists_nonce(self, nonce: str, oauth_request: Any) -> bool:
            return store.nonce_used(nonce, oauth_request.payload.client_id)

        def resolve_client_private_key(self, client: Client) -> RSAKey:
            return key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": key.kid or ""}

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            return {"iss": config.issuer, "aud": [client.client_id]}

        def generate_user_info(self, user: citizens.Citizen, scope: str) -> dict[str, Any]:
            return user_claims(user, scope)

    server = AuthorizationServer(app, query_client=clients.get, save_token=save_token)
    server.register_grant(CodeGrant, [RequiredPkce(required=True), IdToken(require_nonce=True)])

    class TokenValidator(BearerTokenValidator):
        def authenticate_token(self, token_string: str) -> AccessToken | None:
            return store.find_token(token_string)

    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(TokenValidator())

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        base = config.issuer.rstrip("/")
        return jsonify(
            {
                "issuer": config.issuer,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "address", "phone"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "acr_values_supported": list(SUPPORTED_ACR),
                "claims_supported": [
                    "sub",
                    "national_id",
                    "name",
                    "birthdate",
                    "gender",
                    "address",
                    "phone_number",
                    "acr",
                    "amr",
                    "auth_time",
                    "nonce",
                ],
                "ui_locales_supported": ["vi"],
            }
        )

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify({"keys": [key.as_dict(private=False)]})

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        try:
            grant = server.get_consent_grant(end_user=None)
        except OAuth2Error as error:
            if getattr(error, "redirect_uri", None):
                return server.handle_error_response(None, error)
            return render_template("error.html", error=error), 400
        message = ""
        national_id = ""
        if request.method == "POST":
            national_id = request.form.get("national_id", "").strip()
            citizen = citizens.authenticate(national_id, request.form.get("password", ""))
            if request.form.get("action") == "cancel":
                return server.create_authorization_response(grant=grant, grant_user=None)
            if citizen is not None:
                return server.create_authorization_response(grant=grant, grant_user=citizen)
            message = "Số định danh cá nhân hoặc mật khẩu không đúng."
        client = grant.client
        status = 401 if message else 200
        return render_template("login.html", client=client, message=message, national_id=national_id), status

    @app.post("/token")
    def issue_token() -> Response:
        return server.create_token_response()

    @app.route("/userinfo", methods=["GET", "POST"])
    @require_oauth("openid")
    def userinfo() -> Any:
        citizen = citizens.find(current_token.national_id)
        if citizen is None:
            return jsonify({"error": "invalid_token"}), 401
        return jsonify(user_claims(citizen, current_token.scope))

    return app
