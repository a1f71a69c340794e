"""Changes to payments: open a dossier's payment, record a transfer the gateway reported and match it, issue
the fee receipt, record a refund. Each call is one transaction (the dossier engine's ``unit_of_work``): the
payment's change, the dossier's event and its outbox messages commit together."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import access, events, locking
from motcua.dossiers import services as dossier_services
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.unit import unit_of_work
from motcua.payments import errors, reference, selectors
from motcua.payments.constants import (
    OPEN_STATUSES,
    SETTLED_STATUSES,
    PaymentMethod,
    PaymentStatus,
    PaymentWhen,
    TransferOutcome,
)
from motcua.payments.models import (
    FeeReceipt,
    Payment,
    PaymentAccount,
    ReceiptCounter,
    Reconciliation,
    Transfer,
)

logger = logging.getLogger(__name__)

SYSTEM_ORIGIN = "payments"


@dataclass(frozen=True)
class Account:
    bank_bin: str
    account_number: str
    account_name: str


def account_for(dossier: Dossier) -> Account:
    """The beneficiary account: the competent agency's, else the receiving agency's, else the installation's
    (settings)."""
    for agency_id in (dossier.competent_agency_id, dossier.receiving_agency_id):
        found = PaymentAccount.objects.filter(agency_id=agency_id).first()
        if found is not None:
            return Account(found.bank_bin, found.account_number, found.account_name)
    conf = settings.MOTCUA_PAYMENTS
    return Account(conf["BANK_BIN"], conf["ACCOUNT_NUMBER"], conf["ACCOUNT_NAME"])


def open_payment(
    *,
    dossier: Dossier | int,
    now: dt.datetime | None = None,
    by: Any = None,
    when: str = PaymentWhen.SUBMISSION,
    origin: str = SYSTEM_ORIGIN,
) -> Payment:
    """Ask the dossier's fee: a payment with a new reference and the beneficiary account, and the event
    ``payment_requested`` (the applicant is told). Idempotent: the dossier's payment when it has one."""
    now = now or timezone.now()
    dossier_id = dossier if isinstance(dossier, int) else dossier.pk
    with unit_of_work():
        existing = Payment.objects.filter(dossier_id=dossier_id).first()
        if existing is not None:
            return existing
        # The payment is a fact beside the dossier: its row is held (events numbered), its version kept.
        held = locking.hold(Dossier(pk=dossier_id))
        if not held.fee:
            raise DomainError(errors.NOT_DUE, _("Hồ sơ này không phải nộp phí, lệ phí."))
        account = account_for(held)
        code = _new_reference()
        payment = Payment.objects.create(
            dossier=held,
            province_code=held.province_code,
            reference=code,
            amount_due=held.fee,
            when=when,
            bank_bin=account.bank_bin,
            account_number=account.account_number,
            account_name=account.account_name,
            created_at=now,
        )
        events.payment_requested(
            held,
            by=by,
            now=now,
            origin=origin,
            amount=int(payment.amount_due),
            reference=payment.reference,
            sync=when == PaymentWhen.PROCESSING,
        )
        return payment


def request_payment(
    *, dossier: Dossier, by: Any, now: dt.datetime | None = None, origin: str = ""
) -> Payment:
    """Yêu cầu thực hiện nghĩa vụ tài chính during processing (national status 6): the current step's holder
    asks the dossier's fee; the payment and its order (topic ``payment.order``) are written with the event."""
    now = now or timezone.now()
    with unit_of_work():
        account = account_for(dossier)
        code = _new_reference()
        order = {"dossier_id": dossier.pk, "dossier_code": dossier.code, "amount": str(dossier.fee)}
        held = dossier_services.await_payment(
            dossier=dossier,
            by=by,
            amount=int(dossier.fee),
            reference=code,
            order=order,
            now=now,
            origin=origin,
        )
        return Payment.objects.create(
            dossier=held,
            province_code=held.province_code,
            reference=code,
            amount_due=held.fee,
            when=PaymentWhen.PROCESSING,
            bank_bin=account.bank_bin,
            account_number=account.account_number,
            account_name=account.account_name,
            created_at=now,
        )


def _new_reference() -> str:
    prefix = settings.MOTCUA_PAYMENTS["REFERENCE_PREFIX"]
    code = reference.new_reference(prefix)
    while Payment.objects.filter(reference=code).exists():  # 32^7 codes: a clash is rare
        code = reference.new_reference(prefix)
    return code


@dataclass(frozen=True)
class ReportedTransfer:
    """What the gateway's callback says about one transfer."""

    event_id: str
    amount: Decimal
    content: str
    at: dt.datetime
    transaction_id: str = ""
    payer_name: str = ""
    payer_account: str = ""
    reference: str = ""  # the order's reference when the gateway knows it (a payment order it created)


def record_transfer(*, provider: str, transfer: ReportedTransfer, now: dt.datetime | None = None) -> Transfer:
    """Record a transfer and match it to a payment by reference (named by the order, else found in the
    content) and amount: exact → paid, more → overpaid, less → underpaid (the rest still due), a transfer
    for a payment already paid → a duplicate; no payment → kept unmatched for an officer.

    A replayed event id raises ``payment.replayed`` and changes nothing; an order reference we do not have
    raises ``payment.unknown_dossier``."""
    now = now or timezone.now()
    prefix = settings.MOTCUA_PAYMENTS["REFERENCE_PREFIX"]
    with unit_of_work():
        if Transfer.objects.filter(provider=provider, event_id=transfer.event_id).exists():
            raise _replayed(provider, transfer.event_id)
        payment: Payment | None = None
        if transfer.reference:
            payment = Payment.objects.filter(reference=transfer.reference).first()
            if payment is None:
                raise DomainError(
                    errors.UNKNOWN_DOSSIER, _("Không có khoản phí, lệ phí với mã thanh toán này.")
                )
        else:
            for code in reference.find_references(transfer.content, prefix):
                payment = Payment.objects.filter(reference=code).first()
                if payment is not None:
                    break
        row = Transfer(
            province_code=payment.province_code if payment else settings.MOTCUA_PROVINCE_CODE,
            provider=provider,
            event_id=transfer.event_id,
            transaction_id=transfer.transaction_id[:80],
            amount=transfer.amount,
            content=transfer.content[:255],
            payer_name=transfer.payer_name[:200],
            payer_account=transfer.payer_account[:40],
            at=transfer.at,
            received_at=now,
            outcome=TransferOutcome.UNMATCHED,
        )
        if payment is None:
            return _saved(row, provider, transfer.event_id)
        # The dossier's row first, as services do; held, not versioned: a transfer changes nothing an officer
        # judges unless the dossier waits for it (``payment_received`` then moves the version).
        dossier = locking.hold(payment.dossier)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        row.payment = payment
        if payment.status not in OPEN_STATUSES:
            row.outcome = TransferOutcome.DUPLICATE
            return _saved(row, provider, transfer.event_id)
        payment.amount_paid += transfer.amount
        if payment.amount_paid == payment.amount_due:
            payment.status, row.outcome = PaymentStatus.PAID, TransferOutcome.EXACT
        elif payment.amount_paid > payment.amount_due:
            payment.status, row.outcome = PaymentStatus.OVERPAID, TransferOutcome.OVER
        else:
            payment.status, row.outcome = PaymentStatus.UNDERPAID, TransferOutcome.UNDER
        if payment.status in SETTLED_STATUSES:
            payment.paid_at = now
        payment.save(update_fields=["amount_paid", "status", "paid_at"])
        row = _saved(row, provider, transfer.event_id)
        if payment.status in SETTLED_STATUSES:
            receipt = issue_receipt(payment=payment, dossier=dossier, now=now)
            dossier_services.payment_received(
                dossier=dossier,
                amount=int(payment.amount_paid),
                reference=payment.reference,
                receipt=f"{receipt.series} {receipt.number_text}",
                now=now,
            )
        return row


def _saved(row: Transfer, provider: str, event_id: str) -> Transfer:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same event recorded by a concurrent callback
        raise _replayed(provider, event_id) from None
    return row


def _replayed(provider: str, event_id: str) -> DomainError:
    return DomainError(
        errors.REPLAYED,
        _("Giao dịch %(event)s của %(provider)s đã được ghi nhận."),
        event=event_id,
        provider=provider,
    )


# --- receipts ------------------------------------------------------------------------------------------


def take_receipt_number(*, agency_id: int, year: int, series: str) -> int:
    """The next receipt number of the agency's series in the year: gap-free, final only if the issuing
    transaction commits (the counter's row stays locked until then). As signing.registers.take_number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_receipt_number runs inside the transaction that issues the receipt")
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (agency_id, year, series, last_number) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT (agency_id, year, series) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, year, series])
        (number,) = cursor.fetchone()
    return int(number)


def issue_receipt(*, payment: Payment, dossier: Dossier, now: dt.datetime) -> FeeReceipt:
    """Biên lai điện tử for a payment received in full, numbered by the collecting (competent) agency."""
    existing = FeeReceipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    year = timezone.localtime(now).year
    series = settings.MOTCUA_PAYMENTS["RECEIPT_SERIES"]
    agency_id = dossier.competent_agency_id
    number = take_receipt_number(agency_id=agency_id, year=year, series=series)
    return FeeReceipt.objects.create(
        payment=payment,
        province_code=payment.province_code,
        agency_id=agency_id,
        year=year,
        series=series,
        number=number,
        payer_name=dossier.applicant_name,
        item=str(_("Phí, lệ phí giải quyết thủ tục hành chính: %(procedure)s"))
        % {"procedure": dossier.procedure.name[:200]},
        amount=payment.amount_due,
        issued_at=now,
    )


# --- refunds --------------------------------------------------------------------------------------------


def record_refund(
    *,
    payment: Payment,
    amount: Decimal | None = None,
    reason: str,
    by: Any = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Hoàn trả: the fee of a paid dossier that ended without a result (refused at reception, stopped,
    withdrawn), recorded by staff of its receiving or competent agency (the access policy)."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise DomainError(errors.NOT_REFUNDABLE, _("Vui lòng ghi lý do hoàn trả."))
    with unit_of_work():
        dossier = access.check(
            by, payment.dossier, Act.RECORD_REFUND, on=timezone.localdate(now), check_version=False
        )
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status not in SETTLED_STATUSES and payment.status != PaymentStatus.UNDERPAID:
            raise DomainError(
                errors.NOT_REFUNDABLE, _("Khoản phí, lệ phí này chưa được nộp nên không hoàn trả.")
            )
        refund = payment.amount_paid if amount is None else amount
        if not 0 < refund <= payment.amount_paid:
            raise DomainError(
                errors.NOT_REFUNDABLE, _("Số tiền hoàn trả phải lớn hơn 0 và không quá số đã nộp.")
            )
        payment.status = PaymentStatus.REFUNDED
        payment.refunded_amount = refund
        payment.refund_reason = reason
        payment.refunded_at = now
        payment.save(update_fields=["status", "refunded_amount", "refund_reason", "refunded_at"])
        events.payment_refunded(
            dossier, by=by, now=now, origin=SYSTEM_ORIGIN, amount=int(refund), reason=reason
        )
        return payment


def mark_ordered(*, payment_id: int, order_id: str) -> None:
    """The gateway accepted the payment order: remember its id (the method becomes the gateway's)."""
    Payment.objects.filter(pk=payment_id, order_id="").update(order_id=order_id[:64])


def reconcile_day(*, day: dt.date, now: dt.datetime | None = None) -> tuple[Reconciliation, bool]:
    """Đối soát of ``day`` (local time), stored once: the reconciliation and whether this call made it.

    A day already reconciled is returned as it was (not redone); two workers racing on the same day both
    get the one row (its unique day settles it). Each mismatch is logged as a warning for the operator."""
    now = now or timezone.now()
    existing = selectors.reconciliation_of(day)
    if existing is not None:
        return existing, False
    found = selectors.reconcile(day=day, tz=timezone.get_current_timezone())
    mismatches: list[dict[str, Any]] = [
        {
            "kind": "paid_without_transfer",
            "reference": p.reference,
            "dossier": p.dossier.code,
            "recorded": int(p.amount_paid),
        }
        for p in found.paid_without_transfer
    ]
    mismatches += [
        {
            "kind": "transfer_without_payment",
            "provider": t.provider,
            "event_id": t.event_id,
            "amount": int(t.amount),
            "content": t.content,
        }
        for t in found.transfers_without_payment
    ]
    mismatches += [
        {
            "kind": "amount_mismatch",
            "reference": p.reference,
            "dossier": p.dossier.code,
            "recorded": int(p.amount_paid),
            "transferred": total,
        }
        for p, total in found.amount_mismatches
    ]
    try:
        with transaction.atomic():
            row = Reconciliation.objects.create(
                day=day,
                ran_at=now,
                payments_paid=len(found.paid),
                amount_paid=sum((p.amount_paid for p in found.paid), start=Decimal(0)),
                transfers=len(found.transfers),
                amount_transferred=sum((t.amount for t in found.transfers), start=Decimal(0)),
                mismatch_count=len(mismatches),
                mismatches=mismatches,
            )
    except IntegrityError:  # another worker stored the day meanwhile
        return Reconciliation.objects.get(day=day), False
    for mismatch in mismatches:
        logger.warning("payments reconciliation %s: %s", day.isoformat(), mismatch)
    logger.info(
        "payments reconciliation %s: %d paid (%s đ), %d transfers (%s đ), %d mismatches",
        day.isoformat(),
        row.payments_paid,
        row.amount_paid,
        row.transfers,
        row.amount_transferred,
        row.mismatch_count,
    )
    return row, True


def reconcile_yesterday(*, now: dt.datetime | None = None) -> Reconciliation | None:
    """The daily job: reconcile yesterday (local time) once, from MOTCUA_PAYMENTS["RECONCILE_AFTER_HOUR"]
    o'clock on (late callbacks of the evening arrive first); None when it is too early or already done."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < int(settings.MOTCUA_PAYMENTS["RECONCILE_AFTER_HOUR"]):
        return None
    row, made = reconcile_day(day=local.date() - dt.timedelta(days=1), now=now)
    return row if made else None


__all__ = [
    "Account",
    "PaymentMethod",
    "ReportedTransfer",
    "account_for",
    "issue_receipt",
    "mark_ordered",
    "open_payment",
    "reconcile_day",
    "reconcile_yesterday",
    "record_refund",
    "record_transfer",
    "request_payment",
    "take_receipt_number",
]
