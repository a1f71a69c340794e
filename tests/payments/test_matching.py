"""Matching transfers to payments by reference and amount: exact, over, under, duplicate, unknown."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from dossiers.dossier_world import T0
from motcua.core.errors import DomainError
from motcua.dossiers.models import DossierEvent, EventKind
from motcua.outbox.models import OutboxMessage
from motcua.payments import errors, selectors, services
from motcua.payments.constants import PaymentStatus, TransferOutcome
from motcua.payments.models import FeeReceipt, Payment, Transfer

AT = T0 + dt.timedelta(hours=1)


def transfer(event: str, amount: int, content: str, reference: str = "") -> services.ReportedTransfer:
    return services.ReportedTransfer(
        event_id=event,
        amount=Decimal(amount),
        content=content,
        at=AT,
        payer_name="NGUYEN THI HOA",
        reference=reference,
    )


def test_reception_of_a_dossier_with_a_fee_writes_the_payment_order(dossier):
    order = OutboxMessage.objects.get(topic="payment.order", aggregate_id=str(dossier.pk))
    assert order.destination == "payments"
    assert order.payload["amount"] == "8000" and order.payload["dossier_code"] == dossier.code


def test_opening_a_payment_tells_the_applicant_and_is_idempotent(dossier):
    payment = services.open_payment(dossier=dossier, now=AT)
    assert services.open_payment(dossier=dossier.pk, now=AT).pk == payment.pk
    assert payment.amount_due == 8000 and payment.status == PaymentStatus.DUE
    assert payment.reference.startswith("MC") and payment.bank_bin == "970415"
    event = DossierEvent.objects.get(dossier=dossier, kind=EventKind.PAYMENT_REQUESTED)
    assert event.audience == "applicant" and event.data["reference"] == payment.reference
    notify = OutboxMessage.objects.get(topic="notify.applicant", payload__event="payment_requested")
    assert notify.payload["dossier_code"] == dossier.code
    assert notify.payload["amount"] == 8000 and notify.payload["reference"] == payment.reference


def test_exact_amount_pays_and_issues_the_receipt(payment):
    row = services.record_transfer(
        provider="gateway", transfer=transfer("e1", 8000, f"HS {payment.reference}")
    )
    payment.refresh_from_db()
    assert row.outcome == TransferOutcome.EXACT and row.payment == payment
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    receipt = FeeReceipt.objects.get(payment=payment)
    assert receipt.number == 1 and receipt.amount == 8000 and receipt.series == "BLP"
    event = DossierEvent.objects.get(dossier=payment.dossier, kind=EventKind.PAYMENT_RECEIVED)
    assert event.data["receipt"] == "BLP 0000001"
    assert OutboxMessage.objects.filter(topic="notify.applicant", payload__event="payment_received").exists()


def test_more_is_overpaid_with_the_excess_shown(payment):
    row = services.record_transfer(provider="gateway", transfer=transfer("e1", 10000, payment.reference))
    payment.refresh_from_db()
    assert row.outcome == TransferOutcome.OVER
    assert payment.status == PaymentStatus.OVERPAID and payment.balance == -2000
    assert FeeReceipt.objects.filter(payment=payment).exists()


def test_less_is_underpaid_and_the_rest_stays_due_until_it_arrives(payment):
    row = services.record_transfer(provider="gateway", transfer=transfer("e1", 5000, payment.reference))
    payment.refresh_from_db()
    assert row.outcome == TransferOutcome.UNDER
    assert payment.status == PaymentStatus.UNDERPAID and payment.balance == 3000
    assert not FeeReceipt.objects.filter(payment=payment).exists()
    services.record_transfer(provider="gateway", transfer=transfer("e2", 3000, payment.reference))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.amount_paid == 8000


def test_a_second_transfer_for_a_paid_payment_is_a_recorded_duplicate(payment):
    services.record_transfer(provider="gateway", transfer=transfer("e1", 8000, payment.reference))
    row = services.record_transfer(provider="gateway", transfer=transfer("e2", 8000, payment.reference))
    payment.refresh_from_db()
    assert row.outcome == TransferOutcome.DUPLICATE and row.payment == payment
    assert payment.amount_paid == 8000 and payment.status == PaymentStatus.PAID
    assert FeeReceipt.objects.filter(payment=payment).count() == 1


def test_an_unknown_reference_is_kept_unmatched_for_the_officer(payment):
    row = services.record_transfer(provider="gateway", transfer=transfer("e1", 8000, "chuyen tien hoc phi"))
    assert row.outcome == TransferOutcome.UNMATCHED and row.payment is None
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE


def test_a_replayed_event_changes_nothing(payment):
    services.record_transfer(provider="gateway", transfer=transfer("e1", 5000, payment.reference))
    with pytest.raises(DomainError) as refused:
        services.record_transfer(provider="gateway", transfer=transfer("e1", 5000, payment.reference))
    assert refused.value.code == errors.REPLAYED
    payment.refresh_from_db()
    assert payment.amount_paid == 5000 and Transfer.objects.count() == 1


def test_an_order_reference_we_do_not_have_changes_nothing(payment):
    with pytest.raises(DomainError) as refused:
        services.record_transfer(
            provider="gateway", transfer=transfer("e1", 8000, "", reference="MCZZZZZZZZ")
        )
    assert refused.value.code == errors.UNKNOWN_DOSSIER
    assert Transfer.objects.count() == 0


def test_receipt_numbers_are_gap_free_per_agency_and_year(world, payment):
    from django.db import transaction

    with transaction.atomic():
        numbers = [
            services.take_receipt_number(agency_id=world.ubnd_phu_vang.pk, year=2026, series="BLP")
            for _ in range(3)
        ]
        other = services.take_receipt_number(agency_id=world.ubnd_phu_xuan.pk, year=2026, series="BLP")
        next_year = services.take_receipt_number(agency_id=world.ubnd_phu_vang.pk, year=2027, series="BLP")
    assert numbers == [1, 2, 3] and other == 1 and next_year == 1


def _withdrawn(world, dossier):
    from motcua.dossiers import services as dossier_services

    request = dossier_services.request_withdrawal(
        dossier=dossier, by=world.citizen, reason="Không cần nữa", now=AT + dt.timedelta(hours=1)
    )
    return dossier_services.accept_withdrawal(
        request=request,
        by=world.leader_pv,
        originals_returned="Tờ khai",
        fee_refunded=True,
        fee_note="Hoàn trả lệ phí",
        now=AT + dt.timedelta(hours=2),
    )


def test_refund_of_a_paid_dossier_that_ended_is_recorded_with_its_event(world, payment):
    services.record_transfer(provider="gateway", transfer=transfer("e1", 8000, payment.reference))
    payment.refresh_from_db()
    with pytest.raises(DomainError):  # still in process: nothing to refund
        services.record_refund(payment=payment, reason="Rút hồ sơ", by=world.officer_px, now=AT)
    _withdrawn(world, payment.dossier)
    payment.refresh_from_db()
    with pytest.raises(DomainError):  # a citizen does not record refunds
        services.record_refund(payment=payment, reason="Rút hồ sơ", by=world.citizen, now=AT)
    services.record_refund(payment=payment, reason="Hồ sơ được rút", by=world.officer_px, now=AT)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_amount == 8000
    event = DossierEvent.objects.get(dossier=payment.dossier, kind=EventKind.PAYMENT_REFUNDED)
    assert event.reason == "Hồ sơ được rút" and event.audience == "applicant"


def test_the_daily_reconciliation_lists_what_does_not_add_up(world, payment):
    from django.core.management import call_command
    from django.utils import timezone

    services.record_transfer(provider="gateway", transfer=transfer("e1", 8000, "khong co ma"), now=AT)
    services.record_transfer(provider="gateway", transfer=transfer("e2", 8000, payment.reference), now=AT)
    Payment.objects.filter(pk=payment.pk).update(amount_paid=9000)  # a ledger that no longer adds up
    day = timezone.localtime(AT).date()
    found = selectors.reconcile(day=day, tz=timezone.get_current_timezone())
    assert [t.event_id for t in found.transfers_without_payment] == ["e1"]
    assert [(p.pk, total) for p, total in found.amount_mismatches] == [(payment.pk, 8000)]
    out = io.StringIO()
    call_command("payments", "reconcile", "--date", day.isoformat(), stdout=out)
    text = out.getvalue()
    assert "e1" in text and payment.reference in text
