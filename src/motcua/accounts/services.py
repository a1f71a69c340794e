"""Officer credentials: registering the authenticator app (TOTP) and one-time enrolment links.

A TOTP secret is made per enrolment page view and kept in that session only; the device is
stored, confirmed, when a code from that secret verifies. An unconfirmed device is never shown
again or reused.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from motcua.core.errors import DomainError
from motcua.org.selectors import staff_of

from . import errors
from .models import EnrolmentLink
from .selectors import AUTHENTICATOR_NAME, check_link_usable, token_hash


def new_authenticator_key() -> str:
    """A fresh random TOTP secret (20 bytes, hex), as django-otp makes them."""
    return random_hex(20)


def _matching_step(*, key: str, token: str) -> int | None:
    """The TOTP time step at which ``token`` is the code of ``key`` (within the default tolerance)."""
    token = token.replace(" ", "")
    if not (token.isascii() and token.isdigit()) or len(token) > 10:
        return None
    device = TOTPDevice(key=key)  # unsaved: only for django-otp's defaults (step, digits, tolerance)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.token() == int(token):
            return totp.t()
    return None


def _register(*, user: Any, key: str, token: str) -> TOTPDevice:
    step = _matching_step(key=key, token=token)
    if step is None:
        raise DomainError(
            errors.WRONG_CODE,
            _("Mã xác thực không đúng. Hãy kiểm tra giờ trên điện thoại và thử lại."),
        )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    # last_t: the code just used cannot be replayed at the next login.
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=step)


def reauthenticate(*, user: Any, token: str) -> None:
    """Xác thực lại: the code of one of the account's confirmed authenticators (TOTP), asked again at a
    sensitive moment (the leader's digital signature). A code is used once (django-otp keeps its time step);
    a wrong or missing code raises DomainError and nothing else changes."""
    token = (token or "").replace(" ", "")
    if user is None or not getattr(user, "is_authenticated", False) or not token:
        raise DomainError(errors.REAUTH_FAILED, _("Vui lòng nhập mã xác thực 6 số từ ứng dụng xác thực."))
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if not any(device.verify_token(token) for device in devices):
        raise DomainError(
            errors.REAUTH_FAILED,
            _("Mã xác thực không đúng hoặc đã được dùng. Hãy nhập mã mới từ ứng dụng xác thực."),
        )


@transaction.atomic
def enrol_authenticator(*, user: Any, key: str, token: str) -> TOTPDevice:
    """First login after the password: store the authenticator whose secret this session showed."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if any(devices_for_user(user, confirmed=True)):
        raise DomainError(errors.ALREADY_ENROLLED, _("Tài khoản này đã cài đặt ứng dụng xác thực."))
    return _register(user=user, key=key, token=token)


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the token exists only here, the database keeps its hash."""

    link: EnrolmentLink
    token: str

    @property
    def path(self) -> str:
        return reverse("workspace:enrolment_link", kwargs={"token": self.token})

    @property
    def issued_at(self) -> dt.datetime:
        return self.link.issued_at

    @property
    def expires_at(self) -> dt.datetime:
        return self.link.expires_at


@transaction.atomic
def issue_enrolment_link(*, user: Any, by: Any = None, now: dt.datetime | None = None) -> IssuedLink:
    """Liên kết kích hoạt: a one-time link for ``user`` to set a password and register the authenticator.

    Valid ``MOTCUA_ENROLMENT_LINK_HOURS``; an earlier unused link of the same account is revoked.
    """
    now = now or timezone.now()
    if not user.is_active or (staff_of(user=user) is None and not user.is_staff):
        raise DomainError(
            errors.NOT_AN_OFFICER,
            _(
                "Chỉ cấp liên kết kích hoạt cho tài khoản cán bộ hoặc quản trị viên đang hoạt động "
                "(%(user)s)."
            ),
            user=user.username,
        )
    EnrolmentLink.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink.objects.create(
        user=user,
        token_hash=token_hash(token),
        issued_by=by if by is not None and by.is_authenticated else None,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=settings.MOTCUA_ENROLMENT_LINK_HOURS),
    )
    return IssuedLink(link=link, token=token)


@transaction.atomic
def complete_enrolment(
    *, link_id: int, password: str, key: str, token: str, now: dt.datetime | None = None
) -> TOTPDevice:
    """Use an enrolment link: set the password, replace the account's devices by the new authenticator.

    Nothing changes unless the link is usable, the password passes the validators and the code verifies.
    """
    now = now or timezone.now()
    link = check_link_usable(
        EnrolmentLink.objects.select_for_update().select_related("user").filter(pk=link_id).first(), now=now
    )
    user = get_user_model().objects.select_for_update().get(pk=link.user_id)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(errors.WEAK_PASSWORD, " ".join(error.messages)) from error
    if _matching_step(key=key, token=token) is None:
        raise DomainError(
            errors.WRONG_CODE,
            _("Mã xác thực không đúng. Hãy kiểm tra giờ trên điện thoại và thử lại."),
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    for device in devices_for_user(user, confirmed=None):
        device.delete()  # a lost phone, backup codes someone else may hold: the link starts afresh
    device = _register(user=user, key=key, token=token)
    link.used_at = now
    link.save(update_fields=["used_at"])
    return device
