"""A small client of the national public service portal's service API (SPEC12 section 4).

Session login (``/api/dang-nhap``), then ``POST /api/<service>`` with the bearer session. When the portal
says the session is missing or expired (``error_code`` 02, HTTP 401) the client logs in again once and
repeats the call. Failures come back typed, so the adapter can tell a transient failure (``TransportError``:
no connection, timeout, a 5xx, an unreadable answer: try again later) from an answer about the content
(``PortalError`` with the portal's ``error_code``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

import requests

logger = logging.getLogger(__name__)

# The protocol's dates: ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, whatever this installation's TIME_ZONE.
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

OK = "00"
BAD_CREDENTIALS = "01"
SESSION_EXPIRED = "02"
INVALID_FIELD = "03"
ILLEGAL_TRANSITION = "04"
UNKNOWN_OBJECT = "05"
UNKNOWN_SERVICE = "06"


class NationalPortalError(Exception):
    """Any failure talking to the national portal."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class TransportError(NationalPortalError):
    """No usable answer: connection refused or dropped, timeout, a server error, not JSON. Retry later."""


class PortalError(NationalPortalError):
    """The portal answered with an error code for the whole call."""

    def __init__(
        self, message: str, *, code: str, http_status: int | None = None, answer: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, http_status=http_status)
        self.code = code
        self.answer = answer or {}


class NationalPortalClient:
    """One session with the portal; not thread-safe (one per adapter, one adapter per worker process)."""

    def __init__(
        self, *, url: str, username: str, password: str, timeout: float = 10.0, worker: str = ""
    ) -> None:
        self.url = url.rstrip("/")
        self.username = username
        self.password = password
        self.timeout = float(timeout)
        self.worker = worker
        self.session: str | None = None
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    # --- the wire -------------------------------------------------------------------------------------

    def _headers(self, *, auth: bool) -> dict[str, str]:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if auth and self.session:
            headers["Authorization"] = f"Bearer {self.session}"
        if self.worker:
            headers["X-Motcua-Worker"] = self.worker[:100]
        return headers

    def _send(self, method: str, path: str, *, body: Any = None, auth: bool = True) -> requests.Response:
        try:
            return self.http.request(
                method,
                f"{self.url}{path}",
                json=body,
                headers=self._headers(auth=auth),
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise TransportError(f"timeout after {self.timeout}s: {path}") from error
        except requests.RequestException as error:
            raise TransportError(f"{type(error).__name__}: {path}: {error}") from error

    @staticmethod
    def _answer(response: requests.Response, path: str) -> dict[str, Any]:
        """The JSON answer of a call, or the typed error it stands for."""
        status = response.status_code
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TransportError(f"HTTP {status} without a JSON answer: {path}", http_status=status)
        code = str(answer.get("error_code", ""))
        if status >= 500:
            raise TransportError(
                f"HTTP {status} {code} {answer.get('message', '')}: {path}", http_status=status
            )
        if status == 401 and code != SESSION_EXPIRED:
            code = SESSION_EXPIRED if code in ("", OK) else code
        if code != OK or status >= 400:
            raise PortalError(
                f"{code} {answer.get('message', '')}".strip(), code=code, http_status=status, answer=answer
            )
        return answer

    # --- calls ----------------------------------------------------------------------------------------

    def login(self) -> None:
        response = self._send(
            "POST", "/api/dang-nhap", body={"username": self.username, "password": self.password}, auth=False
        )
        answer = self._answer(response, "/api/dang-nhap")
        session = answer.get("session")
        if not isinstance(session, str) or not session:
            raise TransportError("login answered without a session", http_status=response.status_code)
        self.session = session

    def _authorized(self, method: str, path: str, body: Any = None) -> requests.Response:
        """Send with the session; log in first when there is none, and once again when it expired."""
        if self.session is None:
            self.login()
        response = self._send(method, path, body=body)
        if response.status_code == 401 or _code_of(response) == SESSION_EXPIRED:
            logger.info("national portal session expired; logging in again")
            self.session = None
            self.login()
            response = self._send(method, path, body=body)
        return response

    def call(self, service: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /api/<service>``: the answer if its ``error_code`` is 00, else a typed error."""
        path = f"/api/{service}"
        return self._answer(self._authorized("POST", path, body), path)

    def fetch_file(self, url_or_path: str, *, max_bytes: int) -> bytes:
        """A submitted file (``GET /api/tep/<id>``) with the session, read up to ``max_bytes`` + 1 bytes so a
        file too large is known without reading it all."""
        path = url_or_path
        if path.startswith(self.url):
            path = path[len(self.url) :]
        if not path.startswith("/"):
            raise PortalError(f"file link outside the portal: {url_or_path}", code=INVALID_FIELD)
        if self.session is None:
            self.login()
        response = self._stream(path)
        if response.status_code == 401:
            response.close()
            self.session = None
            self.login()
            response = self._stream(path)
        with response:
            if response.status_code >= 500:
                raise TransportError(f"HTTP {response.status_code}: {path}", http_status=response.status_code)
            if response.status_code != 200:
                raise PortalError(
                    f"HTTP {response.status_code}: {path}",
                    code=UNKNOWN_OBJECT,
                    http_status=response.status_code,
                )
            data = bytearray()
            try:
                for chunk in response.iter_content(65536):
                    data += chunk
                    if len(data) > max_bytes:
                        break
            except requests.RequestException as error:
                raise TransportError(f"{type(error).__name__}: {path}: {error}") from error
            return bytes(data)

    def _stream(self, path: str) -> requests.Response:
        try:
            return self.http.get(
                f"{self.url}{path}",
                headers=self._headers(auth=True),
                timeout=self.timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise TransportError(f"timeout after {self.timeout}s: {path}") from error
        except requests.RequestException as error:
            raise TransportError(f"{type(error).__name__}: {path}: {error}") from error


def _code_of(response: requests.Response) -> str:
    try:
        answer = response.json()
    except ValueError:
        return ""
    return str(answer.get("error_code", "")) if isinstance(answer, dict) else ""


def parse_time(value: Any) -> dt.datetime | None:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, or None."""
    text = str(value or "").strip()
    if len(text) != 14 or not text.isdigit():
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=TZ)
    except ValueError:
        return None
