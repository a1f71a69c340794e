"""Reads of the outbox for operators: queue statistics per destination (admin, /metrics), blocked streams,
a message with its attempts. Each is a fixed, small number of queries whatever the size of the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.outbox import registry
from motcua.outbox.models import OPEN_STATUSES, DeliveryAttempt, DestinationTotals, OutboxMessage, Status


@dataclass(frozen=True)
class DestinationStats:
    destination: str
    configured: bool  # an adapter delivers it
    depth: int  # pending messages
    oldest_pending_age_seconds: float  # 0 when nothing is pending
    delivered: int  # monotonic counters (DestinationTotals)
    failures: int
    redeliveries: int
    dead: int  # dead letters now
    blocked_streams: int  # streams whose head is a dead letter (ordered destinations)


def known_destinations() -> list[str]:
    """Configured, routed, or seen in the table (sorted)."""
    routed = {d for destinations in settings.MOTCUA_OUTBOX_ROUTES.values() for d in destinations}
    return sorted(set(registry.configured_destinations()) | routed)


def _unordered_destinations() -> list[str]:
    return [d for d in registry.configured_destinations() if not registry.is_ordered(d)]


def blocked_heads() -> QuerySet[OutboxMessage]:
    """Dead letters that head their stream (no earlier pending or dead message): each blocks its stream."""
    head = (
        OutboxMessage.objects.filter(
            destination=OuterRef("destination"), stream=OuterRef("stream"), status__in=OPEN_STATUSES
        )
        .order_by("id")
        .values("id")[:1]
    )
    return (
        OutboxMessage.objects.filter(status=Status.DEAD)
        .exclude(destination__in=_unordered_destinations())
        .filter(id=Subquery(head))
    )


def queue_stats(*, now: dt.datetime | None = None) -> list[DestinationStats]:
    """One line per destination, in three queries."""
    now = now or timezone.now()
    open_rows: dict[str, dict[str, Any]] = {
        row["destination"]: dict(row)
        for row in OutboxMessage.objects.filter(status__in=OPEN_STATUSES)
        .values("destination")
        .order_by()
        .annotate(
            depth=Count("id", filter=Q(status=Status.PENDING)),
            oldest=Min("created_at", filter=Q(status=Status.PENDING)),
            dead=Count("id", filter=Q(status=Status.DEAD)),
        )
    }
    totals = {t.destination: t for t in DestinationTotals.objects.all()}
    blocked = {
        row["destination"]: row["n"]
        for row in blocked_heads().values("destination").order_by().annotate(n=Count("id"))
    }
    configured = set(registry.configured_destinations())
    stats = []
    for destination in sorted(set(known_destinations()) | set(open_rows) | set(totals)):
        row: dict[str, Any] = open_rows.get(destination, {})
        total = totals.get(destination)
        oldest = row.get("oldest")
        stats.append(
            DestinationStats(
                destination=destination,
                configured=destination in configured,
                depth=row.get("depth", 0),
                oldest_pending_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
                delivered=total.delivered if total else 0,
                failures=total.failures if total else 0,
                redeliveries=total.redeliveries if total else 0,
                dead=row.get("dead", 0),
                blocked_streams=blocked.get(destination, 0),
            )
        )
    return stats


@dataclass(frozen=True)
class BlockedStream:
    destination: str
    stream: str
    head: OutboxMessage  # the dead letter at its head
    waiting: int  # pending messages behind it


def blocked_streams(*, destination: str | None = None, limit: int = 500) -> list[BlockedStream]:
    """Streams whose head is a dead letter, oldest head first (two queries)."""
    heads = blocked_heads()
    if destination:
        heads = heads.filter(destination=destination)
    waiting = (
        OutboxMessage.objects.filter(
            destination=OuterRef("destination"), stream=OuterRef("stream"), status=Status.PENDING
        )
        .order_by()
        .values("stream")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = heads.annotate(waiting=Coalesce(Subquery(waiting[:1]), 0)).order_by("id")[:limit]
    return [BlockedStream(m.destination, m.stream, m, m.waiting) for m in rows]  # type: ignore[attr-defined]


def message_with_attempts(*, message_id: int) -> OutboxMessage:
    """A message with its attempts prefetched (in order)."""
    return OutboxMessage.objects.prefetch_related("delivery_attempts").get(pk=message_id)


def attempts_of(*, message_id: int) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.filter(message_id=message_id).order_by("id")
