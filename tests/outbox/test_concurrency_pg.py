"""Real concurrent connections on PostgreSQL: two workers never hold the same message, one lease holder."""

from __future__ import annotations

import pytest
from django.utils import timezone

from concurrency import run_concurrently
from motcua.outbox import dispatcher, leases
from motcua.outbox.models import DeliveryAttempt, OutboxMessage, Status

from .conftest import DESTINATION, write

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reload_world_after_module"),
]


def test_two_workers_claiming_at_once_get_disjoint_stream_heads(receiver):
    for stream in range(40):
        write(stream, f"s{stream}-1", f"s{stream}-2")
    claims = run_concurrently(
        2, lambda i: dispatcher.claim(worker=f"w{i}", destination=DESTINATION, limit=15)
    )
    ids = [[m.id for m in batch] for batch in claims]
    assert all(isinstance(batch, list) for batch in claims)
    assert len(ids[0]) == len(ids[1]) == 15 and not set(ids[0]) & set(ids[1])
    assert all(m.key.endswith("-1") for batch in claims for m in batch)


def test_two_delivery_loops_drain_the_queue_without_sending_a_message_twice(receiver):
    for stream in range(30):
        write(stream, *(f"s{stream}-{n}" for n in range(4)))

    def drain(i: int) -> dispatcher.BatchReport:
        return dispatcher.DeliveryLoop(worker=f"w{i}", once=True).run()

    reports = run_concurrently(2, drain)
    assert sum(r.delivered for r in reports) == 120
    assert len(receiver.received) == 120 and len(set(receiver.received)) == 120
    assert not OutboxMessage.objects.exclude(status=Status.DELIVERED).filter(destination=DESTINATION).exists()
    for stream in range(30):
        order = [k for k in receiver.received if k.startswith(f"s{stream}-")]
        assert order == [f"s{stream}-{n}" for n in range(4)]
    assert DeliveryAttempt.objects.count() == 120


def test_one_of_many_workers_takes_a_free_lease():
    now = timezone.now()
    results = run_concurrently(4, lambda i: leases.acquire("race", holder=f"w{i}", seconds=60, now=now))
    assert sorted(results) == [False, False, False, True]
