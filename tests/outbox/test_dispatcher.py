"""Claims, stream order, backoff, dead letters, expired claims and stale workers."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from motcua.outbox import dispatcher, registry, services
from motcua.outbox.adapters import Outcome, Result
from motcua.outbox.models import AttemptOutcome, DeliveryAttempt, OutboxMessage, Status
from motcua.outbox.selectors import blocked_streams, queue_stats

from .conftest import DESTINATION, write

pytestmark = pytest.mark.django_db


def claim(worker: str = "w1", limit: int = 100) -> list[OutboxMessage]:
    return dispatcher.claim(worker=worker, destination=DESTINATION, limit=limit)


def record(messages, outcome: Outcome, worker: str = "w1", error: str = "") -> dispatcher.BatchReport:
    return dispatcher.record(
        worker=worker,
        destination=DESTINATION,
        messages=messages,
        results=[Result(m.id, outcome, error) for m in messages],
        started_at=timezone.now(),
    )


def keys(messages) -> list[str]:
    return [m.key for m in messages]


def test_only_stream_heads_are_claimed_and_a_claimed_head_holds_its_stream(receiver):
    write(1, "a1", "a2", "a3")
    write(2, "b1")
    assert keys(claim()) == ["a1", "b1"]
    assert claim("w2") == []  # a live claim is not claimed again, and a2 waits for a1


def test_a_dead_head_blocks_its_stream_until_an_operator_retries_it(receiver):
    write(1, "a1", "a2")
    write(2, "b1")
    first = claim()
    record([m for m in first if m.key == "a1"], Outcome.REJECTED, error="invalid")
    record([m for m in first if m.key == "b1"], Outcome.DELIVERED)
    assert claim() == []
    [blocked] = blocked_streams()
    assert (blocked.stream, blocked.head.key, blocked.waiting) == ("staff:1", "a1", 1)

    services.retry_stream(destination=DESTINATION, stream="staff:1", by="operator")
    again = claim()
    assert keys(again) == ["a1"]
    assert again[0].attempts == 1  # a fresh budget
    record(again, Outcome.DELIVERED)
    assert keys(claim()) == ["a2"]


def test_skipping_the_dead_head_unblocks_the_rest_of_the_stream(receiver):
    write(1, "a1", "a2")
    record(claim(), Outcome.REJECTED)
    head = OutboxMessage.objects.get(key="a1")
    services.skip_messages(ids=[head.pk], by="operator", reason="sai dữ liệu, đã báo tay")
    assert keys(claim()) == ["a2"]
    assert OutboxMessage.objects.get(key="a1").status == Status.SKIPPED


def test_an_unordered_destination_claims_the_whole_stream(receiver, settings):
    settings.MOTCUA_OUTBOX_ADAPTERS = {
        DESTINATION: {
            "ADAPTER": "outbox.receiver.ReceiverAdapter",
            "OPTIONS": {"url": receiver.url, "ordered": False},
        }
    }
    write(1, "a1", "a2")
    adapter = registry.adapter_for(DESTINATION)
    assert adapter is not None and not adapter.ordered
    report = dispatcher.deliver_batch(worker="w1", destination=DESTINATION, adapter=adapter)
    assert (report.claimed, report.delivered) == (2, 2)
    assert receiver.effects == ["a1", "a2"]


def test_backoff_is_exponential_with_full_jitter_under_the_cap(settings):
    settings.MOTCUA_OUTBOX_BACKOFF_SECONDS = 2
    settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = 60
    rng = random.Random(12)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (40, 60), (1000, 60)]:
        waits = [dispatcher.backoff_seconds(attempt, rng=rng) for _ in range(200)]
        assert all(0 <= wait <= ceiling for wait in waits)
        assert max(waits) > ceiling / 2  # spread over the whole interval, not a fixed delay


def test_a_retry_is_scheduled_within_the_backoff_and_counts_a_failure(receiver, settings):
    settings.MOTCUA_OUTBOX_BACKOFF_SECONDS = 10
    settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = 10
    write(1, "a1")
    before = timezone.now()
    report = record(claim(), Outcome.RETRY, error="HTTP 503")
    message = OutboxMessage.objects.get(key="a1")
    assert report.retried == 1
    assert message.status == Status.PENDING and message.failures == 1 and message.last_error == "HTTP 503"
    assert before <= message.available_at <= timezone.now() + dt.timedelta(seconds=10)
    assert message.claimed_by == "" and message.claimed_until is None


def test_a_message_becomes_a_dead_letter_after_the_attempts_budget(receiver, settings):
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 3
    write(1, "a1", "a2")
    for _ in range(3):
        batch = claim()
        assert keys(batch) == ["a1"]
        record(batch, Outcome.RETRY, error="timeout")
    message = OutboxMessage.objects.get(key="a1")
    assert message.status == Status.DEAD and message.dead_at is not None
    assert message.attempts == 3 and message.failures == 3
    assert list(message.delivery_attempts.values_list("number", "outcome")) == [
        (1, AttemptOutcome.FAILED),
        (2, AttemptOutcome.FAILED),
        (3, AttemptOutcome.FAILED),
    ]
    assert claim() == []  # a2 waits behind the dead letter
    [line] = [s for s in queue_stats() if s.destination == DESTINATION]
    assert (line.depth, line.dead, line.failures, line.blocked_streams) == (1, 1, 3, 1)


def test_a_rejected_message_is_dead_at_once(receiver):
    write(1, "a1")
    report = record(claim(), Outcome.REJECTED, error="04 illegal transition")
    message = OutboxMessage.objects.get(key="a1")
    assert report.dead == 1
    assert (message.status, message.attempts, message.last_error) == (Status.DEAD, 1, "04 illegal transition")
    assert message.delivery_attempts.get().outcome == AttemptOutcome.REJECTED


def test_an_expired_claim_is_claimed_again_counting_a_redelivery_and_an_expired_attempt(receiver):
    write(1, "a1")
    [first] = claim("w1")
    OutboxMessage.objects.filter(pk=first.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    [again] = claim("w2")
    assert again.pk == first.pk and again.claimed_by == "w2" and again.attempts == 2
    expired = DeliveryAttempt.objects.get(message=first.pk)
    assert (expired.worker, expired.outcome, expired.number) == ("w1", AttemptOutcome.EXPIRED, 1)
    assert OutboxMessage.objects.get(pk=first.pk).redeliveries == 1


def test_a_worker_whose_claim_was_taken_over_cannot_overwrite_the_outcome(receiver):
    write(1, "a1")
    [stale] = claim("w1")
    OutboxMessage.objects.filter(pk=stale.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    [current] = claim("w2")

    report = record([stale], Outcome.REJECTED, worker="w1")
    message = OutboxMessage.objects.get(pk=stale.pk)
    assert report.stale == 1 and report.dead == 0
    assert (message.status, message.claimed_by) == (Status.PENDING, "w2")

    record([current], Outcome.DELIVERED, worker="w2")
    message.refresh_from_db()
    assert message.status == Status.DELIVERED and message.delivered_at is not None
    outcomes = list(message.delivery_attempts.values_list("worker", "outcome"))
    assert outcomes == [("w1", "expired"), ("w1", "rejected"), ("w2", "delivered")]


def test_a_duplicate_answer_counts_as_delivered_and_as_a_redelivery(receiver):
    write(1, "a1")
    record(claim(), Outcome.DUPLICATE)
    message = OutboxMessage.objects.get(key="a1")
    assert (message.status, message.redeliveries) == (Status.DELIVERED, 1)
    [line] = [s for s in queue_stats() if s.destination == DESTINATION]
    assert (line.delivered, line.redeliveries) == (1, 1)


def test_an_adapter_that_raises_retries_the_whole_batch(receiver, monkeypatch):
    write(1, "a1")
    write(2, "b1")
    adapter = registry.adapter_for(DESTINATION)
    assert adapter is not None

    def broken(messages, *, worker):
        raise ConnectionError("refused")

    monkeypatch.setattr(adapter, "deliver", broken)
    report = dispatcher.deliver_batch(worker="w1", destination=DESTINATION, adapter=adapter)
    assert report.retried == 2
    assert set(DeliveryAttempt.objects.values_list("error", flat=True)) == {"ConnectionError: refused"}


def test_recording_a_batch_takes_a_bounded_number_of_queries(receiver, django_assert_max_num_queries):
    for stream in range(50):
        write(stream, f"k{stream}")
    batch = claim()
    results = [
        Result(m.id, [Outcome.DELIVERED, Outcome.DUPLICATE, Outcome.RETRY, Outcome.REJECTED][i % 4])
        for i, m in enumerate(batch)
    ]
    # Savepoints, the owned rows, two UPDATEs, one bulk UPDATE, one INSERT of attempts, the totals (created
    # here: savepoint, INSERT): the same for 50 messages as for 5000.
    with django_assert_max_num_queries(11):
        report = dispatcher.record(
            worker="w1", destination=DESTINATION, messages=batch, results=results, started_at=timezone.now()
        )
    assert (report.delivered, report.duplicates, report.retried, report.dead) == (13, 13, 12, 12)
