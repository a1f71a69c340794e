"""Statuses, methods and matching outcomes of payments, imported by models, services and selectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    DUE = "due", _("chờ thanh toán")
    PAID = "paid", _("đã thanh toán đủ")
    OVERPAID = "overpaid", _("đã thanh toán, thừa tiền")
    UNDERPAID = "underpaid", _("đã thanh toán một phần, còn thiếu")
    REFUNDED = "refunded", _("đã hoàn trả")
    CANCELLED = "cancelled", _("đã hủy")


class PaymentMethod(models.TextChoices):
    VIETQR = "vietqr", _("chuyển khoản qua mã VietQR")
    GATEWAY = "gateway", _("nền tảng thanh toán")
    COUNTER = "counter", _("nộp tại quầy")


class PaymentWhen(models.TextChoices):
    """When the procedure asks for the fee (catalog: the version's ``payment.when``)."""

    SUBMISSION = "submission", _("khi nộp, tiếp nhận hồ sơ")
    PROCESSING = "processing", _("trong quá trình giải quyết (trạng thái 6)")


class TransferOutcome(models.TextChoices):
    EXACT = "exact", _("khớp đúng số tiền")
    OVER = "over", _("thừa tiền")
    UNDER = "under", _("thiếu tiền")
    DUPLICATE = "duplicate", _("chuyển trùng (khoản đã thanh toán)")
    UNMATCHED = "unmatched", _("không khớp mã thanh toán")


# A payment still waiting for (the rest of) its money.
OPEN_STATUSES = frozenset({PaymentStatus.DUE, PaymentStatus.UNDERPAID})
# A payment whose money arrived in full (a receipt is issued).
SETTLED_STATUSES = frozenset({PaymentStatus.PAID, PaymentStatus.OVERPAID})
