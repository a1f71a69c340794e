"""Signed callbacks: HMAC-SHA256 over ``<timestamp>.<raw body>`` with the shared secret, sent as
``X-Payment-Signature: sha256=<hex>`` beside ``X-Payment-Timestamp`` (Unix seconds) and
``X-Payment-Event-Id``. The gateway signs; we verify in constant time, within a time window (a captured
callback cannot be replayed later; the event id stops a replay within the window)."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.payments import errors

SIGNATURE_HEADER = "X-Payment-Signature"
TIMESTAMP_HEADER = "X-Payment-Timestamp"
EVENT_HEADER = "X-Payment-Event-Id"


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


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
    if not hmac.compare_digest(sign(body, secret=secret, timestamp=moment).encode(), signature.encode()):
        raise DomainError(errors.BAD_SIGNATURE, _("Lời báo không có chữ ký hợp lệ."))
    window = settings.MOTCUA_PAYMENTS["CALLBACK_WINDOW_SECONDS"]
    if abs((time.time() if now is None else now) - moment) > window:
        raise DomainError(errors.STALE, _("Lời báo đã quá thời hạn (dấu thời gian ngoài khoảng cho phép)."))
