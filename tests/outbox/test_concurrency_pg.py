"""Real concurrent connections on PostgreSQL: two workers never hold the same message, one lease holder."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from motcua.outbox import dispatcher, leases
from motcua.outbox.models import DeliveryAttempt, OutboxMessage, Status

from .conftest import DESTINATION, write

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def only_on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")


@pytest.fixture(scope="module", autouse=True)
def reload_session_world(django_db_blocker):
    """Transactional tests flush the database; put back what tests/conftest.py loads for later tests."""
    yield
    with django_db_blocker.unblock():
        from motcua.operations.demo import load_demo

        load_demo(all_provinces=False)


def run_concurrently(count: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


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
