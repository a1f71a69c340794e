"""User accounts: staff (password + TOTP) and citizens (national e-ID over OIDC)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Tài khoản người dùng. Staff details live in org.Staff; a citizen carries the e-ID number."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    national_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_("12 chữ số của CCCD / định danh điện tử (công dân)."),
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # From the national e-ID at each login (OIDC "birthdate" and "gender"): prefill, never typed again.
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=8, blank=True, choices=[("Nam", "Nam"), ("Nữ", "Nữ")])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class EnrolmentLink(models.Model):
    """Liên kết kích hoạt tài khoản: a one-time link to set a password and register the authenticator app.

    Only the SHA-256 of the random token is stored; the link is shown once to the administrator
    who issued it. It is single use, expires, and a newer link for the same account revokes it.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_links", verbose_name=_("tài khoản")
    )
    token_hash = models.CharField(_("mã băm của liên kết"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cấp"),
    )
    issued_at = models.DateTimeField(_("cấp lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("liên kết kích hoạt")
        verbose_name_plural = _("liên kết kích hoạt")
        ordering = ("-issued_at",)

    def __str__(self) -> str:
        return f"{self.user} · {self.issued_at:%Y-%m-%d %H:%M}"


class Session(AbstractBaseSession):
    """Phiên đăng nhập: Django's database session, with the account and the verified TOTP device beside the
    data so that one query reads them all (motcua.accounts.session_store, motcua.accounts.session_auth).

    ``user`` and ``totp_device`` are written from the session data on every save; the data stays the
    authority (the middleware checks that both agree). No database constraint: a session saved while its
    account or device is being deleted must not fail its save; a dangling id reads as "no such row",
    exactly as the lookups it replaces would answer.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="sessions",
        verbose_name=_("tài khoản"),
    )
    totp_device = models.ForeignKey(
        "otp_totp.TOTPDevice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("thiết bị xác thực"),
    )

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    @classmethod
    def get_session_store_class(cls) -> Any:
        from motcua.accounts.session_store import SessionStore

        return SessionStore
