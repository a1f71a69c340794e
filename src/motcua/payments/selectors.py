"""Reads for payments: a dossier's payment as its pages show it, what a user may see (the dossier engine's
one visibility policy), the officer's lists of transfers needing attention, and the reconciliation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog import fees
from motcua.core.errors import DomainError
from motcua.dossiers import access
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.access import Act
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import Dossier, EventKind
from motcua.payments import errors, vietqr
from motcua.payments.constants import OPEN_STATUSES, SETTLED_STATUSES, PaymentStatus, TransferOutcome
from motcua.payments.models import FeeReceipt, Payment, Reconciliation, Transfer


def payment_of(dossier: Dossier) -> Payment | None:
    return Payment.objects.filter(dossier_id=dossier.pk).select_related("receipt").first()


@dataclass(frozen=True)
class Panel:
    """What a dossier page shows about the fee."""

    dossier: Dossier
    payment: Payment | None
    pending: bool  # a fee is due but the payment is still being opened (the outbox order not yet delivered)
    can_request: bool  # the officer may ask the fee now (national status 6, access policy)
    can_refund: bool  # the officer may record the refund of a fee paid for a dossier ended without result
    qr_svg: str
    transfers: list[Transfer]
    receipt: FeeReceipt | None
    qr_payload: str = ""  # the EMVCo string the code holds (on the page for a bank app that takes it pasted)

    @property
    def shown(self) -> bool:
        return self.payment is not None or self.pending or self.can_request

    @property
    def open(self) -> bool:
        return self.payment is not None and self.payment.status in OPEN_STATUSES

    @property
    def remaining(self) -> int:
        return max(self.payment.balance, 0) if self.payment is not None else 0

    @property
    def excess(self) -> int:
        return max(-self.payment.balance, 0) if self.payment is not None else 0


def panel(*, dossier: Dossier, officer: bool = False, user: Any = None) -> Panel:
    """What the dossier pages show about the fee. A payment exists only once its ``payment_requested``
    event does: the events the page already read (prefetched by ``get_dossier``) spare the page a query
    when nothing was asked (the pages' query budgets, tests/performance)."""
    asked = bool(dossier.fee) and any(e.kind == EventKind.PAYMENT_REQUESTED for e in dossier.events.all())
    payment = payment_of(dossier) if asked else None
    terms = fees.payment_terms(dossier.procedure_version.fee_rules)
    can_request = bool(
        officer
        and payment is None
        and terms.when == "processing"
        and user is not None
        and access.may(user, Act.REQUEST_PAYMENT, dossier, on=timezone.localdate())
    )
    qr = data = ""
    if (
        payment is not None
        and payment.status in OPEN_STATUSES
        and payment.bank_bin
        and payment.account_number
    ):
        data = vietqr.payload(
            bank_bin=payment.bank_bin,
            account_number=payment.account_number,
            amount=max(payment.balance, 0),
            purpose=payment.reference,
        )
        qr = vietqr.svg(data, title=str(_("Mã VietQR nộp phí, lệ phí")))
    can_refund = bool(
        officer
        and payment is not None
        and payment.status in SETTLED_STATUSES | {PaymentStatus.UNDERPAID}
        and user is not None
        and access.may(user, Act.RECORD_REFUND, dossier, on=timezone.localdate())
    )
    pending = (
        payment is None
        and bool(dossier.fee)
        and dossier.state not in TERMINAL_STATES
        and bool(dossier.received_at)
    )
    transfers = list(payment.transfers.order_by("at", "pk")) if (payment is not None and officer) else []
    receipt = getattr(payment, "receipt", None) if payment is not None else None
    return Panel(dossier, payment, pending, can_request, can_refund, qr, transfers, receipt, data)


def visible_payment(*, code: str, user: Any, on: dt.date) -> Payment:
    """The payment of the dossier ``code`` if the user may see the dossier; ``payment.not_found`` otherwise
    (another citizen's dossier answers the same as no dossier)."""
    visible = dossier_selectors.visible_dossiers(user=user, on=on)
    payment = (
        Payment.objects.filter(dossier__code=code, dossier__in=visible.values("pk"))
        .select_related("dossier__procedure", "dossier__competent_agency", "receipt__agency")
        .first()
    )
    if payment is None:
        raise DomainError(
            errors.NOT_FOUND, _("Không tìm thấy khoản phí, lệ phí hoặc bạn không có quyền xem.")
        )
    return payment


def unmatched_transfers(*, province_code: str) -> QuerySet[Transfer]:
    return Transfer.objects.filter(province_code=province_code, outcome=TransferOutcome.UNMATCHED).order_by(
        "at"
    )


@dataclass(frozen=True)
class DayFindings:
    """Đối soát of one day: paid payments without a transfer, transfers without a payment, and payments
    whose transfers do not add up to what they recorded; with the day's paid payments and transfers."""

    day: dt.date
    paid_without_transfer: list[Payment]
    transfers_without_payment: list[Transfer]
    amount_mismatches: list[tuple[Payment, int]]  # (payment, sum of its transfers)
    paid: list[Payment]
    transfers: list[Transfer]

    @property
    def mismatch_count(self) -> int:
        return (
            len(self.paid_without_transfer)
            + len(self.transfers_without_payment)
            + len(self.amount_mismatches)
        )


def reconcile(*, day: dt.date, tz: Any) -> DayFindings:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    paid = list(
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .prefetch_related("transfers")
        .order_by("pk")
    )
    without = [p for p in paid if not p.transfers.all()]
    mismatches = []
    for payment in paid:
        total = sum(
            (t.amount for t in payment.transfers.all() if t.outcome != TransferOutcome.DUPLICATE),
            start=payment.amount_paid * 0,
        )
        if payment.transfers.all() and total != payment.amount_paid:
            mismatches.append((payment, int(total)))
    transfers = list(Transfer.objects.filter(at__gte=start, at__lt=end).order_by("at", "pk"))
    orphans = [t for t in transfers if t.payment_id is None]
    return DayFindings(day, without, orphans, mismatches, paid, transfers)


def reconciliation_of(day: dt.date) -> Reconciliation | None:
    """The stored reconciliation of ``day``, if it was made."""
    return Reconciliation.objects.filter(day=day).first()
