"""The transactional outbox: external effects written in the same transaction as the state change.

Delivery workers (national portal sync, notifications, post, payment) read these rows later with row
locks; writing a message here is all a domain service does.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    DOSSIER_STATUS = "dossier.status", _("trạng thái hồ sơ thay đổi (đồng bộ Cổng DVC quốc gia)")
    DOSSIER_PROGRESS = "dossier.progress", _("tiến độ xử lý hồ sơ (đồng bộ Cổng DVC quốc gia)")
    DOSSIER_RATING = "dossier.rating", _("đánh giá mức độ hài lòng (đồng bộ Cổng DVC quốc gia)")
    NOTIFY_APPLICANT = "notify.applicant", _("thông báo cho người nộp hồ sơ")
    NOTIFY_STAFF = "notify.staff", _("thông báo cho cán bộ")
    DOSSIER_FORWARDING = "dossier.forwarding", _("chuyển hồ sơ đến cơ quan có thẩm quyền ở tỉnh khác")


class OutboxMessage(models.Model):
    """Thư đi chờ gửi: one external effect to deliver at least once, deduplicated by ``key``."""

    topic = models.CharField(_("chủ đề"), max_length=40, choices=Topic.choices, db_index=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    aggregate_type = models.CharField(_("loại đối tượng"), max_length=40)
    aggregate_id = models.CharField(_("mã đối tượng"), max_length=64, db_index=True)
    key = models.CharField(_("khóa chống trùng"), max_length=120, unique=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    created_at = models.DateTimeField(_("tạo lúc"))
    available_at = models.DateTimeField(_("gửi từ lúc"))
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("thư đi chờ gửi")
        verbose_name_plural = _("thư đi chờ gửi")
        ordering = ["id"]
        indexes = [models.Index(fields=["delivered_at", "available_at"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.topic} {self.aggregate_type}:{self.aggregate_id}"
