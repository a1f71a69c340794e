"""The archive of an ended agency: its successor's officers read its dossiers (Agency.successor, transitively,
on the day of reading) and act on none of them; nobody else reads them."""

from __future__ import annotations

import datetime as dt

import pytest

from archives import archived_at, ended
from motcua.core.errors import DomainError
from motcua.dossiers import access, selectors, services
from motcua.dossiers.models import Dossier
from motcua.org import selectors as org_selectors
from motcua.org.models import Role

from .dossier_world import T0, _committee, _unit, make_staff, to_review

ON = T0.date()


def sees(user, dossier: Dossier, on: dt.date = ON) -> bool:
    return selectors.can_view(dossier=dossier, user=user, on=on)


def test_the_successor_officers_read_the_archive_and_nobody_else(world):
    old = ended("T.OLD.PV", world.ubnd_phu_vang, on=dt.date(2025, 7, 1))
    dossier = archived_at(to_review(world), old)

    for successor_officer in (world.specialist_pv, world.clerk_pv):
        assert sees(successor_officer, dossier)
    # Phú Xuân received it before it was archived at the old body: no longer involved, no longer a reader.
    for outsider in (world.officer_px, world.leader_px, world.dept_specialist, world.postal, world.stranger):
        assert not sees(outsider, dossier), outsider
    other = make_staff(
        _committee(_unit("19998", "Phường Khác", "phuong", "commune", world.province), "T.X"), "leader"
    )
    assert not sees(other, dossier)
    assert access.archive_agencies(user=world.specialist_pv, on=ON) == {old.pk}
    assert access.archive_agencies(user=other, on=ON) == frozenset()
    # The officer's page reads it through the same policy (its compiled query is keyed by the archive too).
    assert selectors.get_dossier(code=dossier.code, user=world.specialist_pv, on=ON).pk == dossier.pk
    with pytest.raises(DomainError) as error:
        selectors.get_dossier(code=dossier.code, user=other, on=ON)
    assert error.value.code == "dossier.forbidden"


def test_the_archive_reaches_back_through_successive_takeovers_up_to_the_bound(world):
    successor = world.ubnd_phu_vang
    chain = []
    for n in range(org_selectors.SUCCESSION_DEPTH + 1):
        successor = ended(f"T.OLD.{n}", successor, on=dt.date(2025 - n, 7, 1), since=dt.date(2010 - n, 1, 1))
        chain.append(successor)
    dossier = to_review(world)
    deepest_read = archived_at(dossier, chain[org_selectors.SUCCESSION_DEPTH - 1])
    assert sees(world.specialist_pv, deepest_read)
    beyond = archived_at(dossier, chain[-1])
    assert not sees(world.specialist_pv, beyond)
    assert access.archive_agencies(user=world.specialist_pv, on=ON) == {
        a.pk for a in chain[: org_selectors.SUCCESSION_DEPTH]
    }


def test_the_archive_opens_on_the_day_the_old_body_ends_and_closes_with_the_link(world):
    ends = ON + dt.timedelta(days=10)
    old = ended("T.OLD.LATER", world.ubnd_phu_vang, on=ends)
    dossier = archived_at(to_review(world), old)

    assert not sees(
        world.specialist_pv, dossier, on=ON
    )  # still in force: its own staff's, not the successor's
    assert not sees(world.specialist_pv, dossier, on=ends - dt.timedelta(days=1))
    assert sees(world.specialist_pv, dossier, on=ends)

    old.successor = None
    old.save(update_fields=["successor"])
    assert not sees(world.specialist_pv, dossier, on=ends)


def test_an_archive_reader_is_offered_no_action_and_every_action_is_refused_as_before(world):
    dossier = to_review(world)
    assert access.allowed_actions(user=world.specialist_pv, dossier=dossier, on=ON)  # while it was theirs
    old = ended("T.OLD.ACT", world.ubnd_phu_vang, on=dt.date(2025, 7, 1))
    dossier = archived_at(dossier, old)
    version, state = dossier.version, dossier.state

    assert access.allowed_actions(user=world.specialist_pv, dossier=dossier, on=ON) == []
    for act in (
        access.Act.EXTEND,
        access.Act.DRAFT_APOLOGY,
        access.Act.PROPOSE_STOP,
        access.Act.RECORD_REFUND,
    ):
        assert not access.may(world.specialist_pv, act, dossier, on=ON), act
    with pytest.raises(DomainError) as error:
        services.perform(
            dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + dt.timedelta(hours=2)
        )
    assert error.value.code == "step.not_allowed"
    dossier.refresh_from_db()
    assert (dossier.version, dossier.state) == (version, state)


def test_the_visibility_key_tells_an_archive_reader_from_a_colleague_without_it(world):
    colleague = make_staff(world.ubnd_phu_vang, Role.SPECIALIST)
    before = access.visibility_key(user=colleague, on=ON)
    ended("T.OLD.KEY", world.ubnd_phu_vang, on=dt.date(2025, 7, 1))
    after = access.visibility_key(user=colleague, on=ON)
    assert before[:2] == after[:2] and before != after
