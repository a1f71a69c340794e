"""Fixtures for the delivery machinery: a real HTTP receiver and the settings that route to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.outbox import registry
from motcua.outbox.models import OutboxMessage, Topic
from motcua.outbox.services import OutboxItem, enqueue_many

from .receiver import Receiver

DESTINATION = "receiver"


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """The receiver running, ``notify.staff`` routed to it, its adapter configured, no backoff wait."""
    with Receiver() as running:
        settings.MOTCUA_OUTBOX_ROUTES = {**settings.MOTCUA_OUTBOX_ROUTES, Topic.NOTIFY_STAFF: [DESTINATION]}
        settings.MOTCUA_OUTBOX_ADAPTERS = {
            DESTINATION: {"ADAPTER": "outbox.receiver.ReceiverAdapter", "OPTIONS": {"url": running.url}}
        }
        settings.MOTCUA_OUTBOX_BACKOFF_SECONDS = 0
        settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = 0
        try:
            yield running
        finally:
            registry.reset()


def write(stream: str | int, *keys: str, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Messages of one stream (aggregate ``staff:<stream>``) to the receiver, in order."""
    with transaction.atomic():
        return enqueue_many(
            province_code="46",
            aggregate_type="staff",
            aggregate_id=stream,
            items=[OutboxItem(topic=Topic.NOTIFY_STAFF, key=key, payload={"k": key}) for key in keys],
            now=now or timezone.now() - dt.timedelta(seconds=1),
        )
