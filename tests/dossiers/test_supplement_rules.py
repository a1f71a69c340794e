"""Supplements during processing (form 02), from the rules of docs/legal-basis.md section 8:
the officer lists everything missing once, the time limit runs from receipt of the complete dossier (the
version's ``supplement_clock``), more than one request counts the dossier late (Decision 766/QĐ-TTg
indicator 2.1), a version may set a deadline for asking, and the one-stop desk asks before the receipt."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import Action, ProcedureVersion, SupplementClock, WorkflowStep
from motcua.core.errors import DomainError, FieldError
from motcua.dossiers import lookups, selectors, services
from motcua.dossiers.models import EventKind, State
from motcua.dossiers.status import TimeStatus, time_status

from .dossier_world import T0, accepted, to_review

H = dt.timedelta(hours=1)
WEEK = dt.timedelta(days=7)


def _ask(world, dossier, now, **extra):
    return services.request_supplement(
        dossier=dossier,
        by=world.specialist_pv,
        missing=["XNTT"],
        reason="Giấy xác nhận đã hết hạn",
        now=now,
        **extra,
    )


def _supply(world, dossier, now):
    return services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[services.DocumentInput(code="XNTT")], now=now
    )


def _version(world, **changes):
    ProcedureVersion.objects.filter(pk=world.version.pk).update(**changes)


def _requested(dossier):
    return list(dossier.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED).order_by("sequence"))


# Received Monday 9 March 2026 08:00 with a limit of 3 working days (due Thursday 12 March); the specialist
# asks on Wednesday 11 March 10:00 and the citizen brings the document a week later.
ASKED = T0 + dt.timedelta(days=2, hours=2)
SUPPLIED = ASKED + WEEK


def _local_day(moment):
    return moment.astimezone(T0.tzinfo).date()


def test_resume_is_the_default_and_the_time_already_spent_still_counts(world):
    assert world.version.supplement_clock == SupplementClock.RESUME
    dossier = to_review(world)
    before = dossier.appointment_at
    dossier = _supply(world, _ask(world, dossier, ASKED), SUPPLIED)
    assert dossier.appointment_at - before == WEEK  # five working days waited, nothing more
    assert _local_day(dossier.appointment_at) == dt.date(2026, 3, 19)


def test_a_restart_version_gives_the_full_time_limit_from_the_complete_dossier(world):
    _version(world, supplement_clock=SupplementClock.RESTART)
    dossier = _supply(world, _ask(world, to_review(world), ASKED), SUPPLIED)
    full = lookups.appointment_for(
        version=dossier.procedure_version, received_at=SUPPLIED, agency_id=dossier.competent_agency_id
    )
    assert dossier.appointment_at == full
    # Three whole working days from Wednesday 18 March, not the day and a half left before the request.
    assert _local_day(dossier.appointment_at) == dt.date(2026, 3, 23)


def test_the_old_global_setting_is_gone(settings):
    assert not hasattr(settings, "MOTCUA_SUPPLEMENT_CLOCK")


def test_a_second_request_needs_the_reason_it_was_not_listed_the_first_time(world):
    dossier = _supply(world, _ask(world, to_review(world), T0 + 2 * H), T0 + 3 * H)
    with pytest.raises(FieldError) as error:
        _ask(world, dossier, T0 + 4 * H)
    assert error.value.code == "supplement.repeat_reason"
    assert error.value.field == "explanation"
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.supplement_count == 1  # nothing changed
    dossier = _ask(world, dossier, T0 + 4 * H, explanation="Bản sao mới nộp bị mờ, không đọc được")
    first, second = _requested(dossier)
    assert "repeat" not in first.data and first.data["number"] == 1
    assert second.data["repeat"] is True and second.data["number"] == 2
    assert second.data["explanation"] == "Bản sao mới nộp bị mờ, không đọc được"


def _stop(world, dossier, at):
    """Ended early by a stop notice (form 05): the specialist proposes, the competent leader signs."""
    notice = services.propose_stop(
        dossier=dossier, by=world.specialist_pv, reasons="Không đủ điều kiện", now=at
    )
    return services.sign_stop(notice=notice, by=world.leader_pv, now=at)


def test_a_dossier_with_two_supplement_requests_counts_late_even_when_finished_early(world):
    dossier = _supply(world, _ask(world, to_review(world), T0 + 2 * H), T0 + 3 * H)
    dossier = _ask(world, dossier, T0 + 4 * H, explanation="Bản sao mới nộp bị mờ")
    dossier = _supply(world, dossier, T0 + 5 * H)
    dossier = _stop(world, dossier, T0 + 6 * H)
    assert dossier.closed_at < dossier.appointment_at
    assert time_status(dossier=dossier, now=T0 + 6 * H) == TimeStatus.OVERDUE


def test_one_supplement_request_alone_does_not_make_a_dossier_late(world):
    dossier = _supply(world, _ask(world, to_review(world), T0 + 2 * H), T0 + 3 * H)
    dossier = _stop(world, dossier, T0 + 4 * H)
    assert time_status(dossier=dossier, now=T0 + 4 * H) == TimeStatus.ON_TIME


def test_a_request_after_the_versions_deadline_needs_a_reason_and_is_marked_late(world):
    _version(world, supplement_request_days=1)
    dossier = to_review(world)  # received Monday 08:00: the deadline for asking is Tuesday 08:00
    late = T0 + dt.timedelta(days=1, hours=2)
    with pytest.raises(FieldError) as error:
        _ask(world, dossier, late)
    assert error.value.code == "supplement.late_reason"
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
    dossier = _ask(world, dossier, late, explanation="Chờ kết quả xác minh của cơ quan khác")
    (event,) = _requested(dossier)
    assert event.data["late"] is True
    assert dt.datetime.fromisoformat(event.data["request_deadline"]) == T0 + dt.timedelta(days=1)
    # The citizen's supplement is never refused for the officer's lateness.
    assert _supply(world, dossier, late + H).state == State.IN_PROCESS


def test_a_request_within_the_deadline_needs_no_extra_reason(world):
    _version(world, supplement_request_days=1)
    dossier = _ask(world, to_review(world), T0 + 2 * H)
    (event,) = _requested(dossier)
    assert "late" not in event.data and "explanation" not in event.data


def test_the_reception_desk_cannot_ask_for_a_supplement_after_the_receipt(world):
    WorkflowStep.objects.filter(workflow__version=world.version, code="tiep_nhan").update(
        actions=[Action.FORWARD, Action.REQUEST_SUPPLEMENT]
    )
    dossier = accepted(world)
    assert dossier.current_step.step.code == "tiep_nhan"
    assert "request_supplement" not in selectors.allowed_actions(
        dossier=dossier, user=world.officer_px, now=T0 + H
    )
    with pytest.raises(DomainError) as error:
        services.request_supplement(
            dossier=dossier, by=world.officer_px, missing=["XNTT"], reason="Thiếu giấy", now=T0 + H
        )
    assert error.value.code == "supplement.reception_step"
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.supplement_count == 0
