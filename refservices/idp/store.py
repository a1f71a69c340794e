"""Authorization codes and access tokens of the reference provider, kept in one SQLite file."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from authlib.oauth2.rfc6749 import TokenMixin
from authlib.oidc.core import AuthorizationCodeMixin

CODE_LIFETIME = 300

_SCHEMA = """
CREATE TABLE IF NOT EXISTS authorization_code (
    code TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, scope TEXT NOT NULL,
    national_id TEXT NOT NULL, nonce TEXT, code_challenge TEXT, code_challenge_method TEXT,
    acr TEXT, auth_time INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS access_token (
    access_token TEXT PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT NOT NULL,
    national_id TEXT NOT NULL, issued_at INTEGER NOT NULL, expires_in INTEGER NOT NULL
);
"""

_CODE_COLUMNS = (
    "code, client_id, redirect_uri, scope, national_id, nonce,"
    " code_challenge, code_challenge_method, acr, auth_time"
)


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    national_id: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    acr: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str | None:
        return self.acr

    def get_amr(self) -> list[str]:
        return ["pwd"]

    def is_expired(self) -> bool:
        return self.auth_time + CODE_LIFETIME < time.time()


@dataclass
class AccessToken(TokenMixin):
    access_token: str
    client_id: str
    scope: str
    national_id: str
    issued_at: int
    expires_in: int

    def check_client(self, client) -> bool:  # type: ignore[no-untyped-def]
        return client.get_client_id() == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return self.issued_at + self.expires_in < time.time()

    def is_revoked(self) -> bool:
        return False


class Store:
    """A connection per operation: the threaded server calls it from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def save_code(self, code: AuthorizationCode) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO authorization_code VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    code.code,
                    code.client_id,
                    code.redirect_uri,
                    code.scope,
                    code.national_id,
                    code.nonce,
                    code.code_challenge,
                    code.code_challenge_method,
                    code.acr,
                    code.auth_time,
                ),
            )

    def find_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_CODE_COLUMNS} FROM authorization_code"
                " WHERE code = ? AND client_id = ? AND used = 0",
                (code, client_id),
            ).fetchone()
        return AuthorizationCode(*row) if row else None

    def nonce_used(self, nonce: str, client_id: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM authorization_code WHERE nonce = ? AND client_id = ?", (nonce, client_id)
            ).fetchone()
        return row is not None

    def use_code(self, code: str) -> None:
        """Spend a code; the row stays so that a replayed nonce is still recognised."""
        with self._connect() as db:
            db.execute("UPDATE authorization_code SET used = 1 WHERE code = ?", (code,))

    def save_token(self, token: AccessToken) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO access_token VALUES (?, ?, ?, ?, ?, ?)",
                (
                    token.access_token,
                    token.client_id,
                    token.scope,
                    token.national_id,
                    token.issued_at,
                    token.expires_in,
                ),
            )

    def find_token(self, access_token: str) -> AccessToken | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM access_token WHERE access_token = ?", (access_token,)).fetchone()
        return AccessToken(*row) if row else None
