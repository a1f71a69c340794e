"""enqueue and enqueue_many write one row per destination of the topic (MOTCUA_OUTBOX_ROUTES)."""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.outbox.models import OutboxMessage, Status, Topic
from motcua.outbox.services import OutboxItem, enqueue, enqueue_many

pytestmark = pytest.mark.django_db


def test_a_topic_routed_to_two_destinations_writes_one_row_for_each_with_the_same_key(settings):
    settings.MOTCUA_OUTBOX_ROUTES = {Topic.NOTIFY_STAFF: ["sms", "email"], Topic.NOTIFY_APPLICANT: []}
    with transaction.atomic():
        first = enqueue(
            topic=Topic.NOTIFY_STAFF,
            province_code="46",
            aggregate_type="dossier",
            aggregate_id=7,
            payload={},
            key="k1",
        )
        again = enqueue(
            topic=Topic.NOTIFY_STAFF,
            province_code="46",
            aggregate_type="dossier",
            aggregate_id=7,
            payload={},
            key="k1",
        )
        nowhere = enqueue(
            topic=Topic.NOTIFY_APPLICANT,
            province_code="46",
            aggregate_type="dossier",
            aggregate_id=7,
            payload={},
        )
    rows = OutboxMessage.objects.filter(key="k1").order_by("destination")
    assert [(m.destination, m.stream, m.status) for m in rows] == [
        ("email", "dossier:7", Status.PENDING),
        ("sms", "dossier:7", Status.PENDING),
    ]
    assert first is not None and again is not None and first.pk == again.pk
    assert nowhere is None
    assert not OutboxMessage.objects.filter(topic=Topic.NOTIFY_APPLICANT).exists()


def test_enqueue_many_routes_each_item_by_its_topic(settings):
    settings.MOTCUA_OUTBOX_ROUTES = {
        Topic.DOSSIER_STATUS: ["national_portal"],
        Topic.NOTIFY_APPLICANT: ["a", "b"],
    }
    with transaction.atomic():
        rows = enqueue_many(
            province_code="46",
            aggregate_type="dossier",
            aggregate_id=9,
            items=[
                OutboxItem(topic=Topic.DOSSIER_STATUS, key="s1"),
                OutboxItem(topic=Topic.NOTIFY_APPLICANT, key="n1"),
                OutboxItem(topic=Topic.NOTIFY_STAFF, key="x1"),
            ],
        )
    assert sorted((m.key, m.destination) for m in rows) == [
        ("n1", "a"),
        ("n1", "b"),
        ("s1", "national_portal"),
    ]
    assert OutboxMessage.objects.filter(key__in=["s1", "n1", "x1"]).count() == 3


def test_the_default_routes_send_status_to_the_national_portal_and_intake_is_a_topic():
    with transaction.atomic():
        message = enqueue(
            topic=Topic.NATIONAL_INTAKE,
            province_code="46",
            aggregate_type="intake",
            aggregate_id="G1",
            payload={},
        )
    assert message is not None and message.destination == "national_portal"
    assert message.topic == "national.intake"
