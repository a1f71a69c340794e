"""Events are immutable, written with the change and its outbox messages in one transaction, and replay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent, EventKind, ImmutableError
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.outbox.models import OutboxMessage, Topic
from motcua.outbox.services import enqueue

from .dossier_world import T0, receive_px_for_pv, to_review

H = dt.timedelta(hours=1)


def test_events_cannot_be_changed_or_deleted(world):
    dossier = receive_px_for_pv(world)
    event = dossier.events.get()
    event.reason = "sửa lịch sử"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()


def test_each_event_records_who_when_from_where_what_and_why(world):
    dossier = to_review(world)
    dossier = services.perform(
        dossier=dossier,
        by=world.specialist_pv,
        action="return",
        target_step="tiep_nhan",
        reason="Thiếu chữ ký trên tờ khai",
        now=T0 + 2 * H,
        origin="10.0.0.7",
    )
    event = dossier.events.order_by("-sequence").first()
    assert event.actor == world.specialist_pv
    assert event.actor_agency == world.ubnd_phu_vang
    assert event.at == T0 + 2 * H
    assert event.origin == "10.0.0.7"
    assert (event.kind, event.action, event.reason) == (
        EventKind.STEP_ACTION,
        "return",
        "Thiếu chữ ký trên tờ khai",
    )
    assert event.data["from_step"] == "tham_dinh"
    assert list(dossier.events.values_list("sequence", flat=True)) == [1, 2, 3, 4]


def test_every_event_has_a_national_status_outbox_message(world):
    dossier = to_review(world)
    events = dossier.events.count()
    messages = OutboxMessage.objects.filter(topic=Topic.DOSSIER_STATUS, aggregate_id=str(dossier.pk))
    assert messages.count() == events
    last = messages.order_by("-id").first()
    assert last.payload["dossier_code"] == dossier.code
    assert last.payload["national_status"] == 4
    assert last.province_code == "46"


def test_a_refused_action_leaves_no_event_and_no_outbox_message(world):
    dossier = to_review(world)
    events, messages = DossierEvent.objects.count(), OutboxMessage.objects.count()
    with pytest.raises(DomainError):
        services.perform(dossier=dossier, by=world.specialist_pv, action="sign", now=T0 + 2 * H)
    assert (DossierEvent.objects.count(), OutboxMessage.objects.count()) == (events, messages)
    dossier.refresh_from_db()
    assert dossier.current_step.step.code == "tham_dinh"


def test_enqueue_refuses_to_run_outside_a_transaction_and_deduplicates_by_key(world):
    with transaction.atomic():
        first = enqueue(
            topic=Topic.NOTIFY_STAFF,
            province_code="46",
            aggregate_type="x",
            aggregate_id=1,
            payload={"a": 1},
            key="same",
        )
        again = enqueue(
            topic=Topic.NOTIFY_STAFF,
            province_code="46",
            aggregate_type="x",
            aggregate_id=1,
            payload={"a": 2},
            key="same",
        )
    assert first.pk == again.pk


def test_the_event_log_replays_to_the_current_state(world):
    dossier = to_review(world)
    dossier = services.request_supplement(
        dossier=dossier, by=world.specialist_pv, missing=["TK"], reason="Ký thiếu", now=T0 + 2 * H
    )
    dossier = services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[services.DocumentInput(code="TK")], now=T0 + 26 * H
    )
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 27 * H)
    dossier.refresh_from_db()
    replayed = replay(dossier.events.order_by("sequence"))
    expected = current_as_replayed(dossier)
    expected.appointments = replayed.appointments
    assert replayed == expected
    assert [kind for kind, _ in replayed.appointments] == [EventKind.RECEIVED, EventKind.SUPPLEMENT_PROVIDED]


def test_internal_work_is_recorded_for_staff_and_decisions_for_the_applicant(world):
    dossier = to_review(world)
    consultation = services.consult(
        dossier=dossier, by=world.specialist_pv, agency=world.department, question="Hỏi", now=T0 + 2 * H
    )
    dossier = services.answer_consultation(
        consultation=consultation, by=world.dept_specialist, answer="Trả lời", now=T0 + 3 * H
    )
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 4 * H)
    dossier = services.perform(
        dossier=dossier, by=world.head_pv, action="return", reason="Thẩm định lại", now=T0 + 5 * H
    )
    dossier = services.request_supplement(
        dossier=dossier, by=world.specialist_pv, missing=["XNTT"], reason="Bổ sung", now=T0 + 6 * H
    )
    audiences = [(e.kind, e.action, e.audience) for e in dossier.events.order_by("sequence")]
    assert audiences == [
        ("submitted", "", "applicant"),
        ("received", "", "applicant"),
        ("step_action", "forward", "staff"),
        ("consultation_requested", "consult", "staff"),
        ("consultation_answered", "", "staff"),
        ("step_action", "forward", "staff"),
        ("step_action", "return", "staff"),
        ("supplement_requested", "request_supplement", "applicant"),
    ]
