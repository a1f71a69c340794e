"""Notifications: what the citizen was told, by which channel, and whether it arrived; the channels and
confirmed addresses each citizen chose; the one-time confirmation codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.notifications.constants import LANGUAGES, Channel, Kind, Status


class Notification(models.Model):
    """Thông báo: one message to the applicant of a dossier by one channel. The ``portal`` rows of a citizen
    are their in-portal list ("Thông báo"); e-mail and SMS rows record the send and its delivery receipt."""

    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("công dân"),
        null=True,
        blank=True,
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("loại thông báo"), max_length=24, choices=Kind.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=5, choices=LANGUAGES, default="vi")
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField(_("mã của nhà cung cấp"), max_length=100, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # The outbox message's idempotency key: a redelivered message finds its rows and sends nothing twice.
    source_key = models.CharField(_("khóa thư đi"), max_length=120)
    created_at = models.DateTimeField(_("tạo lúc"))
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đến người nhận lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_key", "channel"], name="notification_source_channel"),
            models.UniqueConstraint(
                fields=["channel", "provider_id"],
                condition=~Q(provider_id=""),
                name="notification_provider_id",
            ),
        ]
        indexes = [
            # The citizen's list, newest first, and its unread count.
            models.Index(fields=["citizen", "channel", "-created_at"], name="notification_citizen_list"),
            models.Index(
                fields=["citizen", "channel"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.address or self.citizen_id}"


class ContactPreference(models.Model):
    """Cách nhận thông báo: the channels a citizen chose and the addresses they confirmed with a code. An
    address is used only once confirmed (``*_confirmed_at``)."""

    citizen = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_preference",
        verbose_name=_("công dân"),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    email_confirmed_at = models.DateTimeField(_("xác nhận thư điện tử lúc"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    phone_confirmed_at = models.DateTimeField(_("xác nhận số điện thoại lúc"), null=True, blank=True)
    by_email = models.BooleanField(_("nhận qua thư điện tử"), default=False)
    by_sms = models.BooleanField(_("nhận qua SMS"), default=False)
    language = models.CharField(_("ngôn ngữ"), max_length=5, choices=LANGUAGES, default="vi")
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")

    def __str__(self) -> str:
        return str(self.citizen)

    def confirmed_address(self, channel: str) -> str:
        """The address the citizen confirmed for ``channel`` and chose to be told by, else ''."""
        if channel == Channel.EMAIL and self.by_email and self.email_confirmed_at:
            return self.email
        if channel == Channel.SMS and self.by_sms and self.phone_confirmed_at:
            return self.phone
        return ""


class ContactConfirmation(models.Model):
    """Mã xác nhận địa chỉ liên hệ: a 6-digit code sent to a new address; only its keyed hash is stored. It
    expires, allows a few tries, and a newer code for the same channel replaces it."""

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_confirmations",
        verbose_name=_("công dân"),
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("địa chỉ"), max_length=254)
    code_hash = models.CharField(_("mã băm của mã xác nhận"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("bị thay lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác nhận địa chỉ liên hệ")
        verbose_name_plural = _("mã xác nhận địa chỉ liên hệ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["citizen", "channel", "-created_at"], name="confirmation_latest")]

    def __str__(self) -> str:
        return f"{self.citizen} · {self.channel} · {self.address}"


class ReceiptEvent(models.Model):
    """Biên nhận chuyển phát của nhà cung cấp: each delivery receipt's event id, recorded once (a replayed
    receipt changes nothing)."""

    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    event_id = models.CharField(_("mã sự kiện của nhà cung cấp"), max_length=100)
    provider_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=100)
    status = models.CharField(_("trạng thái"), max_length=20)
    received_at = models.DateTimeField(_("nhận lúc"))

    class Meta:
        verbose_name = _("biên nhận chuyển phát")
        verbose_name_plural = _("biên nhận chuyển phát")
        constraints = [models.UniqueConstraint(fields=["channel", "event_id"], name="receipt_event_once")]

    def __str__(self) -> str:
        return f"{self.channel} {self.event_id} {self.status}"
