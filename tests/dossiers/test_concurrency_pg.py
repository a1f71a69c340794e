"""Real concurrent connections on PostgreSQL: one winner per dossier action, gap-free codes, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from concurrency import run_concurrently
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInfo
from motcua.org.models import ReceptionPoint, ReceptionPointKind, Role

from .dossier_world import COMPLETE, T0, accepted, build_world, make_staff, receive_px_for_pv, to_review

LATER = T0 + dt.timedelta(hours=2)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reload_world_after_module"),
]


def test_two_officers_acting_on_the_same_dossier_at_once_exactly_one_wins():
    world = build_world()
    dossier = accepted(world)
    copies = [Dossier.objects.get(pk=dossier.pk), Dossier.objects.get(pk=dossier.pk)]
    officers = [world.officer_px, world.officer_px]
    results = run_concurrently(
        2, lambda i: services.perform(dossier=copies[i], by=officers[i], action="forward", now=T0)
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "dossier.conflict"
    dossier.refresh_from_db()
    assert dossier.steps.count() == 2
    assert dossier.events.filter(kind="step_action").count() == 1


def test_many_concurrent_actions_on_one_dossier_leave_one_step_and_one_event_each():
    world = build_world()
    dossier = accepted(world)
    copies = [Dossier.objects.get(pk=dossier.pk) for _ in range(6)]
    results = run_concurrently(
        6, lambda i: services.perform(dossier=copies[i], by=world.officer_px, action="forward", now=T0)
    )
    assert sum(isinstance(r, Dossier) for r in results) == 1
    assert all(r.code == "dossier.conflict" for r in results if isinstance(r, DomainError))
    assert dossier.steps.filter(finished_at__isnull=True).count() == 1


def test_concurrent_receptions_get_gap_free_unique_codes():
    world = build_world()

    def receive_ten(_i: int) -> list[str]:
        return [receive_px_for_pv(world).code for _ in range(10)]

    results = run_concurrently(8, receive_ten)
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(code for batch in results for code in batch)
    assert codes == [f"{world.ubnd_phu_xuan.code}-260309-{n:04d}" for n in range(1, 81)]


def test_two_points_of_one_agency_receiving_at_once_draw_from_one_sequence_without_duplicates():
    """One counter per receiving unit and day (Circular 01/2018/TT-VPCP Art. 19), shared by its points."""
    world = build_world()
    second_desk = ReceptionPoint.objects.create(
        code="T.PX.MC2",
        name="Điểm tiếp nhận thứ hai, Phú Xuân",
        kind=ReceptionPointKind.ONE_STOP_DESK,
        agency=world.ubnd_phu_xuan,
        unit=world.phu_xuan,
        province_code="46",
        valid_from=world.point_phu_xuan.valid_from,
    )
    second_officer = make_staff(world.ubnd_phu_xuan, Role.RECEPTION_OFFICER, second_desk)

    def receive_ten(i: int) -> list[str]:
        if i % 2 == 0:
            return [receive_px_for_pv(world).code for _ in range(10)]
        return [
            services.receive_at_counter(
                by=second_officer,
                reception_point=second_desk,
                procedure=world.procedure,
                place_unit=world.phu_vang,
                applicant_info=ApplicantInfo(name="Lê Thị Hai"),
                documents=COMPLETE,
                now=T0,
            ).code
            for _ in range(10)
        ]

    results = run_concurrently(4, receive_ten)
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(code for batch in results for code in batch)
    assert codes == [f"{world.ubnd_phu_xuan.code}-260309-{n:04d}" for n in range(1, 41)]
    assert Dossier.objects.filter(reception_point=second_desk).count() == 20


def test_concurrent_repeats_of_one_submission_create_one_dossier():
    world = build_world()
    results = run_concurrently(
        4,
        lambda i: services.submit_online(
            applicant=world.citizen,
            procedure=world.procedure,
            place_unit=world.phu_vang,
            documents=COMPLETE,
            idempotency_key="same-click",
            now=T0,
        ),
    )
    assert all(isinstance(r, Dossier) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Dossier.objects.filter(idempotency_key="same-click").count() == 1


def test_concurrent_receptions_at_one_point_get_unique_register_numbers():
    """Form 07: the số thứ tự of the point's book is taken inside the reception transaction, like the code."""
    from motcua.dossiers.models import DossierRegister, DossierRegisterEntry

    world = build_world()

    def accept_five(_i: int) -> list[int]:
        return [accepted(world).register_entry.number for _ in range(5)]

    results = run_concurrently(8, accept_five)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == list(range(1, 41))
    book = DossierRegister.objects.get(reception_point=world.point_phu_xuan, year=2026)
    assert book.last == 40 and DossierRegisterEntry.objects.filter(register=book).count() == 40


def test_two_officers_accepting_the_same_dossier_at_once_exactly_one_wins():
    """Accept checks the version in its dossier UPDATE, its first write: the loser writes nothing."""
    world = build_world()
    dossier = receive_px_for_pv(world)
    copies = [Dossier.objects.get(pk=dossier.pk) for _ in range(4)]
    results = run_concurrently(4, lambda i: services.accept(dossier=copies[i], by=world.officer_px, now=T0))
    assert sum(isinstance(r, Dossier) for r in results) == 1, results
    assert all(r.code == "dossier.conflict" for r in results if isinstance(r, DomainError)), results
    dossier.refresh_from_db()
    assert dossier.steps.count() == 1 and dossier.current_step_id == dossier.steps.get().pk
    assert dossier.events.filter(kind="received").count() == 1
    assert list(dossier.events.values_list("sequence", flat=True)) == [1, 2]


def test_a_step_action_and_an_assignment_at_once_end_in_one_winner_not_a_deadlock():
    """The movement writes the dossier row first (version check folded in), the assignment locks it first:
    both take the dossier's row before the step's, so one waits for the other instead of a deadlock."""
    world = build_world()
    for _round in range(3):
        dossier = to_review(world)
        copies = [Dossier.objects.get(pk=dossier.pk) for _ in range(2)]
        results = run_concurrently(2, lambda i, copies=copies: _forward_or_assign(world, copies[i], i))
        assert sum(isinstance(r, Dossier) for r in results) == 1, results
        assert [r.code for r in results if isinstance(r, Exception)] == ["dossier.conflict"], results
        dossier.refresh_from_db()
        assert dossier.steps.filter(finished_at__isnull=True).count() == 1
        assert dossier.current_step_id == dossier.steps.get(finished_at__isnull=True).pk


def _forward_or_assign(world, dossier: Dossier, i: int) -> Dossier:
    if i == 0:
        return services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=LATER)
    return services.assign_step(
        dossier=dossier, by=world.head_pv, assignee=world.specialist2_pv.staff, now=LATER
    )
