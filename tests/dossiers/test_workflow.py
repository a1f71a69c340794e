"""The workflow engine: steps, routing, allowed actions, supplements, consultations, refusals, apologies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import lookups, selectors, services
from motcua.dossiers.models import EventKind, NationalStatus, State, StepOutcome
from motcua.dossiers.status import TimeStatus, time_status
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_world import T0, accepted, move, to_review

H = dt.timedelta(hours=1)


def walk_to_result(world, dossier, start):
    """Head approves, leader signs, clerk numbers (Phú Vang); returns the dossier at the hand-over step."""
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=start)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=start + H)
    dossier = move(dossier=dossier, by=world.leader_pv, action="sign", now=start + 2 * H)
    return services.perform(dossier=dossier, by=world.clerk_pv, action="issue_number", now=start + 3 * H)


def test_a_dossier_received_in_phu_xuan_is_processed_in_phu_vang_and_returned_in_phu_xuan(world):
    dossier = to_review(world)
    assert dossier.current_step.agency == world.ubnd_phu_vang
    assert dossier.national_status == NationalStatus.IN_PROCESS
    dossier = walk_to_result(world, dossier, T0 + 2 * H)
    assert dossier.state == State.RESULT_READY
    assert dossier.national_status == NationalStatus.PROCESSED
    assert dossier.current_step.agency == world.ubnd_phu_xuan
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="return_result", now=T0 + 7 * H)
    assert dossier.state == State.RETURNED
    assert dossier.national_status == NationalStatus.RETURNED
    assert dossier.current_step is None
    agencies = [s.agency for s in dossier.steps.order_by("sequence")]
    assert agencies == [world.ubnd_phu_xuan] + [world.ubnd_phu_vang] * 4 + [world.ubnd_phu_xuan]
    assert time_status(dossier=dossier, now=T0 + 7 * H) == TimeStatus.ON_TIME
    assert set(dossier.steps.values_list("outcome", flat=True)) <= {StepOutcome.EARLY, StepOutcome.ON_TIME}


def test_every_step_deadline_comes_from_its_allotment_in_working_hours(world):
    dossier = to_review(world)
    step = dossier.current_step
    assert step.started_at == T0 + H
    assert lookups.working_hours_between(start=step.started_at, end=step.deadline) == Decimal(8)
    assert step.deadline.astimezone(T0.tzinfo).date() == dt.date(2026, 3, 10)


def test_only_staff_with_the_step_role_at_the_step_agency_may_act(world):
    dossier = to_review(world)
    for outsider in (world.specialist_px, world.head_pv, world.citizen):
        with pytest.raises(DomainError) as error:
            services.perform(dossier=dossier, by=outsider, action="forward", now=T0 + 2 * H)
        assert error.value.code == "step.not_allowed"
    services.perform(dossier=dossier, by=world.specialist2_pv, action="forward", now=T0 + 2 * H)


def test_an_assigned_step_is_taken_only_by_its_assignee(world):
    dossier = to_review(world)
    dossier = services.assign_step(
        dossier=dossier, by=world.head_pv, assignee=world.specialist_pv.staff, now=T0 + 2 * H
    )
    with pytest.raises(DomainError) as error:
        services.perform(dossier=dossier, by=world.specialist2_pv, action="forward", now=T0 + 3 * H)
    assert error.value.code == "step.assigned_to_other"
    assert selectors.inbox_for(user=world.specialist2_pv, now=T0 + 3 * H).filter(pk=dossier.pk).count() == 0
    assert selectors.inbox_for(user=world.specialist_pv, now=T0 + 3 * H).filter(pk=dossier.pk).count() == 1
    services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 3 * H)


def test_actions_outside_the_step_definition_are_refused(world):
    dossier = to_review(world)
    for action in ("approve", "sign", "issue_number", "return_result"):
        with pytest.raises(DomainError) as error:
            services.perform(dossier=dossier, by=world.specialist_pv, action=action, now=T0 + 2 * H)
        assert error.value.code == "action.not_allowed"
    # The step lists refuse, but a specialist never ends a dossier (only the competent agency's leader does).
    assert selectors.allowed_actions(dossier=dossier, user=world.specialist_pv, now=T0 + 2 * H) == [
        "forward",
        "return",
        "request_supplement",
        "consult",
    ]
    assert selectors.allowed_actions(dossier=dossier, user=world.head_pv, now=T0 + 2 * H) == []


def test_return_goes_back_to_an_earlier_step_and_needs_a_reason(world):
    dossier = to_review(world)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    with pytest.raises(DomainError) as error:
        services.perform(dossier=dossier, by=world.head_pv, action="return", now=T0 + 3 * H)
    assert error.value.code == "reason.required"
    dossier.refresh_from_db()
    dossier = services.perform(
        dossier=dossier, by=world.head_pv, action="return", reason="Thiếu ý kiến thẩm định", now=T0 + 3 * H
    )
    assert dossier.current_step.step.code == "tham_dinh"
    assert (
        dossier.events.filter(kind=EventKind.STEP_ACTION, action="return").get().reason
        == "Thiếu ý kiến thẩm định"
    )


def test_supplement_stops_the_clock_and_resumes_at_the_same_step(world):
    dossier = to_review(world)
    before = dossier.appointment_at
    step_deadline = dossier.current_step.deadline
    paused = T0 + 2 * H  # Monday 10:00
    dossier = services.request_supplement(
        dossier=dossier,
        by=world.specialist_pv,
        missing=["XNTT"],
        reason="Giấy xác nhận đã hết hạn",
        now=paused,
    )
    assert dossier.state == State.SUPPLEMENT
    assert dossier.national_status == NationalStatus.SUPPLEMENT
    # While waiting a week, nothing becomes overdue.
    assert time_status(dossier=dossier, now=paused + dt.timedelta(days=7)) == TimeStatus.ON_TIME
    with pytest.raises(DomainError):
        services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=paused + H)
    supplied = paused + dt.timedelta(days=7)  # the next Monday 10:00: five working days later
    dossier = services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[services.DocumentInput(code="XNTT")], now=supplied
    )
    assert dossier.state == State.IN_PROCESS
    assert dossier.current_step.step.code == "tham_dinh"
    assert dossier.appointment_at - before == dt.timedelta(days=7)
    assert dossier.current_step.deadline - step_deadline == dt.timedelta(days=7)
    assert dossier.supplement_count == 1


def test_refused_after_review_by_the_leader_with_a_reason(world):
    dossier = to_review(world)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=T0 + 3 * H)
    with pytest.raises(DomainError) as error:
        services.perform(dossier=dossier, by=world.leader_pv, action="refuse", now=T0 + 4 * H)
    assert error.value.code == "reason.required"
    dossier.refresh_from_db()
    dossier = services.perform(
        dossier=dossier,
        by=world.leader_pv,
        action="refuse",
        reason="Một bên đang có vợ (Điều 5 Luật HN&GĐ)",
        now=T0 + 4 * H,
    )
    assert dossier.state == State.STOPPED
    assert dossier.national_status == NationalStatus.STOPPED
    assert dossier.current_step is None
    assert OutboxMessage.objects.filter(topic=Topic.NOTIFY_APPLICANT, payload__event="stopped").exists()


def test_consulting_another_agency_waits_for_its_answer(world):
    dossier = to_review(world)
    consultation = services.consult(
        dossier=dossier,
        by=world.specialist_pv,
        agency=world.department,
        question="Xin ý kiến về yếu tố nước ngoài",
        now=T0 + 2 * H,
    )
    dossier.refresh_from_db()
    assert dossier.state == State.CONSULTING
    with pytest.raises(DomainError):
        services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 3 * H)
    assert list(selectors.open_consultations_for(user=world.dept_specialist, now=T0 + 3 * H)) == [
        consultation
    ]
    with pytest.raises(DomainError) as error:
        services.answer_consultation(
            consultation=consultation, by=world.specialist_px, answer="Đồng ý", now=T0 + 3 * H
        )
    assert error.value.code == "consult.forbidden"
    dossier = services.answer_consultation(
        consultation=consultation, by=world.dept_specialist, answer="Không có vướng mắc", now=T0 + 4 * H
    )
    assert dossier.state == State.IN_PROCESS
    assert dossier.current_step.step.code == "tham_dinh"
    # The consulted agency now sees the dossier.
    assert selectors.can_view(dossier=dossier, user=world.dept_specialist, on=T0.date())
    services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 5 * H)


def test_an_apology_signed_in_time_moves_the_appointment_and_a_late_dossier_stays_late(world):
    dossier = to_review(world)
    first = dossier.appointment_at  # Thursday 12 March 2026, 17:00
    wednesday = dt.datetime(2026, 3, 11, 9, 0, tzinfo=first.tzinfo)  # the last day an apology may be issued
    assert dossier in selectors.dossiers_needing_apology(agency_id=world.ubnd_phu_vang.pk, now=wednesday)
    new_date = first + dt.timedelta(days=2)
    notice = services.draft_apology(
        dossier=dossier,
        by=world.specialist_pv,
        reason="Chờ xác minh tại nơi cư trú",
        new_appointment_at=new_date,
        now=wednesday,
    )
    dossier.refresh_from_db()
    assert dossier not in selectors.dossiers_needing_apology(agency_id=world.ubnd_phu_vang.pk, now=wednesday)
    with pytest.raises(DomainError) as error:
        services.sign_apology(notice=notice, by=world.head_pv, now=wednesday)
    assert error.value.code == "apology.forbidden"
    dossier = services.sign_apology(notice=notice, by=world.leader_pv, now=wednesday)
    assert dossier.appointment_at == new_date
    assert dossier.initial_appointment_at == first
    signed = dossier.events.get(kind=EventKind.APOLOGY_SIGNED)
    assert signed.actor == world.leader_pv
    assert signed.data["first_appointment"] == first.astimezone(dt.UTC).isoformat()
    assert signed.data["appointment"] == new_date.astimezone(dt.UTC).isoformat()
    message = OutboxMessage.objects.get(topic=Topic.NOTIFY_APPLICANT, payload__event="apology_signed")
    assert message.payload["initial_appointment_at"] == signed.data["first_appointment"]
    # Lateness is measured against the first appointment: past it the dossier is late despite the apology.
    late = first + dt.timedelta(hours=1)
    assert time_status(dossier=dossier, now=late) == TimeStatus.OVERDUE


def test_due_soon_follows_the_configured_threshold(world, settings):
    dossier = to_review(world)
    four_hours_before = next(
        moment
        for k in range(1, 200)
        if lookups.working_hours_between(
            start=(moment := dossier.appointment_at - k * dt.timedelta(minutes=30)),
            end=dossier.appointment_at,
        )
        == Decimal(4)
    )
    settings.MOTCUA_DUE_SOON_HOURS = 2
    assert time_status(dossier=dossier, now=four_hours_before) == TimeStatus.ON_TIME
    settings.MOTCUA_DUE_SOON_HOURS = 8
    assert time_status(dossier=dossier, now=four_hours_before) == TimeStatus.DUE_SOON


def test_the_citizen_requests_withdrawal_and_the_open_step_closes_when_the_leader_accepts(world):
    dossier = to_review(world)
    with pytest.raises(DomainError):
        services.request_withdrawal(
            dossier=dossier, by=world.stranger, reason="Không cần nữa", now=T0 + 2 * H
        )
    dossier.refresh_from_db()
    request = services.request_withdrawal(
        dossier=dossier, by=world.citizen, reason="Không cần nữa", now=T0 + 2 * H
    )
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.national_status == NationalStatus.WITHDRAWN
    dossier = services.accept_withdrawal(
        request=request, by=world.leader_pv, originals_returned="Tờ khai", now=T0 + 3 * H
    )
    assert dossier.state == State.WITHDRAWN
    assert dossier.national_status == NationalStatus.WITHDRAWN
    assert not dossier.steps.filter(finished_at__isnull=True).exists()


def test_a_stale_copy_gets_a_clear_conflict_message(world):
    dossier = to_review(world)
    stale = type(dossier).objects.get(pk=dossier.pk)
    services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    with pytest.raises(DomainError) as error:
        services.perform(dossier=stale, by=world.specialist2_pv, action="forward", now=T0 + 2 * H)
    assert error.value.code == "dossier.conflict"
    assert "người khác" in str(error.value)


def test_a_step_finished_after_its_deadline_is_late_on_the_control_slip(world):
    dossier = accepted(world)
    too_late = dossier.current_step.deadline + dt.timedelta(hours=3)
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="forward", now=too_late)
    first = dossier.steps.get(sequence=1)
    assert first.outcome == StepOutcome.LATE
    assert first.spent_hours > Decimal(4)
