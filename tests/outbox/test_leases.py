"""Named leases (one holder at a time), periodic jobs under them, and the cleanup that keeps the counters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.outbox import dispatcher, leases, registry
from motcua.outbox.adapters import PeriodicJob
from motcua.outbox.models import DeliveryAttempt, Lease, OutboxMessage, Status
from motcua.outbox.selectors import queue_stats

from .conftest import DESTINATION, write

pytestmark = pytest.mark.django_db


def test_a_lease_has_one_holder_until_it_expires_or_is_released():
    now = timezone.now()
    assert leases.acquire("job", holder="a", seconds=30, now=now)
    assert not leases.acquire("job", holder="b", seconds=30, now=now + dt.timedelta(seconds=10))
    assert leases.acquire("job", holder="a", seconds=30, now=now + dt.timedelta(seconds=10))  # kept
    assert not leases.renew("job", holder="b", seconds=30)
    assert leases.acquire("job", holder="b", seconds=30, now=now + dt.timedelta(seconds=41))  # expired
    assert Lease.objects.get(name="job").holder == "b"
    leases.release("job", holder="a")  # not a's any more: nothing happens
    assert not leases.acquire("job", holder="a", seconds=30, now=now + dt.timedelta(seconds=42))
    leases.release("job", holder="b")
    assert leases.acquire("job", holder="a", seconds=30)


def test_a_periodic_job_runs_in_one_worker_per_period():
    runs: list[str] = []
    job = PeriodicJob(name="count", every_seconds=3600, run=lambda: runs.append("x"))
    first, second = leases.PeriodicRunner([job], holder="w1"), leases.PeriodicRunner([job], holder="w2")
    assert first.tick() == ["count"]
    assert second.tick() == []
    assert first.tick() == []  # not due again before the period
    assert runs == ["x"]


def test_a_failing_periodic_job_is_logged_and_does_not_stop_the_runner(caplog):
    def broken() -> None:
        raise RuntimeError("portal down")

    runner = leases.PeriodicRunner([PeriodicJob(name="broken", every_seconds=60, run=broken)], holder="w1")
    assert runner.tick() == ["broken"]
    assert "periodic job broken failed" in caplog.text


def test_cleanup_deletes_old_delivered_messages_and_their_attempts_but_keeps_the_counters(receiver, settings):
    settings.MOTCUA_OUTBOX_RETENTION_DAYS = 30
    old = timezone.now() - dt.timedelta(days=40)
    write(1, "old1", now=old)
    write(2, "old2", now=old)
    write(3, "new1")
    adapter = registry.adapter_for(DESTINATION)
    assert adapter is not None
    dispatcher.deliver_batch(worker="w1", destination=DESTINATION, adapter=adapter)
    OutboxMessage.objects.filter(key__in=["old1", "old2"]).update(delivered_at=old)
    write(4, "old-pending", now=old)
    before = {s.destination: s for s in queue_stats()}[DESTINATION]

    assert leases.cleanup() == 2

    assert set(OutboxMessage.objects.filter(destination=DESTINATION).values_list("key", flat=True)) == {
        "new1",
        "old-pending",
    }
    assert not DeliveryAttempt.objects.filter(message__key__in=["old1", "old2"]).exists()
    after = {s.destination: s for s in queue_stats()}[DESTINATION]
    assert (before.delivered, after.delivered) == (3, 3)
    assert OutboxMessage.objects.get(key="old-pending").status == Status.PENDING


def test_the_delivery_loop_runs_the_cleanup_job_under_its_lease(receiver):
    loop = dispatcher.DeliveryLoop(worker="w1", once=True)
    loop.run()
    assert Lease.objects.get(name=leases.CLEANUP_JOB).holder == "w1"
