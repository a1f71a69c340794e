"""The daily reconciliation runs by itself: the delivery worker (``motcua deliver``) runs the payments
adapter's periodic job under its lease, which reconciles yesterday once, stores the outcome with its
mismatches, logs them, and does not redo a day already reconciled."""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from dossiers.dossier_world import T0, TZ
from motcua.outbox import registry
from motcua.outbox.models import Lease
from motcua.payments import services
from motcua.payments.adapter import RECONCILE_JOB
from motcua.payments.models import Reconciliation

PAID_AT = T0 + dt.timedelta(hours=1)
DAY = PAID_AT.date()
NEXT_MORNING = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(2, 0), tzinfo=TZ)


def transfer(event: str, amount: int, content: str) -> services.ReportedTransfer:
    return services.ReportedTransfer(
        event_id=event, amount=Decimal(amount), content=content, at=PAID_AT, payer_name="NGUYEN THI HOA"
    )


@pytest.fixture
def clock(monkeypatch):
    """A fixed clock for the worker, its leases and the job: ``clock.now`` is what timezone.now() answers."""

    class Clock:
        now = NEXT_MORNING

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def payments_worker(gateway, settings):
    settings.MOTCUA_OUTBOX_ADAPTERS = {
        **settings.MOTCUA_OUTBOX_ADAPTERS,
        "payments": {"ADAPTER": "motcua.payments.adapter.PaymentsAdapter", "OPTIONS": {}},
    }
    registry.reset()
    yield
    registry.reset()


def deliver_once(worker: str) -> None:
    call_command(
        "deliver", "--once", "--destination", "payments", "--worker-id", worker, stdout=io.StringIO()
    )


def test_the_worker_reconciles_yesterday_once_and_stores_its_mismatches(
    payments_worker, payment, clock, caplog
):
    services.record_transfer(
        provider="gateway", transfer=transfer("e1", 8000, f"HS {payment.reference}"), now=PAID_AT
    )
    services.record_transfer(provider="gateway", transfer=transfer("e2", 50000, "khong co ma"), now=PAID_AT)

    with caplog.at_level(logging.WARNING, logger="motcua.payments.services"):
        deliver_once("worker-1")

    row = Reconciliation.objects.get()
    assert row.day == DAY and row.ran_at == NEXT_MORNING
    assert (row.payments_paid, row.amount_paid) == (1, 8000)
    assert (row.transfers, row.amount_transferred) == (2, 58000)
    assert row.mismatch_count == 1
    [mismatch] = row.mismatches
    assert mismatch["kind"] == "transfer_without_payment"
    assert (mismatch["event_id"], mismatch["amount"]) == ("e2", 50000)
    assert "transfer_without_payment" in caplog.text and "e2" in caplog.text
    assert Lease.objects.get(name=RECONCILE_JOB).holder == "worker-1"

    # Later that day the lease has passed to another worker: the day is not redone.
    clock.now = NEXT_MORNING + dt.timedelta(hours=3)
    Lease.objects.filter(name=RECONCILE_JOB).update(expires_at=clock.now)
    deliver_once("worker-2")
    assert Reconciliation.objects.count() == 1
    assert Reconciliation.objects.get().ran_at == NEXT_MORNING


def test_while_another_worker_holds_the_lease_this_one_does_not_reconcile(payments_worker, payment, clock):
    Lease.objects.create(name=RECONCILE_JOB, holder="other", expires_at=clock.now + dt.timedelta(hours=1))
    deliver_once("worker-1")
    assert not Reconciliation.objects.exists()


def test_before_the_hour_of_reconciliation_nothing_is_stored(payments_worker, payment, clock, settings):
    clock.now = NEXT_MORNING.replace(hour=0, minute=30)
    deliver_once("worker-1")
    assert not Reconciliation.objects.exists()
    # The next look (an hour later by default) finds it is time.
    clock.now = NEXT_MORNING.replace(hour=1, minute=30)
    assert services.reconcile_yesterday() is not None
    assert Reconciliation.objects.get().day == DAY


def test_a_paid_payment_whose_transfers_do_not_add_up_is_a_mismatch(payment, clock):
    from motcua.payments.models import Payment

    services.record_transfer(
        provider="gateway", transfer=transfer("e1", 8000, payment.reference), now=PAID_AT
    )
    Payment.objects.filter(pk=payment.pk).update(amount_paid=9000)  # a ledger that no longer adds up
    row, made = services.reconcile_day(day=DAY)
    assert made
    assert [m["kind"] for m in row.mismatches] == ["amount_mismatch"]
    assert (row.mismatches[0]["recorded"], row.mismatches[0]["transferred"]) == (9000, 8000)
    again, made_again = services.reconcile_day(day=DAY)
    assert (again.pk, made_again) == (row.pk, False)


def test_the_command_records_the_day_as_the_job_does(payment, clock):
    services.record_transfer(
        provider="gateway", transfer=transfer("e1", 8000, payment.reference), now=PAID_AT
    )
    out = io.StringIO()
    call_command("payments", "reconcile", "--date", DAY.isoformat(), "--record", stdout=out)
    assert "đã lưu: 0 chênh lệch" in out.getvalue()
    call_command("payments", "reconcile", "--date", DAY.isoformat(), "--record", stdout=out)
    assert "không làm lại" in out.getvalue()
    assert Reconciliation.objects.get().mismatch_count == 0


def test_the_administrator_sees_the_reconciliations_and_their_mismatches(payment, clock, admin_client):
    services.record_transfer(provider="gateway", transfer=transfer("e2", 50000, "khong co ma"), now=PAID_AT)
    row, _made = services.reconcile_day(day=DAY)
    listing = admin_client.get("/admin/payments/reconciliation/")
    assert listing.status_code == 200
    assert DAY.strftime("%d") in listing.content.decode()
    detail = admin_client.get(f"/admin/payments/reconciliation/{row.pk}/change/")
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "Giao dịch không khớp khoản phí nào" in text and "e2" in text
