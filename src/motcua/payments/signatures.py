"""Signed callbacks: HMAC-SHA256 over ``<timestamp>.<raw body>`` with the shared secret, sent as
``X-Payment-Signature: sha256=<hex>`` beside ``X-Payment-Timestamp`` (Unix seconds) and
``X-Payment-Event-Id``. The gateway signs; we verify in constant time, within a time window (a captured
callback cannot be replayed later; the event id stops a replay within the window)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core import callbacks
from motcua.core.errors import DomainError
from motcua.payments import errors

SIGNATURE_HEADER = "X-Payment-Signature"
TIMESTAMP_HEADER = "X-Payment-Timestamp"
EVENT_HEADER = "X-Payment-Event-Id"


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    return callbacks.hmac_sha256(secret, f"{timestamp}.".encode() + body)


def checking() -> bool:
    """Whether callbacks are verified: always in production, whatever the setting says."""
    return bool(settings.PRODUCTION or settings.MOTCUA_PAYMENTS["VERIFY_SIGNATURES"])


def verify(body: bytes, *, signature: str, timestamp: str, now: float | None = None) -> None:
    """Raise ``payment.bad_signature`` or ``payment.stale`` unless the callback is signed with our secret
    within the window."""
    if not checking():
        return
    secret = settings.MOTCUA_PAYMENTS["CALLBACK_SECRET"]
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        raise DomainError(errors.BAD_SIGNATURE, _("Thiếu hoặc sai dấu thời gian của lời báo.")) from None
    if not secret or not signature:
        raise DomainError(errors.BAD_SIGNATURE, _("Lời báo không có chữ ký hợp lệ."))
    if not callbacks.signature_matches(sign(body, secret=secret, timestamp=moment), signature):
        raise DomainError(errors.BAD_SIGNATURE, _("Lời báo không có chữ ký hợp lệ."))
    window = settings.MOTCUA_PAYMENTS["CALLBACK_WINDOW_SECONDS"]
    if not callbacks.moment_within(moment, window_seconds=window, now=now):
        raise DomainError(errors.STALE, _("Lời báo đã quá thời hạn (dấu thời gian ngoài khoảng cho phép)."))
