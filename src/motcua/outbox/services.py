"""Writes to the outbox. Call ``enqueue`` inside the transaction that makes the change it reports."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.core.text import LONG_TEXT, check_text
from motcua.outbox.errors import REASON_REQUIRED
from motcua.outbox.models import OutboxMessage, Status, Topic

logger = logging.getLogger("motcua.outbox")


def destinations_for(topic: Topic | str) -> list[str]:
    """The destinations a topic is routed to (MOTCUA_OUTBOX_ROUTES); an unknown topic goes nowhere."""
    return list(settings.MOTCUA_OUTBOX_ROUTES.get(str(topic), []))


def stream_of(aggregate_type: str, aggregate_id: str | int) -> str:
    """The ordering key: messages of one aggregate to one destination are delivered in id order."""
    return f"{aggregate_type}:{aggregate_id}"[:100]


def enqueue(
    *,
    topic: Topic | str,
    province_code: str,
    aggregate_type: str,
    aggregate_id: str | int,
    payload: dict[str, Any],
    key: str | None = None,
    now: dt.datetime | None = None,
    available_at: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Write the message once per destination of its topic; must run inside the caller's transaction.

    ``key`` deduplicates per destination: enqueueing the same key twice returns the first message. Returns
    the row of the topic's first destination, or None when the topic is routed nowhere.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() must run inside the transaction of the change it reports")
    now = now or timezone.now()
    key = key or f"{topic}:{aggregate_type}:{aggregate_id}:{uuid.uuid4().hex}"
    first: OutboxMessage | None = None
    for destination in destinations_for(topic):
        message, _created = OutboxMessage.objects.get_or_create(
            destination=destination,
            key=key,
            defaults={
                "topic": str(topic),
                "province_code": province_code,
                "aggregate_type": aggregate_type,
                "aggregate_id": str(aggregate_id),
                "stream": stream_of(aggregate_type, aggregate_id),
                "payload": payload,
                "created_at": now,
                "available_at": available_at or now,
            },
        )
        first = first or message
    return first


@dataclass(frozen=True)
class OutboxItem:
    """One message of a batch written by ``enqueue_many``."""

    topic: Topic | str
    key: str
    payload: dict[str, Any] = field(default_factory=dict)


def enqueue_many(
    *,
    province_code: str,
    aggregate_type: str,
    aggregate_id: str | int,
    items: list[OutboxItem],
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Write several messages about one aggregate in one INSERT, one row per destination of each topic; keys
    must be new (the caller holds the lock that makes them unique, e.g. the dossier row and its event
    sequence)."""
    return write_messages(
        messages_of(
            province_code=province_code,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            items=items,
            now=now or timezone.now(),
        )
    )


def messages_of(
    *,
    province_code: str,
    aggregate_type: str,
    aggregate_id: str | int,
    items: list[OutboxItem],
    now: dt.datetime,
) -> list[OutboxMessage]:
    """The unsaved rows of ``items`` about one aggregate, one per destination of each topic: batches of
    several aggregates are written together by ``write_messages``."""
    stream = stream_of(aggregate_type, aggregate_id)
    return [
        OutboxMessage(
            topic=str(item.topic),
            province_code=province_code,
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            key=item.key,
            payload=item.payload,
            created_at=now,
            available_at=now,
            destination=destination,
            stream=stream,
        )
        for item in items
        for destination in destinations_for(item.topic)
    ]


def write_messages(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write the rows of ``messages_of`` in one INSERT (new keys only), inside the change's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_many() must run inside the transaction of the change it reports")
    return OutboxMessage.objects.bulk_create(rows) if rows else []


# --- operators (the admin): retry or skip dead letters ------------------------------------------------------


def _revive(queryset: QuerySet[OutboxMessage], *, now: dt.datetime) -> list[int]:
    ids = list(queryset.select_for_update().values_list("id", flat=True))
    OutboxMessage.objects.filter(id__in=ids).update(
        status=Status.PENDING,
        attempts=0,
        available_at=now,
        dead_at=None,
        claimed_by="",
        claimed_until=None,
    )
    return ids


def retry_messages(*, ids: list[int], by: Any, now: dt.datetime | None = None) -> list[int]:
    """Send dead or skipped messages again: pending, available now, a fresh attempts budget.

    Returns the ids changed (the others were not dead or skipped)."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = _revive(
            OutboxMessage.objects.filter(id__in=ids, status__in=[Status.DEAD, Status.SKIPPED]), now=now
        )
    logger.info("outbox: %s retried messages %s", by, changed)
    return changed


def skip_messages(*, ids: list[int], by: Any, reason: str, now: dt.datetime | None = None) -> list[int]:
    """Give up on pending or dead messages: never sent, they no longer block their stream.

    Returns the ids changed."""
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(REASON_REQUIRED, _("Cần ghi lý do bỏ qua thư."))
    check_text(reason, field="reason", label=_("Lý do"), max_length=LONG_TEXT)
    with transaction.atomic():
        changed = list(
            OutboxMessage.objects.select_for_update()
            .filter(id__in=ids, status__in=[Status.PENDING, Status.DEAD])
            .values_list("id", flat=True)
        )
        OutboxMessage.objects.filter(id__in=changed).update(
            status=Status.SKIPPED,
            claimed_by="",
            claimed_until=None,
            last_error=f"skipped by {by}: {reason}"[:4000],
        )
    logger.info("outbox: %s skipped messages %s: %s", by, changed, reason)
    return changed


def retry_stream(*, destination: str, stream: str, by: Any, now: dt.datetime | None = None) -> list[int]:
    """Send the dead letters of one stream again (head first: the order is kept). Returns the ids changed."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = _revive(
            OutboxMessage.objects.filter(destination=destination, stream=stream, status=Status.DEAD), now=now
        )
    logger.info("outbox: %s retried %d dead messages of %s %s", by, len(changed), destination, stream)
    return changed


def retry_destination(*, destination: str, by: Any, now: dt.datetime | None = None) -> list[int]:
    """Send every dead letter of a destination again (after the receiver was fixed). Returns the ids."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = _revive(OutboxMessage.objects.filter(destination=destination, status=Status.DEAD), now=now)
    logger.info("outbox: %s retried %d dead messages of %s", by, len(changed), destination)
    return changed
