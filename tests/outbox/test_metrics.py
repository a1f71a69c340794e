"""/metrics: Prometheus text for staff allowed to view the outbox, or a bearer token; 403 for anyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from motcua.outbox import dispatcher
from motcua.outbox.adapters import Outcome, Result
from otp_sessions import verified_session

from .conftest import DESTINATION, write

pytestmark = pytest.mark.django_db


def staff(django_user_model, username: str, *perms: str):
    user = django_user_model.objects.create_user(username=username, password="x" * 12, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="integrations", codename__in=perms)
    )
    return user


def samples(body: bytes) -> dict[tuple[str, str], float]:
    return {
        (sample.name, sample.labels.get("destination", "")): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def test_metrics_show_depth_age_counters_dead_letters_and_blocked_streams(
    receiver, django_user_model, django_assert_max_num_queries
):
    write(1, "a1", "a2")
    write(2, "b1")
    batch = dispatcher.claim(worker="w1", destination=DESTINATION, limit=10)
    dispatcher.record(
        worker="w1",
        destination=DESTINATION,
        messages=batch,
        results=[Result(batch[0].id, Outcome.REJECTED, "bad"), Result(batch[1].id, Outcome.DELIVERED)],
        started_at=timezone.now(),
    )
    client = verified_session(staff(django_user_model, "ops", "view_outboxmessage"))
    with django_assert_max_num_queries(12):  # session, user, device, permissions, then three for the metrics
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    values = samples(response.content)
    assert values[("motcua_outbox_queue_depth", DESTINATION)] == 1
    assert values[("motcua_outbox_oldest_pending_age_seconds", DESTINATION)] > 0
    assert values[("motcua_outbox_delivered_total", DESTINATION)] == 1
    assert values[("motcua_outbox_failures_total", DESTINATION)] == 1
    assert values[("motcua_outbox_redeliveries_total", DESTINATION)] == 0
    assert values[("motcua_outbox_dead_letters", DESTINATION)] == 1
    assert values[("motcua_outbox_blocked_streams", DESTINATION)] == 1
    assert values[("motcua_outbox_queue_depth", "national_portal")] == 0  # routed, no adapter yet


def test_staff_without_the_view_permission_and_anonymous_clients_get_403(django_user_model):
    assert Client().get("/metrics").status_code == 403
    client = verified_session(staff(django_user_model, "clerk"))
    assert client.get("/metrics").status_code == 403


def test_a_password_only_session_is_not_enough(client, django_user_model):
    client.force_login(staff(django_user_model, "ops", "view_outboxmessage"))
    assert client.get("/metrics").status_code == 403


def test_the_bearer_token_opens_the_metrics_and_a_wrong_or_disabled_one_does_not(settings):
    settings.MOTCUA_METRICS_TOKEN = "scrape-secret-0123456789"
    client = Client()
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-0123456789"}).status_code
        == 200
    )
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert (
        client.get("/metrics", headers={"Authorization": "Basic scrape-secret-0123456789"}).status_code == 403
    )
    settings.MOTCUA_METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403
