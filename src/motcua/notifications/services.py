"""Changes to notifications: the citizen's channels and the one-time confirmation of an address, delivery
receipts, read marks. Keyword-only, one transaction each; callable from a page, a command or a test."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import DomainError, FieldError
from motcua.notifications import errors
from motcua.notifications.channels import DeliveryError, Outgoing, senders_from
from motcua.notifications.constants import Channel, Status
from motcua.notifications.models import ContactConfirmation, ContactPreference, Notification, ReceiptEvent

logger = logging.getLogger(__name__)

# Vietnamese mobile numbers (0 or +84, then 9 digits starting 3, 5, 7, 8 or 9).
MOBILE = re.compile(r"^(?:\+?84|0)[35789]\d{8}$")


def _options() -> dict[str, Any]:
    return dict(settings.MOTCUA_NOTIFICATIONS)


def _code_hash(citizen_id: int, channel: str, address: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not give the 10^6 codes away.
    return salted_hmac(
        "motcua.notifications.code", f"{citizen_id}:{channel}:{address}:{code}", algorithm="sha256"
    ).hexdigest()


def normalize_address(channel: str, address: str) -> str:
    """The address as stored, or a FieldError saying what is wrong with it."""
    address = (address or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise FieldError(
                errors.ADDRESS_INVALID, gettext_lazy("Địa chỉ thư điện tử không hợp lệ."), field="address"
            ) from None
        return address.lower()
    digits = re.sub(r"[\s.\-()]", "", address)
    if not MOBILE.match(digits):
        raise FieldError(
            errors.ADDRESS_INVALID,
            gettext_lazy("Số điện thoại di động không hợp lệ (ví dụ: 0905 123 456)."),
            field="address",
        )
    return "0" + digits.removeprefix("+").removeprefix("84") if not digits.startswith("0") else digits


def preference_of(citizen: Any) -> ContactPreference:
    """The citizen's preference (a new unsaved one, portal only, when they never chose)."""
    found = ContactPreference.objects.filter(citizen=citizen).first()
    return found or ContactPreference(citizen=citizen, updated_at=timezone.now())


def start_confirmation(
    *, citizen: Any, channel: str, address: str, now: dt.datetime | None = None
) -> ContactConfirmation:
    """Send a 6-digit code to a new address; the address is used once the code is typed back
    (``confirm_address``). An earlier open code for the channel is replaced."""
    if channel not in (Channel.EMAIL, Channel.SMS):
        raise FieldError(errors.ADDRESS_INVALID, gettext_lazy("Kênh không hợp lệ."), field="channel")
    address = normalize_address(channel, address)
    now = now or timezone.now()
    options = _options()
    sender = senders_from(options).get(channel)
    if sender is None:
        raise DomainError(
            errors.SEND_FAILED, gettext_lazy("Kênh này chưa được cấu hình, vui lòng chọn kênh khác.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = int(options.get("CODE_MINUTES") or 10)
    with transaction.atomic():
        ContactConfirmation.objects.filter(
            citizen=citizen, channel=channel, confirmed_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=now)
        confirmation = ContactConfirmation.objects.create(
            citizen=citizen,
            channel=channel,
            address=address,
            code_hash=_code_hash(citizen.pk, channel, address, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    language = preference_of(citizen).language
    subject = _("Mã xác nhận địa chỉ nhận thông báo")
    body = _("Ma xac nhan motcua: %(code)s (hieu luc %(minutes)s phut). Khong dua ma nay cho bat ky ai.") % {
        "code": code,
        "minutes": minutes,
    }
    try:
        sender.send(
            Outgoing(
                address=address,
                subject=str(subject),
                body=body,
                language=language,
                key=f"confirmation:{confirmation.pk}",
            )
        )
    except DeliveryError as exc:
        logger.warning("confirmation code for %s not sent: %s", channel, exc)
        ContactConfirmation.objects.filter(pk=confirmation.pk).update(replaced_at=now)
        raise DomainError(
            errors.SEND_FAILED,
            gettext_lazy("Không gửi được mã xác nhận đến địa chỉ này. Vui lòng thử lại sau."),
        ) from exc
    finally:
        sender.close()
    return confirmation


def confirm_address(
    *, citizen: Any, channel: str, code: str, now: dt.datetime | None = None
) -> ContactPreference:
    """Check the code typed back; on success the address is confirmed and the channel switched on. A wrong
    code counts a try (kept even though the call fails); an expired code or too many tries need a new code."""
    now = now or timezone.now()
    attempts_allowed = int(_options().get("CODE_ATTEMPTS") or 5)
    with transaction.atomic():
        confirmation = (
            ContactConfirmation.objects.select_for_update()
            .filter(citizen=citizen, channel=channel, confirmed_at__isnull=True, replaced_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if confirmation is None:
            raise DomainError(
                errors.NO_CODE, gettext_lazy("Chưa có mã xác nhận nào đang chờ. Vui lòng gửi mã mới.")
            )
        if confirmation.expires_at <= now:
            raise DomainError(
                errors.CODE_EXPIRED, gettext_lazy("Mã xác nhận đã hết hạn. Vui lòng gửi mã mới.")
            )
        if confirmation.attempts >= attempts_allowed:
            raise DomainError(
                errors.CODE_TOO_MANY_TRIES,
                gettext_lazy("Bạn đã nhập sai quá số lần cho phép. Vui lòng gửi mã mới."),
            )
        expected = _code_hash(citizen.pk, channel, confirmation.address, (code or "").strip())
        if not hmac.compare_digest(expected, confirmation.code_hash):
            confirmation.attempts += 1
            confirmation.save(update_fields=["attempts"])
            wrong = True
        else:
            wrong = False
            confirmation.confirmed_at = now
            confirmation.save(update_fields=["confirmed_at"])
            preference = preference_of(citizen)
            if channel == Channel.EMAIL:
                preference.email, preference.email_confirmed_at, preference.by_email = (
                    confirmation.address,
                    now,
                    True,
                )
            else:
                preference.phone, preference.phone_confirmed_at, preference.by_sms = (
                    confirmation.address,
                    now,
                    True,
                )
            preference.updated_at = now
            preference.save()
    if wrong:
        left = attempts_allowed - confirmation.attempts
        if left <= 0:
            raise DomainError(
                errors.CODE_TOO_MANY_TRIES,
                gettext_lazy("Bạn đã nhập sai quá số lần cho phép. Vui lòng gửi mã mới."),
            )
        raise FieldError(
            errors.CODE_WRONG,
            gettext_lazy("Mã xác nhận không đúng. Còn %(left)s lần thử."),
            field="code",
            left=left,
        )
    return preference


@transaction.atomic
def choose_channels(
    *, citizen: Any, by_email: bool, by_sms: bool, language: str, now: dt.datetime | None = None
) -> ContactPreference:
    """The channels the citizen wants besides the portal list; a channel needs its confirmed address."""
    preference = preference_of(citizen)
    if (by_email and not preference.email_confirmed_at) or (by_sms and not preference.phone_confirmed_at):
        raise DomainError(
            errors.NOT_CONFIRMED,
            gettext_lazy("Hãy xác nhận địa chỉ trước khi chọn nhận thông báo qua kênh đó."),
        )
    preference.by_email, preference.by_sms = by_email, by_sms
    preference.language = language if language in ("vi", "en") else "vi"
    preference.updated_at = now or timezone.now()
    preference.save()
    return preference


class ReceiptRefused(Exception):
    """A delivery receipt that changes nothing: ``status`` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


RECEIPT_STATUSES = {"delivered": Status.DELIVERED, "failed": Status.FAILED}


def record_receipt(*, channel: str, receipt: dict[str, Any], now: dt.datetime | None = None) -> Notification:
    """Record a (signature-checked) delivery receipt: once per provider event id, for a known message."""
    now = now or timezone.now()
    event_id = str(receipt.get("event_id") or "")[:100]
    provider_id = str(receipt.get("message_id") or "")[:100]
    status = RECEIPT_STATUSES.get(str(receipt.get("status") or ""))
    if not event_id or not provider_id or status is None:
        raise ReceiptRefused(400, "receipt without event_id, message_id or a known status")
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .filter(channel=channel, provider_id=provider_id)
                .first()
            )
            if notification is None:
                raise ReceiptRefused(404, f"unknown message {provider_id!r}")
            ReceiptEvent.objects.create(
                channel=channel, event_id=event_id, provider_id=provider_id, status=status, received_at=now
            )
            notification.status = status
            if status == Status.DELIVERED:
                notification.delivered_at = now
            else:
                notification.error = str(receipt.get("error") or "the provider could not deliver the message")
            notification.save(update_fields=["status", "delivered_at", "error"])
    except IntegrityError:
        raise ReceiptRefused(409, f"receipt {event_id!r} already recorded") from None
    return notification


def mark_read(*, citizen: Any, notification: Notification, now: dt.datetime | None = None) -> None:
    Notification.objects.filter(pk=notification.pk, citizen=citizen, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def mark_all_read(*, citizen: Any, now: dt.datetime | None = None) -> int:
    return Notification.objects.filter(citizen=citizen, channel=Channel.PORTAL, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
