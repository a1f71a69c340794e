"""Delivery of outbox messages (docs/integrations.md "Delivery").

A worker claims a batch of pending messages of one destination (a claim is a lease on the rows:
``claimed_by``/``claimed_until``), hands the batch to the destination's adapter outside the claim's
transaction, then records the outcomes under the guard ``claimed_by = me``: a worker whose claim expired
and was taken over cannot overwrite what the new claimer records.

PostgreSQL: any number of workers (``FOR UPDATE SKIP LOCKED``). SQLite: one delivery worker (a claim
transaction takes the database's write lock, so two would only wait for each other).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from motcua.outbox import registry
from motcua.outbox.adapters import Adapter, Outcome, PeriodicJob, Result
from motcua.outbox.models import (
    OPEN_STATUSES,
    AttemptOutcome,
    DeliveryAttempt,
    DestinationTotals,
    OutboxMessage,
    Status,
)

logger = logging.getLogger("motcua.outbox")

_ATTEMPT_OUTCOME = {
    Outcome.DELIVERED: AttemptOutcome.DELIVERED,
    Outcome.DUPLICATE: AttemptOutcome.DUPLICATE,
    Outcome.RETRY: AttemptOutcome.FAILED,
    Outcome.REJECTED: AttemptOutcome.REJECTED,
}


def new_worker_id() -> str:
    """A name unique to this process: host, pid and a random part (a restarted process gets a new one)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:100]


def backoff_seconds(attempt: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^(attempt-1))]."""
    base = settings.MOTCUA_OUTBOX_BACKOFF_SECONDS
    cap = settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS
    ceiling = min(cap, base * 2 ** min(max(attempt - 1, 0), 62))
    return (rng or random).uniform(0, ceiling)


def claim(
    *, worker: str, destination: str, limit: int, ordered: bool = True, now: dt.datetime | None = None
) -> list[OutboxMessage]:
    """Claim up to ``limit`` deliverable messages of a destination for ``worker``, by id.

    Deliverable: pending, available, not under a live claim, and for an ordered destination the head of its
    stream (no earlier message of the same destination and stream pending or dead). Re-claiming a message
    whose claim expired without an outcome counts a redelivery and records an ``expired`` attempt.
    """
    with transaction.atomic():
        # Taken inside the transaction: on SQLite it starts once the write lock is ours.
        now = now or timezone.now()
        candidates = OutboxMessage.objects.filter(
            destination=destination, status=Status.PENDING, available_at__lte=now
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        if ordered:
            # The head: the first open message of the stream. A correlated scalar subquery (one probe of the
            # index outbox_stream_status per candidate) rather than NOT EXISTS, which PostgreSQL turns into an
            # anti-join whose plan collapses when the table's statistics are stale (a burst into a new table).
            head = (
                OutboxMessage.objects.filter(
                    destination=destination, stream=OuterRef("stream"), status__in=OPEN_STATUSES
                )
                .order_by("id")
                .values("id")[:1]
            )
            candidates = candidates.filter(id=Subquery(head))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        messages = list(candidates.order_by("id")[:limit])
        if not messages:
            return []
        until = now + dt.timedelta(seconds=settings.MOTCUA_OUTBOX_CLAIM_SECONDS)
        expired = [m for m in messages if m.claimed_until is not None]
        if expired:
            _record_expired(expired, destination=destination, now=now)
        OutboxMessage.objects.filter(id__in=[m.id for m in messages]).update(
            claimed_by=worker, claimed_until=until, attempts=F("attempts") + 1
        )
    for message in messages:
        message.claimed_by, message.claimed_until = worker, until
        message.attempts += 1
    return messages


def _record_expired(expired: list[OutboxMessage], *, destination: str, now: dt.datetime) -> None:
    claim_length = dt.timedelta(seconds=settings.MOTCUA_OUTBOX_CLAIM_SECONDS)
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            message_id=m.id,
            number=m.attempts,
            worker=m.claimed_by,
            started_at=min(m.claimed_until - claim_length, now) if m.claimed_until else now,
            finished_at=now,
            outcome=AttemptOutcome.EXPIRED,
            error="claim expired without an outcome",
        )
        for m in expired
    )
    OutboxMessage.objects.filter(id__in=[m.id for m in expired]).update(redeliveries=F("redeliveries") + 1)
    for m in expired:
        m.redeliveries += 1
    _add_totals(destination, redeliveries=len(expired))
    logger.warning("%s: %d claims expired without an outcome; sending again", destination, len(expired))


@dataclass
class BatchReport:
    """What one batch came to."""

    destination: str
    claimed: int = 0
    delivered: int = 0
    duplicates: int = 0
    retried: int = 0
    dead: int = 0
    stale: int = 0  # outcomes dropped because the claim had passed to another worker
    errors: list[str] = field(default_factory=list)


def record(
    *,
    worker: str,
    destination: str,
    messages: Sequence[OutboxMessage],
    results: Sequence[Result],
    started_at: dt.datetime,
    now: dt.datetime | None = None,
) -> BatchReport:
    """Record the adapter's outcomes for a claimed batch, in one transaction and a handful of queries.

    Only rows still claimed by ``worker`` change; every send is written as a DeliveryAttempt either way.
    """
    report = BatchReport(destination=destination, claimed=len(messages))
    by_id = {r.message_id: r for r in results}
    outcome_of = {
        m.id: by_id.get(m.id) or Result(m.id, Outcome.RETRY, error="the adapter returned no result")
        for m in messages
    }
    max_attempts = settings.MOTCUA_OUTBOX_MAX_ATTEMPTS
    with transaction.atomic():
        now = now or timezone.now()
        owned = set(
            OutboxMessage.objects.select_for_update()
            .filter(id__in=list(outcome_of), claimed_by=worker, status=Status.PENDING)
            .values_list("id", flat=True)
        )
        delivered: list[int] = []
        duplicates: list[int] = []
        changed: list[OutboxMessage] = []
        attempts: list[DeliveryAttempt] = []
        failures = dead = 0
        for message in messages:
            result = outcome_of[message.id]
            error = str(result.error or "")[:4000]
            try:
                outcome = Outcome(result.outcome)
            except ValueError:
                outcome, error = Outcome.RETRY, f"the adapter answered an unknown outcome {result.outcome!r}"
            if message.id not in owned:
                report.stale += 1
                error = f"claim lost before the outcome was recorded; not applied. {error}".strip()
            attempts.append(
                DeliveryAttempt(
                    message_id=message.id,
                    number=message.attempts,
                    worker=worker,
                    started_at=started_at,
                    finished_at=now,
                    outcome=_ATTEMPT_OUTCOME[outcome],
                    error=error,
                    http_status=result.http_status,
                )
            )
            if message.id not in owned:
                continue
            if outcome in (Outcome.DELIVERED, Outcome.DUPLICATE):
                (duplicates if outcome == Outcome.DUPLICATE else delivered).append(message.id)
                continue
            failures += 1
            message.failures += 1
            message.last_error = error or outcome.value
            message.claimed_by, message.claimed_until = "", None
            if outcome == Outcome.REJECTED or message.attempts >= max_attempts:
                message.status, message.dead_at = Status.DEAD, now
                dead += 1
            else:
                message.available_at = now + dt.timedelta(seconds=backoff_seconds(message.attempts))
                report.retried += 1
            changed.append(message)
        if delivered or duplicates:
            OutboxMessage.objects.filter(id__in=delivered + duplicates).update(
                status=Status.DELIVERED, delivered_at=now, claimed_by="", claimed_until=None, last_error=""
            )
        if duplicates:
            OutboxMessage.objects.filter(id__in=duplicates).update(redeliveries=F("redeliveries") + 1)
        if changed:
            OutboxMessage.objects.bulk_update(
                changed,
                [
                    "status",
                    "dead_at",
                    "available_at",
                    "failures",
                    "last_error",
                    "claimed_by",
                    "claimed_until",
                ],
            )
        DeliveryAttempt.objects.bulk_create(attempts)
        _add_totals(
            destination,
            delivered=len(delivered) + len(duplicates),
            failures=failures,
            redeliveries=len(duplicates),
            dead_letters=dead,
        )
    report.delivered, report.duplicates, report.dead = len(delivered), len(duplicates), dead
    if dead:
        logger.error("%s: %d messages became dead letters", destination, dead)
    return report


def _add_totals(destination: str, **counts: int) -> None:
    """Add to the destination's monotonic counters (one UPDATE; the row is created on first use)."""
    counts = {name: n for name, n in counts.items() if n}
    if not counts:
        return
    increments = {name: F(name) + n for name, n in counts.items()}
    if DestinationTotals.objects.filter(destination=destination).update(**increments):
        return
    try:
        with transaction.atomic():
            DestinationTotals.objects.create(destination=destination, **counts)
    except IntegrityError:  # created meanwhile by another worker
        DestinationTotals.objects.filter(destination=destination).update(**increments)


def deliver_batch(
    *, worker: str, destination: str, adapter: Adapter, limit: int | None = None
) -> BatchReport:
    """Claim one batch of a destination, send it with one ``deliver()`` call, record the outcomes."""
    limit = max(
        1, min(limit or settings.MOTCUA_OUTBOX_BATCH, adapter.batch_size, settings.MOTCUA_OUTBOX_BATCH)
    )
    messages = claim(worker=worker, destination=destination, limit=limit, ordered=adapter.ordered)
    if not messages:
        return BatchReport(destination=destination)
    if settings.MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS:
        time.sleep(settings.MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS)
    started_at = timezone.now()
    try:
        results = adapter.deliver(messages, worker=worker)
    except Exception as exc:
        logger.exception("%s: deliver() raised; the batch is retried", destination)
        text = f"{type(exc).__name__}: {exc}"
        results = [Result(message_id=m.id, outcome=Outcome.RETRY, error=text) for m in messages]
    return record(
        worker=worker, destination=destination, messages=messages, results=results, started_at=started_at
    )


class DeliveryLoop:
    """The body of ``motcua deliver``: batches over the configured destinations, periodic jobs under leases.

    ``once``: deliver until nothing is deliverable now, run the due periodic jobs once, and return.
    """

    def __init__(
        self,
        *,
        worker: str,
        destinations: Sequence[str] | None = None,
        once: bool = False,
        max_seconds: float | None = None,
        max_messages: int | None = None,
        extra_jobs: Sequence[PeriodicJob] = (),
    ) -> None:
        from motcua.outbox.leases import PeriodicRunner, cleanup_job

        self.worker = worker
        self.destinations = list(destinations or registry.configured_destinations())
        self.once = once
        self.max_seconds = max_seconds
        self.max_messages = max_messages
        self.stopping = threading.Event()
        self.totals = BatchReport(destination="*")
        jobs: list[PeriodicJob] = [cleanup_job(), *extra_jobs]
        for destination in self.destinations:
            adapter = registry.adapter_for(destination)
            if adapter is not None:
                jobs.extend(adapter.periodic_jobs())
        self.runner = PeriodicRunner(jobs, holder=worker)

    def stop(self) -> None:
        """Stop after the current batch (signal handlers call this)."""
        self.stopping.set()

    def run(self) -> BatchReport:
        deadline = time.monotonic() + self.max_seconds if self.max_seconds is not None else None
        while not self.stopping.is_set():
            self.runner.tick()
            busy = self._one_pass()
            if self._limits_reached(deadline):
                break
            if not busy:
                if self.once:
                    break
                self.stopping.wait(settings.MOTCUA_OUTBOX_POLL_SECONDS)
        return self.totals

    def _one_pass(self) -> bool:
        busy = False
        for destination in self.destinations:
            if self.stopping.is_set():
                break
            adapter = registry.adapter_for(destination)
            if adapter is None:
                continue
            limit = None
            if self.max_messages is not None:
                limit = self.max_messages - self.totals.claimed
                if limit <= 0:
                    break
            report = deliver_batch(worker=self.worker, destination=destination, adapter=adapter, limit=limit)
            if report.claimed:
                busy = True
                self._add(report)
                logger.info(
                    "%s %s: %d claimed, %d delivered, %d duplicates, %d retried, %d dead, %d stale",
                    self.worker,
                    destination,
                    report.claimed,
                    report.delivered,
                    report.duplicates,
                    report.retried,
                    report.dead,
                    report.stale,
                )
        return busy

    def _add(self, report: BatchReport) -> None:
        for name in ("claimed", "delivered", "duplicates", "retried", "dead", "stale"):
            setattr(self.totals, name, getattr(self.totals, name) + getattr(report, name))

    def _limits_reached(self, deadline: float | None) -> bool:
        if deadline is not None and time.monotonic() >= deadline:
            return True
        return self.max_messages is not None and self.totals.claimed >= self.max_messages
