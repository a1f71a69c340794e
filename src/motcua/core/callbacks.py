"""Signed callbacks from other systems (the payment gateway, the postal service, the SMS gateway): the pieces
each adapter's protocol is built from, written once. A signature is HMAC-SHA256 of the message with the
shared secret, written ``sha256=<hex>`` and compared in constant time; a callback's moment must lie within a
window of our clock (a captured callback cannot be replayed later; each adapter's event id stops a replay
within the window). What is signed (the raw body, or ``<timestamp>.<body>``) and which header carries what is
the provider's protocol, in each adapter's ``signatures`` module."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

PREFIX = "sha256="


def hmac_sha256(secret: str, message: bytes) -> str:
    """``sha256=<hex>`` of ``message`` with ``secret``."""
    return PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(expected: str, given: str | None) -> bool:
    """Whether ``given`` (a header value) is ``expected``, in constant time; empty never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.strip().encode())


def moment_within(moment: object, *, window_seconds: float, now: float | None = None) -> bool:
    """Whether ``moment`` (Unix seconds, a number) lies within ``window_seconds`` of ``now`` (our clock)."""
    if isinstance(moment, bool) or not isinstance(moment, int | float):
        return False
    return abs((time.time() if now is None else now) - float(moment)) <= window_seconds


def holds_nul(value: Any) -> bool:
    """Whether a parsed JSON body holds a NUL character in any key or string (``"\\u0000"``): PostgreSQL
    refuses it in text and JSON columns, so such a callback is refused before anything is written."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False
