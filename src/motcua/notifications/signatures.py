"""Signed provider callbacks: HMAC-SHA256 over the raw body with the shared secret, compared in constant
time; the body's own ``timestamp`` must lie within the window (a captured receipt cannot be replayed later,
and a replay within the window meets the event-id check)."""

from __future__ import annotations

from motcua.core import callbacks

SIGNATURE_HEADER = "X-Motcua-Signature"


def sign(body: bytes, secret: str) -> str:
    return callbacks.hmac_sha256(secret, body)


def signature_ok(body: bytes, given: str, secret: str) -> bool:
    return bool(secret) and callbacks.signature_matches(sign(body, secret), given)


def timestamp_ok(timestamp: object, *, window_seconds: float, now: float | None = None) -> bool:
    return callbacks.moment_within(timestamp, window_seconds=window_seconds, now=now)
