"""Writes to the outbox. Call ``enqueue`` inside the transaction that makes the change it reports."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.outbox.models import OutboxMessage, Topic


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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_many() must run inside the transaction of the change it reports")
    now = now or timezone.now()
    stream = stream_of(aggregate_type, aggregate_id)
    rows = [
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
    return OutboxMessage.objects.bulk_create(rows) if rows else []
