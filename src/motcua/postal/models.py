"""Bưu gửi: dossiers picked up from the citizen and results returned to them by the public postal service
(Decision 45/2016/QĐ-TTg), with the status updates the postal service reports and the hand-over record.

A shipment is requested through the outbox (topic ``post.shipment``) in the transaction of the event that
causes it; the postal adapter (``motcua.postal.adapter``) creates it at the postal service and records the
waybill number and the fee here; the service's signed callbacks (``motcua.postal.views``) move it on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Decision 45/2016/QĐ-TTg, Article 3: the dossier sent by post, the result returned by post."""

    PICKUP = "pickup", _("thu gom hồ sơ từ người dân gửi đến cơ quan")
    RESULT = "result", _("chuyển phát kết quả đến người dân")


class ShipmentStatus(models.TextChoices):
    REQUESTED = "requested", _("đã yêu cầu bưu điện")
    PICKED_UP = "picked_up", _("bưu điện đã nhận bưu gửi")
    IN_TRANSIT = "in_transit", _("đang chuyển phát")
    DELIVERED = "delivered", _("đã phát thành công")
    RETURNED = "returned", _("chuyển hoàn, không phát được")
    FAILED = "failed", _("phát không thành công")


# A shipment in one of these states has ended: the postal service reports nothing more about it.
FINAL_STATUSES = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.FAILED})


class Shipment(models.Model):
    """Bưu gửi của một hồ sơ: who it goes to, its waybill number (số hiệu bưu gửi), the postal fee and the
    hand-over record (biên bản giao nhận) of Decision 45/2016/QĐ-TTg."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("hồ sơ")
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    direction = models.CharField(_("chiều chuyển phát"), max_length=8, choices=Direction.choices)
    # The outbox message that asked for it (its idempotency key at the postal service): one shipment each.
    request_key = models.CharField(_("khóa yêu cầu"), max_length=120, unique=True)
    addressee_name = models.CharField(_("người nhận"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=255)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=40, unique=True)
    fee = models.DecimalField(_("cước phí bưu chính"), max_digits=12, decimal_places=0, default=0)
    weight_grams = models.PositiveIntegerField(_("khối lượng (gam)"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.REQUESTED
    )
    status_at = models.DateTimeField(_("cập nhật lúc"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    # Biên bản giao nhận (Decision 45/2016/QĐ-TTg, Articles 8 and 11): when, by whom, to whom, the receipt.
    handed_over_at = models.DateTimeField(_("giao nhận lúc"), null=True, blank=True)
    handed_over_by = models.CharField(_("nhân viên bưu chính"), max_length=200, blank=True)
    handed_over_to = models.CharField(_("người nhận bưu gửi"), max_length=200, blank=True)
    receipt_reference = models.CharField(_("số biên nhận, chữ ký"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("bưu gửi")
        verbose_name_plural = _("bưu gửi")
        ordering = ["dossier", "id"]
        indexes = [models.Index(fields=["dossier", "direction"], name="postal_shipment_dossier")]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class ShipmentEvent(models.Model):
    """Một lần bưu điện báo trạng thái bưu gửi (callback), kept once per provider event id."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, related_name="events", verbose_name=_("bưu gửi")
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    provider_event_id = models.CharField(_("mã sự kiện của bưu điện"), max_length=80, unique=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=ShipmentStatus.choices)
    at = models.DateTimeField(_("lúc"))
    received_at = models.DateTimeField(_("nhận lúc"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    data = models.JSONField(_("nội dung"), default=dict)

    class Meta:
        verbose_name = _("cập nhật trạng thái bưu gửi")
        verbose_name_plural = _("cập nhật trạng thái bưu gửi")
        ordering = ["shipment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} ({self.provider_event_id})"
