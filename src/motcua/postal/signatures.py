"""The postal service's callback signature: HMAC-SHA256 over the raw body with the shared secret, compared
in constant time, and the body's ``sent_at`` within the window (``settings.MOTCUA_POSTAL``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core import callbacks
from motcua.core.errors import DomainError
from motcua.postal import errors

HEADER = "X-Postal-Signature"


def sign(body: bytes, secret: str) -> str:
    return callbacks.hmac_sha256(secret, body)


def must_verify() -> bool:
    """Production always verifies (settings and the system check refuse to start otherwise)."""
    return bool(settings.PRODUCTION or settings.MOTCUA_POSTAL.get("VERIFY_SIGNATURES", True))


def verified_body(body: bytes, signature: str, *, now: float | None = None) -> dict[str, Any]:
    """The callback's JSON object once its signature and its moment are checked; DomainError otherwise."""
    if must_verify():
        secret = str(settings.MOTCUA_POSTAL.get("CALLBACK_SECRET") or "")
        if not secret or not callbacks.signature_matches(sign(body, secret), signature):
            raise DomainError(errors.SIGNATURE, _("Chữ ký của bưu điện không hợp lệ."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or callbacks.holds_nul(data):
        raise DomainError(errors.MALFORMED, _("Nội dung thông báo của bưu điện không hợp lệ."))
    sent_at = data.get("sent_at")
    window = int(settings.MOTCUA_POSTAL.get("CALLBACK_WINDOW_SECONDS", 300))
    if not callbacks.moment_within(sent_at, window_seconds=window, now=now):
        raise DomainError(errors.STALE, _("Thông báo của bưu điện đã quá hạn hoặc thiếu thời điểm gửi."))
    return data
