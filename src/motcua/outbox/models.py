"""The transactional outbox: external effects written in the same transaction as the state change.

One row per (message, destination): ``enqueue`` routes a topic to its destinations (MOTCUA_OUTBOX_ROUTES) and
the delivery workers (``motcua deliver``, motcua.outbox.dispatcher) claim rows with a lease, hand them to
the destination's adapter and record every attempt.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    DOSSIER_STATUS = "dossier.status", _("trạng thái hồ sơ thay đổi (đồng bộ Cổng DVC quốc gia)")
    DOSSIER_PROGRESS = "dossier.progress", _("tiến độ xử lý hồ sơ (đồng bộ Cổng DVC quốc gia)")
    DOSSIER_RATING = "dossier.rating", _("đánh giá mức độ hài lòng (đồng bộ Cổng DVC quốc gia)")
    NOTIFY_APPLICANT = "notify.applicant", _("thông báo cho người nộp hồ sơ")
    NOTIFY_STAFF = "notify.staff", _("thông báo cho cán bộ")
    DOSSIER_FORWARDING = "dossier.forwarding", _("chuyển hồ sơ đến cơ quan có thẩm quyền ở tỉnh khác")
    NATIONAL_INTAKE = "national.intake", _("phản hồi hồ sơ nhận từ Cổng DVC quốc gia")
    POST_SHIPMENT = "post.shipment", _("yêu cầu bưu điện thu gom hồ sơ, chuyển phát kết quả")
    PAYMENT_ORDER = "payment.order", _("lệnh thanh toán phí, lệ phí gửi nền tảng thanh toán")


class Status(models.TextChoices):
    PENDING = "pending", _("chờ gửi")
    DELIVERED = "delivered", _("đã gửi")
    DEAD = "dead", _("gửi không được (thư chết)")
    SKIPPED = "skipped", _("bỏ qua")


# A stream is blocked by its earliest row in one of these states (ordered destinations).
OPEN_STATUSES = (Status.PENDING, Status.DEAD)


class OutboxMessage(models.Model):
    """Thư đi chờ gửi: one external effect for one destination, delivered at least once; the receiver
    de-duplicates by ``key`` (the idempotency key)."""

    topic = models.CharField(_("chủ đề"), max_length=40, choices=Topic.choices, db_index=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    aggregate_type = models.CharField(_("loại đối tượng"), max_length=40)
    aggregate_id = models.CharField(_("mã đối tượng"), max_length=64, db_index=True)
    key = models.CharField(_("khóa chống trùng"), max_length=120)
    payload = models.JSONField(_("nội dung"), default=dict)
    created_at = models.DateTimeField(_("tạo lúc"))
    available_at = models.DateTimeField(_("gửi từ lúc"))
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    destination = models.CharField(_("nơi nhận"), max_length=40, default="")
    stream = models.CharField(_("luồng"), max_length=100, default="")
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(_("tiến trình đang gửi"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("giữ đến"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("số lần lỗi"), default=0)
    redeliveries = models.PositiveIntegerField(_("số lần gửi lại"), default=0)
    dead_at = models.DateTimeField(_("thành thư chết lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư đi chờ gửi")
        verbose_name_plural = _("thư đi chờ gửi")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["destination", "key"], name="outbox_destination_key")]
        indexes = [
            # The claim: pending rows of a destination, by id.
            models.Index(
                fields=["destination", "available_at"],
                condition=Q(status="pending"),
                name="outbox_claimable",
            ),
            # The stream head test and the blocked streams: open rows of a stream, by id. Not partial:
            # SQLite cannot match a partial index's ``status IN (...)`` against a query's bound parameters.
            models.Index(fields=["destination", "stream", "status", "id"], name="outbox_stream_status"),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.aggregate_type}:{self.aggregate_id} → {self.destination}"


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", _("đã gửi")
    DUPLICATE = "duplicate", _("nơi nhận đã có (trùng)")
    FAILED = "failed", _("lỗi tạm thời, sẽ gửi lại")
    REJECTED = "rejected", _("nơi nhận từ chối")
    EXPIRED = "expired", _("hết hạn giữ, không có kết quả")


class DeliveryAttempt(models.Model):
    """Lần gửi: one send of a message by a worker and what came of it."""

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts", verbose_name=_("thư")
    )
    number = models.PositiveIntegerField(_("lần thứ"))
    worker = models.CharField(_("tiến trình gửi"), max_length=100)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"))
    outcome = models.CharField(_("kết quả"), max_length=12, choices=AttemptOutcome.choices)
    error = models.TextField(_("lỗi"), blank=True)
    http_status = models.PositiveIntegerField(_("mã HTTP"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("các lần gửi")
        ordering = ["message_id", "id"]

    def __str__(self) -> str:
        return f"#{self.message_id} {self.number} {self.outcome}"


class Lease(models.Model):
    """Quyền chạy: a named lease held by one worker until ``expires_at`` (periodic jobs run under one)."""

    name = models.CharField(_("tên"), max_length=100, unique=True)
    holder = models.CharField(_("người giữ"), max_length=100)
    expires_at = models.DateTimeField(_("hết hạn lúc"))

    class Meta:
        verbose_name = _("quyền chạy định kỳ")
        verbose_name_plural = _("quyền chạy định kỳ")

    def __str__(self) -> str:
        return f"{self.name} ({self.holder})"


class DestinationTotals(models.Model):
    """Monotonic counters per destination (the metrics' ``*_total``), kept by the dispatcher as it records
    outcomes so that deleting old messages (``outbox.cleanup``) never makes a counter go down."""

    destination = models.CharField(_("nơi nhận"), max_length=40, unique=True)
    delivered = models.PositiveBigIntegerField(_("đã gửi"), default=0)
    failures = models.PositiveBigIntegerField(_("số lần lỗi"), default=0)
    redeliveries = models.PositiveBigIntegerField(_("số lần gửi lại"), default=0)
    dead_letters = models.PositiveBigIntegerField(_("số thư chết"), default=0)

    class Meta:
        verbose_name = _("tổng số theo nơi nhận")
        verbose_name_plural = _("tổng số theo nơi nhận")

    def __str__(self) -> str:
        return self.destination
