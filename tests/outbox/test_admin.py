"""The outbox admin: messages with their attempts, the blocked streams page and the operators' actions."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.utils import timezone

from motcua.outbox import dispatcher
from motcua.outbox.adapters import Outcome, Result
from motcua.outbox.models import OutboxMessage, Status
from otp_sessions import verified_session

from .conftest import DESTINATION, write

pytestmark = pytest.mark.django_db

BLOCKED = "/admin/integrations/outboxmessage/blocked/"
ACT = "/admin/integrations/outboxmessage/blocked/act/"
CHANGELIST = "/admin/integrations/outboxmessage/"


def dead_heads(*streams: int) -> list[OutboxMessage]:
    """Each stream gets a dead head and one message waiting behind it."""
    for stream in streams:
        write(stream, f"h{stream}", f"t{stream}")
    batch = dispatcher.claim(worker="w1", destination=DESTINATION, limit=100)
    dispatcher.record(
        worker="w1",
        destination=DESTINATION,
        messages=batch,
        results=[Result(m.id, Outcome.REJECTED, "03 invalid field MaTTHC") for m in batch],
        started_at=timezone.now(),
    )
    return batch


def operator(django_user_model, *perms: str):
    user = django_user_model.objects.create_user(username="vanhanh", password="x" * 12, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="integrations", codename__in=perms)
    )
    return verified_session(user)


def test_the_list_the_message_with_its_attempts_and_the_blocked_page_load(receiver, admin_client):
    [head] = dead_heads(1)
    assert admin_client.get(CHANGELIST, {"status": "dead", "destination": DESTINATION}).status_code == 200
    assert admin_client.get(CHANGELIST, {"q": "h1"}).status_code == 200
    page = admin_client.get(f"{CHANGELIST}{head.pk}/change/")
    assert page.status_code == 200
    assert "03 invalid field MaTTHC" in page.content.decode()
    blocked = admin_client.get(BLOCKED)
    assert blocked.status_code == 200
    assert "staff:1" in blocked.content.decode()
    assert [b.head.pk for b in blocked.context["streams"]] == [head.pk]
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_retry_stream_from_the_blocked_page_unblocks_it_and_is_logged(receiver, admin_client):
    [head] = dead_heads(1)
    response = admin_client.post(
        ACT, {"action": "retry_stream", "destination": DESTINATION, "stream": "staff:1"}
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.status, head.attempts) == (Status.PENDING, 0)
    assert LogEntry.objects.filter(object_id=str(head.pk), change_message="retried with its stream").exists()
    assert [m.key for m in dispatcher.claim(worker="w2", destination=DESTINATION, limit=10)] == ["h1"]


def test_skip_head_needs_a_reason_and_then_unblocks_the_stream(receiver, admin_client):
    [head] = dead_heads(1)
    admin_client.post(
        ACT, {"action": "skip_head", "destination": DESTINATION, "message": head.pk, "reason": " "}
    )
    head.refresh_from_db()
    assert head.status == Status.DEAD
    admin_client.post(
        ACT, {"action": "skip_head", "destination": DESTINATION, "message": head.pk, "reason": "đã nhập tay"}
    )
    head.refresh_from_db()
    assert head.status == Status.SKIPPED and "đã nhập tay" in head.last_error
    assert [m.key for m in dispatcher.claim(worker="w2", destination=DESTINATION, limit=10)] == ["t1"]


def test_retry_all_of_a_destination(receiver, admin_client):
    heads = dead_heads(1, 2)
    admin_client.post(ACT, {"action": "retry_destination", "destination": DESTINATION})
    assert set(
        OutboxMessage.objects.filter(pk__in=[h.pk for h in heads]).values_list("status", flat=True)
    ) == {Status.PENDING}


def test_the_changelist_actions_retry_and_skip(receiver, admin_client):
    first, second = dead_heads(1, 2)
    admin_client.post(CHANGELIST, {"action": "retry_selected", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == Status.PENDING
    confirm = admin_client.post(CHANGELIST, {"action": "skip_selected", "_selected_action": [second.pk]})
    assert confirm.status_code == 200 and "reason" in confirm.content.decode()
    admin_client.post(
        CHANGELIST, {"action": "skip_selected", "_selected_action": [second.pk], "reason": "nơi nhận đã có"}
    )
    second.refresh_from_db()
    assert second.status == Status.SKIPPED


def test_a_viewer_sees_the_page_but_may_not_retry_or_skip(receiver, django_user_model):
    [head] = dead_heads(1)
    client = operator(django_user_model, "view_outboxmessage")
    page = client.get(BLOCKED)
    assert page.status_code == 200 and not page.context["may_operate"]
    response = client.post(ACT, {"action": "retry_stream", "destination": DESTINATION, "stream": "staff:1"})
    assert response.status_code == 403
    client.post(CHANGELIST, {"action": "retry_selected", "_selected_action": [head.pk]})
    head.refresh_from_db()
    assert head.status == Status.DEAD


def test_an_operator_with_the_change_permission_may_retry(receiver, django_user_model):
    [head] = dead_heads(1)
    client = operator(django_user_model, "view_outboxmessage", "change_outboxmessage")
    client.post(ACT, {"action": "retry_stream", "destination": DESTINATION, "stream": "staff:1"})
    head.refresh_from_db()
    assert head.status == Status.PENDING
    assert client.get(f"{CHANGELIST}{head.pk}/change/").status_code == 200  # still read-only, never edited
