"""Named database leases and the periodic jobs that run under them (one worker at a time per job).

A lease is a row (name, holder, expires_at). Taking it is one conditional UPDATE (free or expired or already
ours) and, when the row does not exist yet, one INSERT whose unique name settles a race: the same on
SQLite and PostgreSQL, no lock held between calls.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.outbox.adapters import PeriodicJob
from motcua.outbox.models import DeliveryAttempt, Lease, OutboxMessage, Status

logger = logging.getLogger("motcua.outbox")

CLEANUP_JOB = "outbox.cleanup"
CLEANUP_EVERY_SECONDS = 3600.0


def acquire(name: str, *, holder: str, seconds: float, now: dt.datetime | None = None) -> bool:
    """Take (or keep) the lease ``name`` for ``seconds``; False when another holder has a live one."""
    now = now or timezone.now()
    until = now + dt.timedelta(seconds=seconds)
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lte=now))
        .update(holder=holder, expires_at=until)
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=holder, expires_at=until)
    except IntegrityError:  # the row exists and is held by someone else (or was just created)
        return False
    return True


def renew(name: str, *, holder: str, seconds: float, now: dt.datetime | None = None) -> bool:
    """Extend a lease we hold; False when it passed to another holder."""
    now = now or timezone.now()
    return bool(
        Lease.objects.filter(name=name, holder=holder).update(expires_at=now + dt.timedelta(seconds=seconds))
    )


def release(name: str, *, holder: str, now: dt.datetime | None = None) -> None:
    """Give the lease up now (only if we hold it)."""
    Lease.objects.filter(name=name, holder=holder).update(expires_at=now or timezone.now())


class PeriodicRunner:
    """Runs each job at most once per ``every_seconds`` across all workers, under a lease named after it.

    The lease is taken for the period plus a margin while the job runs, then set to expire one period after
    the job ended: whoever holds it next runs the job next.
    """

    def __init__(self, jobs: Sequence[PeriodicJob], *, holder: str) -> None:
        self.jobs = list(jobs)
        self.holder = holder
        self._next_check = {job.name: 0.0 for job in self.jobs}

    def tick(self) -> list[str]:
        """Run the jobs that are due and whose lease we get; returns their names."""
        ran = []
        for job in self.jobs:
            if time.monotonic() < self._next_check[job.name]:
                continue
            margin = settings.MOTCUA_OUTBOX_CLAIM_SECONDS
            if not acquire(job.name, holder=self.holder, seconds=job.every_seconds + margin):
                # Held elsewhere: look again soon, the holder may stop.
                self._next_check[job.name] = time.monotonic() + min(job.every_seconds, 5.0)
                continue
            try:
                job.run()
            except Exception:
                logger.exception("periodic job %s failed", job.name)
            finally:
                renew(job.name, holder=self.holder, seconds=job.every_seconds)
                self._next_check[job.name] = time.monotonic() + job.every_seconds
            ran.append(job.name)
        return ran


def cleanup(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Delete delivered and skipped messages older than MOTCUA_OUTBOX_RETENTION_DAYS with their attempts.

    The metrics' counters live in DestinationTotals (kept as outcomes are recorded), so they do not go down.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.MOTCUA_OUTBOX_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                OutboxMessage.objects.filter(
                    Q(status=Status.DELIVERED, delivered_at__lt=cutoff)
                    | Q(status=Status.SKIPPED, created_at__lt=cutoff)
                )
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            DeliveryAttempt.objects.filter(message_id__in=ids).delete()
            OutboxMessage.objects.filter(id__in=ids).delete()
        deleted += len(ids)
    if deleted:
        logger.info("outbox.cleanup: deleted %d delivered or skipped messages before %s", deleted, cutoff)
    return deleted


def cleanup_job() -> PeriodicJob:
    return PeriodicJob(name=CLEANUP_JOB, every_seconds=CLEANUP_EVERY_SECONDS, run=cleanup)
