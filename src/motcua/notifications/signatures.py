"""Signed provider callbacks: HMAC-SHA256 over the raw body with the shared secret, compared in constant
time; the body's own ``timestamp`` must lie within the window (a captured receipt cannot be replayed later,
and a replay within the window meets the event-id check)."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Motcua-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, given: str, secret: str) -> bool:
    if not secret or not given:
        return False
    return hmac.compare_digest(sign(body, secret).encode(), given.strip().encode())


def timestamp_ok(timestamp: object, *, window_seconds: float, now: float | None = None) -> bool:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
        return False
    return abs((now if now is not None else time.time()) - float(timestamp)) <= window_seconds
