"""Migration 0004 gives existing rows a status, a stream and the destinations of their topic."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from motcua.outbox.models import OutboxMessage, Status, Topic

pytestmark = pytest.mark.django_db


def test_existing_rows_are_routed_delivered_or_pending_by_delivered_at(settings):
    route_existing_rows = importlib.import_module(
        "motcua.outbox.migrations.0004_delivery"
    ).route_existing_rows
    settings.MOTCUA_OUTBOX_ROUTES = {
        Topic.DOSSIER_STATUS: ["national_portal", "archive"],
        Topic.NOTIFY_STAFF: [],
    }
    now = timezone.now()
    common = {"province_code": "46", "aggregate_type": "dossier", "created_at": now, "available_at": now}
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                topic=Topic.DOSSIER_STATUS, aggregate_id="1", key="old-sent", delivered_at=now, **common
            ),
            OutboxMessage(topic=Topic.DOSSIER_STATUS, aggregate_id="1", key="old-waiting", **common),
            OutboxMessage(topic=Topic.NOTIFY_STAFF, aggregate_id="2", key="old-nowhere", **common),
        ]
    )

    route_existing_rows(apps, None)

    rows = {
        (m.key, m.destination): (m.status, m.stream)
        for m in OutboxMessage.objects.filter(key__startswith="old-")
    }
    assert rows == {
        ("old-sent", "national_portal"): (Status.DELIVERED, "dossier:1"),
        ("old-sent", "archive"): (Status.DELIVERED, "dossier:1"),
        ("old-waiting", "national_portal"): (Status.PENDING, "dossier:1"),
        ("old-waiting", "archive"): (Status.PENDING, "dossier:1"),
        ("old-nowhere", "unrouted"): (Status.SKIPPED, "dossier:2"),
    }
