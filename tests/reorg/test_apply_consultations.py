"""Applying a plan re-addresses the open consultations of a moved dossier to the successor of the agency they
were sent to (as the receiving agency is); answered ones keep the agency that answered."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from dossiers.dossier_world import T0
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Consultation, Dossier, DossierEvent, EventKind, State
from motcua.org.models import Agency
from motcua.reorg import plans, services
from motcua.reorg.models import RunState

from .conftest import AFTER, Reorg

H = dt.timedelta(hours=1)


def _consulted(world: Reorg) -> tuple[Consultation, Consultation]:
    """District dossier d_in_c (moving to M) asked B, who answered, then asked A, who has not yet."""
    dossier = world.dossiers["d_in_c"]
    asked_b = dossier_services.consult(
        dossier=dossier,
        by=world.staff["D.specialist"],
        agency=world.agencies["B"],
        question="Hỏi xã B",
        now=T0 + 3 * H,
    )
    dossier_services.answer_consultation(
        consultation=asked_b, by=world.staff["B.specialist"], answer="Xã B trả lời", now=T0 + 4 * H
    )
    asked_a = dossier_services.consult(
        dossier=Dossier.objects.get(pk=dossier.pk),
        by=world.staff["D.specialist"],
        agency=world.agencies["A"],
        question="Hỏi xã A",
        now=T0 + 5 * H,
    )
    return asked_b, asked_a


def _apply(world: Reorg):
    choices = [{"dossier": world.dossiers["d_in_c"].code, "unit": "99812"}]
    plan = services.load_plan(text=plans.dump(world.plan(choices=choices)))
    return services.apply_plan(plan=plan, batch=10, now=AFTER)


def _assert_readdressed(world: Reorg, answered: Consultation, open_: Consultation) -> None:
    n = Agency.objects.get(code="000.11.98.H46")
    answered.refresh_from_db()
    open_.refresh_from_db()
    assert answered.agency == world.agencies["B"] and answered.answer == "Xã B trả lời"
    assert open_.agency == n  # A ended: its successor answers
    event = DossierEvent.objects.get(dossier=world.dossiers["d_in_c"], kind=EventKind.REORGANIZED)
    assert event.data["consultations_readdressed"] == [open_.pk]
    # A's specialist moved to N with the plan and answers in N's name; the dossier resumes its step.
    dossier = dossier_services.answer_consultation(
        consultation=open_, by=world.staff["A.specialist"], answer="UBND xã Tân Nhất trả lời", now=AFTER + H
    )
    assert dossier.state == State.IN_PROCESS


def test_open_consultations_follow_the_ended_agency_to_its_successor(reorg):
    answered, open_ = _consulted(reorg)
    run = _apply(reorg)
    assert (run.state, run.moved, run.failed) == (RunState.DONE, 4, 0)
    _assert_readdressed(reorg, answered, open_)


def test_a_dossier_changed_between_the_batch_read_and_its_write_moves_on_its_own(reorg, monkeypatch):
    """An officer's action between the batch's read and its UPDATE (no row lock on SQLite's side here): the
    batch's writes roll back and each dossier moves one by one, with the same outcome."""
    answered, open_ = _consulted(reorg)
    real = services._batch_rows
    raced = []

    def read_then_race(ids):
        rows = real(ids)
        if not raced:
            raced.append(reorg.dossiers["a"].pk)
            Dossier.objects.filter(pk=reorg.dossiers["a"].pk).update(version=F("version") + 1)
        return rows

    monkeypatch.setattr(services, "_batch_rows", read_then_race)
    run = _apply(reorg)
    assert raced and (run.state, run.moved, run.failed) == (RunState.DONE, 4, 0)
    for key in ("a", "b", "d_in_a", "d_in_c"):
        assert (
            DossierEvent.objects.filter(dossier=reorg.dossiers[key], kind=EventKind.REORGANIZED).count() == 1
        )
    assert Dossier.objects.get(pk=reorg.dossiers["a"].pk).competent_agency.code == "000.11.98.H46"
    _assert_readdressed(reorg, answered, open_)
