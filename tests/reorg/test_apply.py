"""Applying a plan: organization first, then every in-flight dossier moved, with its event and outbox rows."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers.models import Audience, Dossier, DossierEvent, EventKind
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.dossiers.selectors.timeline import timeline_for
from motcua.geo.models import UnitSuccession
from motcua.org.models import Agency, Position, ReceptionPoint
from motcua.outbox.models import OutboxMessage, Topic
from motcua.reorg import plans, services
from motcua.reorg.models import AgencySuccession, PlanStatus, RunState

from .conftest import AFTER, EFFECTIVE, EFFECTIVE_AT, Reorg


def _load(world: Reorg, **changes):
    return services.load_plan(text=plans.dump(world.plan(**changes)))


def _choices(world: Reorg) -> list[dict]:
    return [{"dossier": world.dossiers["d_in_c"].code, "unit": "99812"}]


def _moved(world: Reorg) -> dict[str, Dossier]:
    return {
        key: Dossier.objects.select_related("current_step").get(pk=d.pk) for key, d in world.dossiers.items()
    }


def test_apply_moves_every_in_flight_dossier_to_the_agency_competent_on_the_effective_date(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    run = services.apply_plan(plan=plan, batch=2, now=AFTER)
    assert (run.state, run.moved, run.failed, run.skipped) == (RunState.DONE, 4, 0, 0)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    n = Agency.objects.get(code="000.11.98.H46")
    m = Agency.objects.get(code="000.12.98.H46")
    d = _moved(reorg)
    assert d["a"].competent_agency == n and d["a"].step_agency == n and d["a"].place_unit.code == "99811"
    assert d["a"].current_step.agency == n and d["a"].current_step.role == "specialist"
    # The district's dossier at the head's step goes to the commune committee the new rule names.
    assert d["d_in_a"].competent_agency == n and d["d_in_a"].current_step.role == "head"
    assert d["d_in_a"].receiving_agency == n  # the district desk ended: its successor for that place
    # The split place went where the plan's choice put it.
    assert d["d_in_c"].competent_agency == m and d["d_in_c"].place_unit.code == "99812"
    # The assigned specialist of B moved to N with the plan: the assignment stays.
    assert d["b"].current_step.assignee == reorg.staff["B.specialist"].staff
    # The finished dossier keeps its agency for the statistics.
    assert d["finished"].competent_agency == reorg.agencies["A"]
    assert not d["finished"].events.filter(kind=EventKind.REORGANIZED).exists()
    for key in ("a", "b", "d_in_a", "d_in_c"):
        before, after = reorg.dossiers[key], d[key]
        assert (after.code, after.appointment_at, after.step_deadline) == (
            before.code,
            before.appointment_at,
            before.step_deadline,
        )
        replayed = replay(list(after.events.order_by("sequence")))
        expected = current_as_replayed(after)
        expected.appointments = replayed.appointments
        assert replayed == expected  # the log still tells the dossier's state, the move included
        event = after.events.get(kind=EventKind.REORGANIZED)
        assert event.audience == Audience.APPLICANT and event.data["to_agency"] == after.competent_agency_id
        messages = OutboxMessage.objects.filter(
            aggregate_type="dossier", aggregate_id=after.pk, key__contains=f":{event.sequence}:"
        )
        assert {message.topic for message in messages} >= {Topic.DOSSIER_STATUS, Topic.NOTIFY_APPLICANT}


def test_apply_closes_the_old_organization_the_day_before_and_records_the_successors(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    services.apply_plan(plan=plan, now=AFTER)
    for key in "ABCD":
        agency = Agency.objects.get(pk=reorg.agencies[key].pk)
        assert agency.valid_to == EFFECTIVE and agency.successor is not None
        assert not ReceptionPoint.objects.filter(agency=agency).valid_on(EFFECTIVE).exists()
        assert not Position.objects.filter(agency=agency).valid_on(EFFECTIVE).exists()
    assert AgencySuccession.objects.filter(plan=plan, predecessor=reorg.agencies["C"]).count() == 2
    assert UnitSuccession.objects.filter(predecessor=reorg.units["C"], partial=True).count() == 2
    assert Position.objects.valid_on(EFFECTIVE).filter(agency__code="000.11.98.H46", role="head").exists()


def test_the_finished_dossiers_of_an_ended_agency_are_read_by_its_successor_only_and_never_acted_on(reorg):
    from motcua.dossiers import access
    from motcua.dossiers.selectors import can_view

    finished = reorg.dossiers["finished"]
    now_at_n, now_at_m = reorg.staff["A.specialist"], reorg.staff["C.specialist"]  # moved by the plan
    services.apply_plan(plan=_load(reorg, choices=_choices(reorg)), now=AFTER)
    finished = Dossier.objects.get(pk=finished.pk)
    assert finished.competent_agency == reorg.agencies["A"]  # kept for the statistics

    assert can_view(dossier=finished, user=now_at_n, on=EFFECTIVE)  # UBND Tân Nhất took over UBND An Thử
    assert access.allowed_actions(user=now_at_n, dossier=finished, on=EFFECTIVE) == []
    assert not access.may(now_at_n, access.Act.RECORD_REFUND, finished, on=EFFECTIVE)
    assert not can_view(dossier=finished, user=now_at_m, on=EFFECTIVE)  # UBND Mỹ Hòa did not


def test_every_successor_of_a_split_agency_reads_its_finished_dossiers_and_a_third_agency_does_not(reorg):
    from dossiers.dossier_world import COMPLETE, T0, make_staff
    from motcua.dossiers import access
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.selectors import can_view
    from motcua.dossiers.services import ApplicantInfo
    from motcua.org.models import AgencyKind, AgencyLevel, Role

    # Refused at Cẩm Thử (C), which the plan splits between Tân Nhất (N, main: first) and Mỹ Hòa (M).
    officer = reorg.staff["C.reception_officer"]
    finished = dossier_services.refuse_reception(
        dossier=dossier_services.receive_at_counter(
            by=officer,
            reception_point=reorg.points["C"],
            procedure=reorg.commune_procedure,
            place_unit=reorg.units["C"],
            applicant_info=ApplicantInfo(name="Lê Thị Mai", id_number="046190000009"),
            documents=COMPLETE,
            now=T0,
        ),
        by=officer,
        reason="Không thuộc trường hợp giải quyết.",
        now=T0,
    )
    services.apply_plan(plan=_load(reorg, choices=_choices(reorg)), now=AFTER)

    c = Agency.objects.get(pk=reorg.agencies["C"].pk)
    n, m = Agency.objects.get(code="000.11.98.H46"), Agency.objects.get(code="000.12.98.H46")
    assert c.successor == n and set(c.successors.all()) == {n, m}
    third = (
        Agency.objects.valid_on(EFFECTIVE)
        .filter(kind=AgencyKind.PEOPLES_COMMITTEE, level=AgencyLevel.COMMUNE)
        .exclude(pk__in=[n.pk, m.pk])
        .first()
    )
    readers = {
        "N": make_staff(n, Role.SPECIALIST),
        "M": make_staff(m, Role.LEADER),
        "moved to M": reorg.staff["C.specialist"],  # C's own staff, moved to M by the plan
    }
    for who, reader in readers.items():
        assert can_view(dossier=finished, user=reader, on=EFFECTIVE), who
        assert access.allowed_actions(user=reader, dossier=finished, on=EFFECTIVE) == [], who
    outsider = make_staff(third, Role.SPECIALIST)
    assert not can_view(dossier=finished, user=outsider, on=EFFECTIVE)
    # The district division D, split the same way, is read by both as well; A (merged into N only) by N only.
    assert access.archive_agencies(user=readers["M"], on=EFFECTIVE) == {
        reorg.agencies["C"].pk,
        reorg.agencies["D"].pk,
    }
    assert access.archive_agencies(user=readers["N"], on=EFFECTIVE) == {a.pk for a in reorg.agencies.values()}


def test_the_citizen_reads_the_move_in_plain_words(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    services.apply_plan(plan=plan, now=AFTER)
    dossier = Dossier.objects.get(pk=reorg.dossiers["a"].pk)
    timeline = timeline_for(dossier=dossier, user=reorg.citizen, now=AFTER)
    texts = [entry.text for entry in timeline.entries]
    assert any("UBND xã Tân Nhất" in text and "không thay đổi" in text for text in texts), texts


def test_applying_twice_changes_nothing_the_second_time(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    services.apply_plan(plan=plan, now=AFTER)
    state = (
        list(Dossier.objects.order_by("pk").values_list("pk", "version")),
        DossierEvent.objects.count(),
        OutboxMessage.objects.count(),
        Agency.objects.count(),
        Position.objects.count(),
    )
    run = services.apply_plan(plan=plan, now=AFTER)
    assert (run.moved, run.failed) == (0, 0)
    assert state == (
        list(Dossier.objects.order_by("pk").values_list("pk", "version")),
        DossierEvent.objects.count(),
        OutboxMessage.objects.count(),
        Agency.objects.count(),
        Position.objects.count(),
    )


def test_apply_resumes_after_a_crash_in_the_middle_of_a_batch(reorg, monkeypatch):
    plan = _load(reorg, choices=_choices(reorg))
    real = services.reroute_batch
    calls = {"n": 0}

    def crash_in_second_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the machine went down")
        return real(**kwargs)

    monkeypatch.setattr(services, "reroute_batch", crash_in_second_batch)
    with pytest.raises(RuntimeError):
        services.apply_plan(plan=plan, batch=2, now=AFTER)
    run = plan.runs.get()
    assert (run.state, run.moved) == (
        RunState.RUNNING,
        2,
    )  # the first batch committed, the second rolled back
    assert DossierEvent.objects.filter(kind=EventKind.REORGANIZED).count() == 2
    monkeypatch.setattr(services, "reroute_batch", real)
    run = services.apply_plan(plan=plan, batch=2, now=AFTER)
    assert (run.state, run.moved) == (RunState.DONE, 4)
    for key in ("a", "b", "d_in_a", "d_in_c"):
        assert (
            DossierEvent.objects.filter(dossier=reorg.dossiers[key], kind=EventKind.REORGANIZED).count() == 1
        )


def test_apply_stopped_after_a_batch_resumes_where_it_stopped(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    run = services.apply_plan(plan=plan, batch=1, now=AFTER, stop_after_batches=1)
    assert (run.state, run.moved) == (RunState.RUNNING, 1)
    run = services.apply_plan(plan=plan, batch=1, now=AFTER)
    assert (run.state, run.moved, run.total) == (RunState.DONE, 4, 4)


def test_apply_before_the_effective_moment_is_refused_and_changes_nothing(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    with pytest.raises(DomainError) as refused:
        services.apply_plan(plan=plan, now=EFFECTIVE_AT - dt.timedelta(minutes=1))
    assert refused.value.code == "reorg.plan_not_yet"
    assert Agency.objects.get(pk=reorg.agencies["A"].pk).valid_to is None
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_split_place_without_a_choice_is_not_moved_and_is_retried_once_chosen(reorg):
    plan = _load(reorg)
    run = services.apply_plan(plan=plan, now=AFTER)
    assert (run.moved, run.failed) == (3, 1)
    assert run.failures[0]["dossier"] == reorg.dossiers["d_in_c"].code
    assert "cần chọn" in run.failures[0]["problem"]


def test_cancelled_plan_cannot_apply_and_an_applied_one_cannot_be_cancelled(reorg):
    plan = _load(reorg, choices=_choices(reorg))
    services.cancel_plan(plan=plan)
    with pytest.raises(DomainError) as refused:
        services.apply_plan(plan=plan, now=AFTER)
    assert refused.value.code == "reorg.plan_cancelled"
    other = services.load_plan(text=plans.dump(reorg.plan(code="thu-nghiem-2026-b", choices=_choices(reorg))))
    services.apply_plan(plan=other, now=AFTER)
    with pytest.raises(DomainError) as refused:
        services.cancel_plan(plan=other)
    assert refused.value.code == "reorg.plan_not_cancellable"
