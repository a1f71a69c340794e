"""National status 6 "Yêu cầu thực hiện nghĩa vụ tài chính": a version whose fee rules say the fee is paid
during processing; the step's holder asks it, the clock stops when the catalog says so, the fee resumes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dossiers.dossier_world import T0, receive_px_for_pv
from motcua.catalog import fees
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierEvent, EventKind, State
from motcua.outbox.models import OutboxMessage
from motcua.payments import services
from motcua.payments.constants import PaymentWhen

RULE = {"code": "LP", "name": "Lệ phí", "kind": "fixed", "amount": 8000, "legal_basis": "NQ thử nghiệm"}


def _in_review(world, clock: str) -> Dossier:
    # Test data written past the published-version guard (a new version would carry these rules).
    rules = [{**RULE, "valid_from": "2025-07-01", "payment": {"when": "processing", "clock": clock}}]
    ProcedureVersion.objects.filter(pk=world.version.pk).update(fee_rules=rules)
    submitted = receive_px_for_pv(world, now=T0)
    Dossier.objects.filter(pk=submitted.pk).update(fee=8000)
    submitted.refresh_from_db()
    accepted = dossier_services.accept(dossier=submitted, by=world.officer_px, now=T0)
    return dossier_services.perform(
        dossier=accepted, by=world.officer_px, action="forward", now=T0 + dt.timedelta(hours=1)
    )


def _pay(payment, at):
    return services.record_transfer(
        provider="gateway",
        transfer=services.ReportedTransfer(
            event_id="e1", amount=Decimal(8000), content=payment.reference, at=at
        ),
        now=at,
    )


def test_reception_writes_no_order_when_the_fee_is_asked_during_processing(world):
    dossier = _in_review(world, "runs")
    assert not OutboxMessage.objects.filter(topic="payment.order", aggregate_id=str(dossier.pk)).exists()


def test_the_step_holder_asks_the_fee_and_the_portal_is_told_status_six(world):
    dossier = _in_review(world, "runs")
    asked = T0 + dt.timedelta(hours=2)
    payment = services.request_payment(dossier=dossier, by=world.specialist_pv, now=asked)
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_PAYMENT and payment.when == PaymentWhen.PROCESSING
    status = OutboxMessage.objects.filter(topic="dossier.status", payload__event="payment_requested").get()
    assert status.payload["national_status"] == 6
    assert OutboxMessage.objects.filter(topic="payment.order", aggregate_id=str(dossier.pk)).exists()
    assert OutboxMessage.objects.filter(topic="notify.applicant", payload__event="payment_requested").exists()
    _pay(payment, asked + dt.timedelta(hours=3))
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
    back = OutboxMessage.objects.filter(topic="dossier.status", payload__event="payment_received").get()
    assert back.payload["national_status"] == 4


def test_a_paused_clock_moves_the_appointment_by_the_waiting_time(world):
    dossier = _in_review(world, "paused")
    before = dossier.appointment_at
    asked = T0 + dt.timedelta(hours=2)
    payment = services.request_payment(dossier=dossier, by=world.specialist_pv, now=asked)
    dossier.refresh_from_db()
    assert dossier.paused_at == asked and dossier.paused_remaining_hours is not None
    _pay(payment, asked + dt.timedelta(days=7))
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.paused_at is None
    assert dossier.appointment_at > before


def test_a_running_clock_keeps_the_appointment(world):
    dossier = _in_review(world, "runs")
    before = dossier.appointment_at
    asked = T0 + dt.timedelta(hours=2)
    payment = services.request_payment(dossier=dossier, by=world.specialist_pv, now=asked)
    _pay(payment, asked + dt.timedelta(days=7))
    dossier.refresh_from_db()
    assert dossier.appointment_at == before


def test_only_the_step_holder_asks_and_only_once(world):
    dossier = _in_review(world, "runs")
    with pytest.raises(DomainError) as refused:
        services.request_payment(dossier=dossier, by=world.citizen, now=T0 + dt.timedelta(hours=2))
    assert refused.value.code in {"payment.request_forbidden", "dossier.forbidden"}
    services.request_payment(dossier=dossier, by=world.specialist_pv, now=T0 + dt.timedelta(hours=2))
    dossier.refresh_from_db()
    with pytest.raises(DomainError):
        services.request_payment(dossier=dossier, by=world.specialist_pv, now=T0 + dt.timedelta(hours=3))
    assert DossierEvent.objects.filter(dossier=dossier, kind=EventKind.PAYMENT_REQUESTED).count() == 1


def test_a_version_paid_at_submission_cannot_be_asked_in_processing(world, dossier):
    moved = dossier_services.perform(
        dossier=dossier, by=world.officer_px, action="forward", now=T0 + dt.timedelta(hours=1)
    )
    with pytest.raises(DomainError) as refused:
        services.request_payment(dossier=moved, by=world.specialist_pv, now=T0 + dt.timedelta(hours=2))
    assert refused.value.code == "payment.not_asked_in_processing"


def test_the_catalog_checks_the_payment_terms():
    good = [{**RULE, "valid_from": "2025-07-01", "payment": {"when": "processing", "clock": "paused"}}]
    assert fees.rule_problems(good) == []
    assert fees.payment_terms(good) == fees.PaymentTerms("processing", "paused")
    assert fees.payment_terms([{**RULE, "valid_from": "2025-07-01"}]) == fees.PaymentTerms(
        "submission", "runs"
    )
    bad = [{**RULE, "valid_from": "2025-07-01", "payment": {"when": "later"}}]
    assert any("'payment'" in str(p) for p in fees.rule_problems(bad))
    mixed = [
        {**RULE, "valid_from": "2025-07-01", "payment": {"when": "processing"}},
        {**RULE, "code": "P2", "valid_from": "2025-07-01", "payment": {"when": "submission"}},
    ]
    assert any("khác nhau" in str(p) for p in fees.rule_problems(mixed))
