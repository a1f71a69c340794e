"""The dry-run: what applying a plan would do, computed in a rolled-back transaction; nothing is written."""

from __future__ import annotations

from django.core.management import call_command

from motcua.calendar.models import OfficeHours
from motcua.catalog.models import CompetenceRule
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.geo.models import AdministrativeUnit, UnitSuccession
from motcua.org.models import Agency, Position, ReceptionPoint
from motcua.outbox.models import OutboxMessage
from motcua.reorg import plans, services
from motcua.reorg.dry_run import dry_run, simulated
from motcua.reorg.models import AgencySuccession, PlanStatus
from motcua.reorg.selectors import plan_destinations

from .conftest import Reorg

N, M = "000.11.98.H46", "000.12.98.H46"


def _load(world: Reorg, **changes):
    return services.load_plan(text=plans.dump(world.plan(**changes)))


def _everything() -> tuple:
    return (
        list(Agency.objects.order_by("pk").values_list("pk", "valid_to", "successor_id")),
        list(
            AdministrativeUnit.objects.filter(province_code="46").order_by("pk").values_list("pk", "valid_to")
        ),
        UnitSuccession.objects.count(),
        list(CompetenceRule.objects.order_by("pk").values_list("pk", "valid_to")),
        list(Position.objects.order_by("pk").values_list("pk", "valid_to")),
        list(ReceptionPoint.objects.order_by("pk").values_list("pk", "valid_to")),
        OfficeHours.objects.count(),
        AgencySuccession.objects.count(),
        list(
            Dossier.objects.order_by("pk").values_list(
                "pk", "version", "competent_agency_id", "step_agency_id"
            )
        ),
        DossierEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_dry_run_of_a_sound_plan_lists_each_dossier_with_its_destination_and_writes_nothing(reorg):
    plan = _load(reorg, choices=[{"dossier": reorg.dossiers["d_in_c"].code, "unit": "99812"}])
    before = _everything()
    report = dry_run(plan=plan)
    assert _everything() == before
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    moves = {move.dossier: move for move in report.all_moves}
    assert set(moves) == {reorg.dossiers[k].code for k in ("a", "b", "d_in_a", "d_in_c")}
    assert moves[reorg.dossiers["a"].code].to_agency == "UBND xã Tân Nhất"
    assert moves[reorg.dossiers["d_in_c"].code].to_agency == "UBND xã Mỹ Hòa"
    assert report.missing_successors == [] and report.competence == [] and report.unstaffed_steps == []
    assert report.ok, report.as_text()
    # Received on 9 March with a three-day time limit: already due before the hand-over.
    assert {m.dossier for m in report.at_risk} >= {reorg.dossiers["a"].code}


def test_dry_run_finds_a_deliberately_missing_successor(reorg):
    document = reorg.plan()
    document["agencies"]["end"] = [e for e in document["agencies"]["end"] if e["code"] != "T.RG.B"]
    plan = services.load_plan(text=plans.dump(document))
    report = dry_run(plan=plan)
    assert any(item.startswith("T.RG.B ") for item in report.missing_successors), report.missing_successors
    assert not report.ok


def test_dry_run_lists_split_places_for_a_person_to_choose(reorg):
    report = dry_run(plan=_load(reorg))
    [move] = report.to_choose
    assert move.dossier == reorg.dossiers["d_in_c"].code
    assert {c.split()[0] for c in move.choices} == {"99811", "99812"}


def test_dry_run_finds_a_competence_gap(reorg):
    # Without moving T.REORG.002 to the communes, its only rule names the ended district division.
    report = dry_run(plan=_load(reorg, competence=[]))
    assert any(line.startswith("T.REORG.002") and "không có cơ quan" in line for line in report.competence), (
        report.competence
    )
    assert not report.ok


def test_dry_run_finds_a_step_nobody_can_perform_at_the_new_agency(reorg):
    document = reorg.plan(choices=[{"dossier": reorg.dossiers["d_in_c"].code, "unit": "99812"}])
    document["staff"] = [s for s in document["staff"] if not (s["agency"] == M and s["role"] == "specialist")]
    report = dry_run(plan=services.load_plan(text=plans.dump(document)))
    [step] = report.unstaffed_steps
    assert (step.agency, step.role, step.dossiers) == ("UBND xã Mỹ Hòa", "specialist", 1)
    assert any("UBND xã Mỹ Hòa" in line for line in report.unstaffed)  # the verifier says so too


def test_plan_destinations_share_a_split_place_between_its_successors(reorg):
    plan = _load(reorg)
    row = Dossier.objects.get(pk=reorg.dossiers["d_in_c"].pk)
    with simulated(plan):
        weights = dict(plan_destinations(plan)(row))
        n, m = Agency.objects.get(code=N), Agency.objects.get(code=M)
    assert weights == {m.pk: 0.6, n.pk: 0.4}
    assert not Agency.objects.filter(code=N).exists()


def test_dry_run_command_prints_the_report(reorg, capsys):
    plan = _load(reorg, choices=[{"dossier": reorg.dossiers["d_in_c"].code, "unit": "99812"}])
    call_command("reorg", "dry-run", plan.code)
    out = capsys.readouterr().out
    assert "ĐẠT" in out and reorg.dossiers["a"].code in out


def moves_to_agency(report, world: Reorg, key: str) -> str:
    return next(m.to_agency for m in report.all_moves if m.dossier == world.dossiers[key].code)


def test_dry_run_forecasts_the_load_of_the_agencies_the_dossiers_would_go_to(reorg):
    """The what-if forecast sits in the report: the months before the effective date, each past dossier sent
    where the plan sends it (the old agencies end: no load stays there), the people the plan assigns."""
    plan = _load(reorg, choices=[{"dossier": reorg.dossiers["d_in_c"].code, "unit": "99812"}])
    report = dry_run(plan=plan)
    forecast = report.forecast
    assert forecast is not None
    received = Dossier.objects.filter(received_at__isnull=False).count()
    assert forecast.dossiers == received and received >= 4
    ended = [entry["code"] for entry in plan.document["agencies"]["end"]]
    old = set(Agency.objects.filter(code__in=ended).values_list("pk", flat=True))
    assert all(forecast.volume(pk) == 0 for pk in old)
    # Every routed dossier lands somewhere: the monthly volumes add up to them over the window's months.
    routed = received - forecast.unrouted
    assert abs(sum(row.per_month for row in forecast.sectors) * forecast.months - routed) < 1e-6
    # The agencies the plan opens (gone again after the rolled-back simulation) carry the load.
    assert {row.agency_name for row in forecast.sectors} >= {moves_to_agency(report, reorg, "a")}
    assert forecast.as_text() in report.as_text()
    assert dry_run(plan=plan, history_months=None).forecast is None
