"""The reference registries as a Flask application: the lookup API motcua's adapters call and the test
controls (fault switches, the request log).

API (docs/refservices.md):

- ``GET /api/v1/<kind>/<identifier>?fields=a,b`` with kind ``population``, ``business``, ``land`` or
  ``civil-status``; HTTP Basic authentication with the client id and secret; the header ``X-Purpose``
  (the purpose of the lookup, UTF-8 percent-encoded) is mandatory, ``X-Requester`` (who asks) optional.
  ``fields`` limits the answer to those fields (data minimisation); without it every field comes back.
  200 ``{"kind", "identifier", "data": {...}}``; 404 ``{"error": "not_found"}``; 400 ``{"error":
  "purpose_required" | "unknown_field" | "bad_identifier"}``; 401 ``{"error": "unauthorized"}``.
- ``/_control/faults`` (header ``X-Control-Secret``): ``POST {"delay_seconds", "fail_status",
  "fail_count", "trickle_seconds"}`` makes the API slow or fail (``fail_count`` 0: every call) or send
  its answers in small parts spread over ``trickle_seconds``; ``DELETE`` clears them.
  ``GET /_control/requests``: the API calls received (kind, identifier, fields, purpose, requester, status).
  ``DELETE /_control/requests`` forgets them.
- ``GET /healthz``: ``{"status": "ok"}``.

Fault switches and the request log live in the process: run one worker (the default, with threads).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from flask import Flask, Response, jsonify, request

from . import records

DEFAULT_CLIENT_ID = "motcua-hue"
DEFAULT_CLIENT_SECRET = "motcua-hue-registries-demo-secret"
DEFAULT_CONTROL_SECRET = "registries-control-demo-secret"
MAX_PURPOSE = 500
REQUEST_LOG = 10_000

# URL segment -> record kind.
KINDS = {"population": "population", "business": "business", "land": "land", "civil-status": "civil_status"}


@dataclass(frozen=True)
class Config:
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    control_secret: str = DEFAULT_CONTROL_SECRET


class Faults:
    """The fault switches, shared by the threads of the one worker process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.delay_seconds = 0.0
            self.fail_status = 0
            self.fail_count = 0  # 0 with a fail_status: every call fails
            self.trickle_seconds = 0.0

    def set(self, switches: dict[str, Any]) -> dict[str, float]:
        delay = float(switches.get("delay_seconds", 0) or 0)
        status = int(switches.get("fail_status", 0) or 0)
        count = int(switches.get("fail_count", 0) or 0)
        trickle = float(switches.get("trickle_seconds", 0) or 0)
        if not (
            0 <= delay <= 600 and (status == 0 or 400 <= status <= 599) and count >= 0 and 0 <= trickle <= 600
        ):
            raise ValueError(
                "delay_seconds 0..600, fail_status 0 or 400..599, fail_count >= 0, trickle_seconds 0..600"
            )
        with self._lock:
            self.delay_seconds, self.fail_status, self.fail_count = delay, status, count
            self.trickle_seconds = trickle
        return self.state()

    def state(self) -> dict[str, float]:
        return {
            "delay_seconds": self.delay_seconds,
            "fail_status": self.fail_status,
            "fail_count": self.fail_count,
            "trickle_seconds": self.trickle_seconds,
        }

    def take(self) -> tuple[float, int]:
        """(delay, status to fail with or 0) for one call; a counted failure is used up."""
        with self._lock:
            status = self.fail_status
            if status and self.fail_count:
                self.fail_count -= 1
                if self.fail_count == 0:
                    self.fail_status = 0
            return self.delay_seconds, status


def _error(code: str, status: int, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": code, **extra}), status


def _authorized(config: Config) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return False
    try:
        client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(client_id.encode(), config.client_id.encode()) & hmac.compare_digest(
        secret.encode(), config.client_secret.encode()
    )


def _trickled(body: bytes, seconds: float, pieces: int = 20) -> Response:
    """The answer sent in ``pieces`` parts spread over ``seconds`` (each wait shorter than a read timeout)."""
    step = max(1, len(body) // pieces + 1)

    def parts() -> Any:
        for start in range(0, len(body), step):
            time.sleep(seconds / pieces)
            yield body[start : start + step]

    return Response(parts(), mimetype="application/json")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    faults = Faults()
    log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG)

    def control_allowed() -> bool:
        given = request.headers.get("X-Control-Secret", "")
        return hmac.compare_digest(given.encode(), config.control_secret.encode())

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.get("/api/v1/<segment>/<identifier>")
    def lookup(segment: str, identifier: str) -> Any:
        kind = KINDS.get(segment)
        if kind is None:
            return _error("unknown_registry", 404)
        purpose = unquote(request.headers.get("X-Purpose", "")).strip()
        requester = unquote(request.headers.get("X-Requester", "")).strip()[:200]
        wanted = [f for f in request.args.get("fields", "").split(",") if f]
        entry = {
            "kind": kind,
            "identifier": identifier,
            "fields": wanted,
            "purpose": purpose,
            "requester": requester,
            "at": time.time(),
        }

        def answer(body: Any, status: int) -> Any:
            log.append({**entry, "status": status})
            return body, status

        if not _authorized(config):
            response, status = _error("unauthorized", 401)
            response.headers["WWW-Authenticate"] = 'Basic realm="registries"'
            return answer(response, status)
        if not purpose:
            return answer(*_error("purpose_required", 400))
        if len(purpose) > MAX_PURPOSE:
            return answer(*_error("purpose_too_long", 400))
        delay, fail = faults.take()
        if delay:
            time.sleep(delay)
        if fail:
            return answer(*_error("fault", fail))
        if len(identifier) > 40:
            return answer(*_error("bad_identifier", 400))
        record = records.find(kind, identifier)
        if record is None:
            return answer(*_error("not_found", 404))
        unknown = [f for f in wanted if f not in record]
        if unknown:
            return answer(*_error("unknown_field", 400, fields=unknown))
        data = {f: record[f] for f in wanted} if wanted else record
        response = jsonify({"kind": kind, "identifier": identifier, "data": data})
        if faults.trickle_seconds:
            response = _trickled(response.get_data(), faults.trickle_seconds)
        return answer(response, 200)

    @app.route("/_control/faults", methods=["GET", "POST", "DELETE"])
    def control_faults() -> Any:
        if not control_allowed():
            return _error("unauthorized", 401)
        if request.method == "POST":
            body = request.get_json(silent=True, force=True)
            if not isinstance(body, dict):
                return _error("bad_request", 400)
            try:
                return jsonify({"faults": faults.set(body)})
            except (TypeError, ValueError) as error:
                return _error("bad_request", 400, message=str(error))
        if request.method == "DELETE":
            faults.clear()
        return jsonify({"faults": faults.state()})

    @app.route("/_control/requests", methods=["GET", "DELETE"])
    def control_requests() -> Any:
        if not control_allowed():
            return _error("unauthorized", 401)
        if request.method == "DELETE":
            log.clear()
        return jsonify({"data": list(log)})

    return app
