"""Reads for accounts: the state of an enrolment link, the setup data of an authenticator key, a citizen's
account by e-ID number."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.errors import DomainError

from . import errors
from .models import EnrolmentLink, User

AUTHENTICATOR_NAME = "motcua"
MAX_TOKEN_LENGTH = 128


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_link_usable(link: EnrolmentLink | None, *, now: dt.datetime) -> EnrolmentLink:
    """``link`` if it may still be used, else the DomainError that says why not."""
    if link is None or not link.user.is_active:
        raise DomainError(
            errors.LINK_UNKNOWN,
            _(
                "Liên kết kích hoạt không hợp lệ. Hãy kiểm tra lại địa chỉ hoặc đề nghị quản trị viên "
                "cấp liên kết mới."
            ),
        )
    if link.used_at is not None:
        raise DomainError(
            errors.LINK_USED,
            _(
                "Liên kết kích hoạt này đã được sử dụng. Mỗi liên kết chỉ dùng được một lần; nếu cần, "
                "đề nghị quản trị viên cấp liên kết mới."
            ),
        )
    if link.revoked_at is not None:
        raise DomainError(
            errors.LINK_REVOKED,
            _(
                "Liên kết kích hoạt này đã được thay bằng một liên kết mới hơn. Hãy dùng liên kết mới nhất "
                "mà quản trị viên gửi cho bạn."
            ),
        )
    if link.expires_at <= now:
        raise DomainError(
            errors.LINK_EXPIRED,
            _("Liên kết kích hoạt này đã hết hạn. Đề nghị quản trị viên cấp liên kết mới."),
        )
    return link


def enrolment_link_for(
    *, token: str | None = None, link_id: int | None = None, now: dt.datetime | None = None
) -> EnrolmentLink:
    """The usable link with this token (or id); DomainError (unknown, used, revoked, expired) otherwise."""
    links = EnrolmentLink.objects.select_related("user")
    link: EnrolmentLink | None = None
    if token is not None and 0 < len(token) <= MAX_TOKEN_LENGTH:
        link = links.filter(token_hash=token_hash(token)).first()
    elif link_id is not None:
        link = links.filter(pk=link_id).first()
    return check_link_usable(link, now=now or timezone.now())


def authenticator_setup(*, user: Any, key: str) -> tuple[str, str]:
    """The base32 secret and the otpauth:// URL (for the QR code) of an authenticator ``key`` (hex)."""
    device = TOTPDevice(user=user, key=key, name=AUTHENTICATOR_NAME)
    return base64.b32encode(device.bin_key).decode(), device.config_url


def citizen_by_national_id(number: str) -> User | None:
    """The active citizen account (no staff record) carrying this 12-digit e-ID number, if exactly one does.

    Citizens' accounts are created at their first national e-ID login with the number the provider gives
    (``national_id``, never typed), so the number identifies the person."""
    number = (number or "").strip()
    if len(number) != 12 or not number.isdigit():
        return None
    found = list(User.objects.filter(national_id=number, is_active=True, staff__isnull=True)[:2])
    return found[0] if len(found) == 1 else None
