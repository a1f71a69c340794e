"""Payments of a dossier's fees, the transfers the payment gateway reports, and fee receipts.

``province_code`` on every table: payments and transfers follow the dossier's distribution key
(docs/scaling.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.payments.constants import PaymentMethod, PaymentStatus, PaymentWhen, TransferOutcome


class PaymentAccount(models.Model):
    """Tài khoản thu phí, lệ phí of an agency (the VietQR beneficiary); without one, the installation's
    account (settings.MOTCUA_PAYMENTS) is used."""

    agency = models.OneToOneField(
        "org.Agency", on_delete=models.CASCADE, related_name="payment_account", verbose_name=_("cơ quan")
    )
    bank_bin = models.CharField(_("mã BIN ngân hàng"), max_length=6)
    account_number = models.CharField(_("số tài khoản"), max_length=19)
    account_name = models.CharField(_("tên tài khoản"), max_length=100)

    class Meta:
        verbose_name = _("tài khoản thu phí, lệ phí")
        verbose_name_plural = _("tài khoản thu phí, lệ phí")

    def __str__(self) -> str:
        return f"{self.bank_bin} {self.account_number}"


class Payment(models.Model):
    """Khoản phí, lệ phí phải nộp of a dossier: the amount due, the reference the citizen writes in the
    transfer's content, what arrived and its status."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payments", verbose_name=_("hồ sơ")
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    reference = models.CharField(_("mã thanh toán"), max_length=16, unique=True)
    amount_due = models.DecimalField(_("số tiền phải nộp"), max_digits=14, decimal_places=0)
    amount_paid = models.DecimalField(_("số tiền đã nhận"), max_digits=14, decimal_places=0, default=0)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.DUE
    )
    method = models.CharField(
        _("hình thức"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.VIETQR
    )
    when = models.CharField(
        _("thời điểm nộp"), max_length=10, choices=PaymentWhen.choices, default=PaymentWhen.SUBMISSION
    )
    # The beneficiary account at the time the payment was asked (the QR code must not change afterwards).
    bank_bin = models.CharField(_("mã BIN ngân hàng"), max_length=6)
    account_number = models.CharField(_("số tài khoản"), max_length=19)
    account_name = models.CharField(_("tên tài khoản"), max_length=100)
    order_id = models.CharField(_("mã lệnh trên cổng thanh toán"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"))
    paid_at = models.DateTimeField(_("thanh toán đủ lúc"), null=True, blank=True)
    refunded_amount = models.DecimalField(
        _("số tiền hoàn trả"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    refund_reason = models.TextField(_("lý do hoàn trả"), blank=True)
    refunded_at = models.DateTimeField(_("hoàn trả lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khoản phí, lệ phí")
        verbose_name_plural = _("khoản phí, lệ phí")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One fee payment a dossier (at submission or asked during processing).
            models.UniqueConstraint(fields=["dossier"], name="payment_one_per_dossier"),
        ]
        indexes = [models.Index(fields=["province_code", "status", "created_at"], name="payment_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount_due} ({self.status})"

    @property
    def balance(self) -> int:
        """What is still due (negative: paid too much)."""
        return int(self.amount_due - self.amount_paid)


class Transfer(models.Model):
    """Giao dịch chuyển khoản the payment gateway reported (its signed callback), matched to a payment by
    the reference in its content, or kept unmatched for an officer."""

    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    provider = models.CharField(_("nơi báo"), max_length=40)
    event_id = models.CharField(_("mã sự kiện của nơi báo"), max_length=80)
    transaction_id = models.CharField(_("mã giao dịch ngân hàng"), max_length=80, blank=True)
    amount = models.DecimalField(_("số tiền"), max_digits=14, decimal_places=0)
    content = models.CharField(_("nội dung chuyển khoản"), max_length=255, blank=True)
    payer_name = models.CharField(_("người chuyển"), max_length=200, blank=True)
    payer_account = models.CharField(_("tài khoản chuyển"), max_length=40, blank=True)
    at = models.DateTimeField(_("thời điểm giao dịch"))
    received_at = models.DateTimeField(_("nhận báo lúc"))
    payment = models.ForeignKey(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("khoản phí, lệ phí"),
    )
    outcome = models.CharField(_("kết quả đối chiếu"), max_length=10, choices=TransferOutcome.choices)

    class Meta:
        verbose_name = _("giao dịch chuyển khoản")
        verbose_name_plural = _("giao dịch chuyển khoản")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # The provider's event id: a replayed callback is recorded once.
            models.UniqueConstraint(fields=["provider", "event_id"], name="transfer_provider_event"),
        ]
        indexes = [models.Index(fields=["province_code", "outcome", "at"], name="transfer_outcome")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id} {self.amount} ({self.outcome})"


class ReceiptCounter(models.Model):
    """Sổ biên lai: the last receipt number of an agency's series in a year (gap-free, taken inside the
    transaction that issues the receipt)."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    series = models.CharField(max_length=20)
    last_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "series"], name="receipt_counter_key"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.series}: {self.last_number}"


class FeeReceipt(models.Model):
    """Biên lai điện tử thu phí, lệ phí (Decree 123/2020/NĐ-CP, Circular 78/2021/TT-BTC): series (ký hiệu),
    number (số), the collecting agency, payer, amount and the fee's name."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thu")
    )
    year = models.PositiveIntegerField(_("năm"))
    series = models.CharField(_("ký hiệu"), max_length=20)
    number = models.PositiveIntegerField(_("số"))
    payer_name = models.CharField(_("người nộp"), max_length=200)
    item = models.CharField(_("tên loại phí, lệ phí"), max_length=300)
    amount = models.DecimalField(_("số tiền"), max_digits=14, decimal_places=0)
    issued_at = models.DateTimeField(_("lập lúc"))

    class Meta:
        verbose_name = _("biên lai thu phí, lệ phí")
        verbose_name_plural = _("biên lai thu phí, lệ phí")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "series", "number"], name="receipt_number"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.number:07d}"

    @property
    def number_text(self) -> str:
        return f"{self.number:07d}"


class Reconciliation(models.Model):
    """Đối soát thanh toán of one day (local time): the payments paid in full that day and the transfers the
    gateway reported, their counts and amounts, and what does not add up (``mismatches``: paid without a
    transfer, a transfer without a payment, a payment whose transfers do not add up to what it recorded).

    Made once per day by the payments adapter's periodic job (or ``motcua payments reconcile --record``);
    a day already reconciled is not redone. Basis: the collecting agency accounts for the fees it collects
    (Law on Fees and Charges 97/2015/QH13; docs/legal-basis.md §20 rule (e))."""

    day = models.DateField(_("ngày đối soát"), unique=True)
    ran_at = models.DateTimeField(_("đối soát lúc"))
    payments_paid = models.PositiveIntegerField(_("số khoản đã thanh toán đủ"))
    amount_paid = models.DecimalField(_("tổng tiền đã ghi nhận"), max_digits=16, decimal_places=0)
    transfers = models.PositiveIntegerField(_("số giao dịch"))
    amount_transferred = models.DecimalField(_("tổng tiền giao dịch"), max_digits=16, decimal_places=0)
    mismatch_count = models.PositiveIntegerField(_("số chênh lệch"))
    # [{"kind": "paid_without_transfer" | "transfer_without_payment" | "amount_mismatch", ...}]
    mismatches = models.JSONField(_("chênh lệch"), default=list, blank=True)

    class Meta:
        verbose_name = _("đối soát thanh toán")
        verbose_name_plural = _("đối soát thanh toán")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()}: {self.mismatch_count}"
