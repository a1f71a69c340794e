"""Huế before 1 July 2025 and its 2025 plan built from the data (docs/reorg-hue-2025.md).

The scenario is built once for the module (the whole province's organization and catalog, dossiers at the
desks of the first communes only) inside a transaction rolled back after the last test.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import CompetenceRule, Procedure, ProcedureVersion
from motcua.catalog.verifier import verify
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from motcua.operations.demo import load_demo
from motcua.org.models import Agency, AgencyKind, AgencyLevel, Position, ReceptionPoint, Role
from motcua.reorg import hue2025
from motcua.reorg.legacy import format as fmt
from motcua.reorg.legacy.generate import generate
from motcua.reorg.legacy.importer import import_export
from motcua.reorg.legacy.reconcile import reconcile
from motcua.reorg.legacy_models import LegacyRecord

SCHEMA = Path(hue2025.__file__).resolve().parent / "data" / "plan.schema.json"
DOSSIERS = 30
COMMUNES = 8


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        counts = hue2025.build_before_2025(dossiers=DOSSIERS, communes=COMMUNES)
        plan = hue2025.build_plan()
        yield counts, plan
        transaction.set_rollback(True)


@pytest.fixture
def plan(scenario, db):
    return scenario[1]


def in_flight() -> list[Dossier]:
    return list(
        Dossier.objects.filter(receiving_agency_id__in=hue2025.old_agency_ids()).select_related(
            "receiving_agency", "competent_agency", "step_agency"
        )
    )


def test_the_first_run_builds_the_old_organization_catalog_and_dossiers(scenario, db):
    counts, _plan = scenario
    assert counts["agencies"] == 9 * 7 + 133  # district committees with six divisions each, old communes
    assert counts["accounts"] == 9 * 35 + 133 * 6
    assert counts["procedures"] == Procedure.objects.count()
    assert counts["dossiers"] == DOSSIERS


def test_a_second_run_creates_nothing(scenario, db):
    before = (
        Agency.objects.count(),
        Position.objects.count(),
        ReceptionPoint.objects.count(),
        Dossier.objects.count(),
    )
    counts = hue2025.build_before_2025(dossiers=DOSSIERS, communes=COMMUNES)
    assert set(counts.values()) == {0}
    after = (
        Agency.objects.count(),
        Position.objects.count(),
        ReceptionPoint.objects.count(),
        Dossier.objects.count(),
    )
    assert after == before


def test_the_old_bodies_stand_open_ended_on_30_june_2025_with_their_staff(scenario, db):
    district = Agency.objects.get(code="478.00.91.H57")  # UBND huyện Phú Vang
    assert district.unit.name == "Huyện Phú Vang" and district.is_valid_on(hue2025.LAST_DAY)
    assert district.valid_to is None
    divisions = Agency.objects.filter(parent=district, kind=AgencyKind.DIVISION)
    # The district bodies keep their historical level, the old communes' committees theirs.
    assert district.level == AgencyLevel.DISTRICT
    assert {d.level for d in divisions} == {AgencyLevel.DISTRICT}
    assert not Agency.objects.filter(level=AgencyLevel.DISTRICT).exclude(unit__level="district").exists()
    assert {d.short_name for d in divisions} >= {
        "Phòng Tư pháp",
        "Phòng Tài nguyên và Môi trường",
        "Phòng Kinh tế và Hạ tầng",
    }
    commune = Agency.objects.get(code=hue2025.old_commune_code("19750"))  # UBND phường Tây Lộc (old)
    assert commune.unit.valid_to == hue2025.EFFECTIVE and commune.parent.code == "475.00.91.H57"
    # They start with their units, years before an old system's dossiers, each under a parent already there.
    for body in (district, *divisions, commune):
        assert body.valid_from == body.unit.valid_from < dt.date(2020, 1, 1)
        assert body.parent is not None and body.parent.is_valid_on(body.valid_from)
    desks = ReceptionPoint.objects.filter(agency__in=[district, commune])
    assert {p.valid_from for p in desks} == {district.unit.valid_from}
    roles = set(
        Position.objects.valid_on(hue2025.LAST_DAY).filter(agency=commune).values_list("role", flat=True)
    )
    assert roles == {Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.CLERK}
    assert ReceptionPoint.objects.valid_on(hue2025.LAST_DAY).filter(agency=commune).count() == 1


def test_the_provincial_bodies_that_continued_are_the_2025_rows(scenario, db):
    old_province = AdministrativeUnit.objects.get(code="46", level="province", valid_to=hue2025.EFFECTIVE)
    # The departments in their shape since the mergers of March 2025; the city committee, the service center
    # and the post offices are older, as old as the pre-2025 province.
    starts = {"000.00.15.H57": hue2025.BEFORE_FROM}
    starts |= dict.fromkeys(("000.00.00.H57", "000.00.01.H57", "000.00.81.H57"), old_province.valid_from)
    for code, start in starts.items():
        agency = Agency.objects.get(code=code)
        assert agency.valid_from == start and agency.is_valid_on(hue2025.EFFECTIVE)
    # The 2025 commune committees did not exist before 1 July.
    assert Agency.objects.get(code="197.53.00.H57").valid_from == hue2025.EFFECTIVE


def test_the_catalog_verifier_is_clean_on_30_june_2025(scenario, db):
    report = verify(on=hue2025.LAST_DAY, province_code="46")
    assert report.errors == []
    assert report.procedures == Procedure.objects.count()
    assert report.communes == 133


def test_district_procedures_were_decided_by_the_district_body_of_the_place(scenario, db):
    rules = CompetenceRule.objects.valid_on(hue2025.LAST_DAY).filter(
        procedure__code="1.001612"
    )  # hộ kinh doanh
    assert rules.count() == 133
    phu_vang = AdministrativeUnit.objects.valid_on(hue2025.LAST_DAY).filter(parent__code="478").first()
    rule = rules.get(scope=phu_vang)  # a commune of huyện Phú Vang
    assert rule.agency.code == "478.02.91.H57" and "01/2021/NĐ-CP" in rule.legal_basis
    version = ProcedureVersion.objects.valid_on(hue2025.LAST_DAY).get(procedure__code="1.001612")
    assert "168/2025/NĐ-CP" not in version.legal_basis and "01/2021/NĐ-CP" in version.legal_basis


def test_dossiers_in_flight_were_received_before_the_reform_at_old_desks_in_several_states(scenario, db):
    dossiers = in_flight()
    assert len(dossiers) == DOSSIERS
    assert all(d.received_at is not None and d.received_at.date() < hue2025.EFFECTIVE for d in dossiers)
    states = Counter(d.state for d in dossiers)
    assert {State.IN_PROCESS, State.SUPPLEMENT, State.CONSULTING} <= set(states)
    slots = {d.receiving_agency.code.split(".")[2] for d in dossiers}
    assert slots == {hue2025.OLD_COMMUNE_SLOT, hue2025.OLD_DISTRICT_SLOT}
    assert len({d.current_step.step.code for d in dossiers if d.current_step}) >= 2


def test_an_export_generated_here_reuses_the_old_bodies_the_builder_made(scenario, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = generate(tmp_path / "export", dossiers=40, seed=5, defects=0)
    rows = [json.loads(line) for line in (export.directory / fmt.AGENCIES).read_text().splitlines()]
    built = {
        a.code: a.pk for a in Agency.objects.filter(code__in=[r["code"] for r in rows], valid_to__isnull=True)
    }
    # Every district and commune body of the export is one the builder made, under the same code and name.
    assert {r["code"] for r in rows if r["level"] != "tinh"} == set(built)
    assert all(Agency.objects.get(code=r["code"]).name == r["name"] for r in rows if r["code"] in built)
    agencies = Agency.objects.count()

    outcome = import_export(directory=export.directory, batch_size=25, report_path=tmp_path / "report.csv")

    departments = {r["code"] for r in rows if r["level"] == "tinh"}  # ended in March 2025: only the export
    assert Agency.objects.count() - agencies == len(departments) == 3
    assert outcome.imported["agency"] == len(rows)
    reused = LegacyRecord.objects.filter(entity="agency", notes__reused=True)
    assert dict(reused.values_list("key", "object_id")) == built
    imported = Dossier.objects.exclude(legacy_code="").select_related("receiving_agency")
    assert imported.count() == export.counts[fmt.DOSSIERS] == outcome.imported["dossier"]
    at_old_bodies = [d for d in imported if d.receiving_agency.code not in departments]
    assert at_old_bodies and all(
        built[d.receiving_agency.code] == d.receiving_agency_id for d in at_old_bodies
    )
    # Years of old dossiers at the bodies the builder made, none outside a body's life.
    assert min(d.received_at for d in at_old_bodies).date() < hue2025.BEFORE_FROM
    report = _report(outcome.report_path)
    assert not [r for r in report if r["field"] in ("received_at", "finished_at")]
    result = reconcile(export.directory)
    assert result.clean and result.unexplained == []
    agency_lines = [line for line in result.counts if line.entity == "agency"]
    assert (
        sum(line.source for line in agency_lines) == sum(line.imported for line in agency_lines) == len(rows)
    )


def test_a_dossier_outside_the_life_of_the_agency_here_is_rejected_with_its_message(
    scenario, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = generate(tmp_path / "export", dossiers=30, seed=11, defects=0)
    rows = [json.loads(line) for line in (export.directory / fmt.DOSSIERS).read_text().splitlines()]
    at_old_bodies = [r for r in rows if hue2025.is_old_body(r["agency_code"])]
    early = at_old_bodies[0]
    late = next(
        r
        for r in at_old_bodies
        if r["agency_code"] != early["agency_code"] and _day(r["received_at"]) < _day(r["finished_at"])
    )
    # The agencies here started later and ended earlier than the export says (its rows date them from 2000).
    Agency.objects.filter(code=early["agency_code"]).update(
        valid_from=_day(early["received_at"]) + dt.timedelta(days=1)
    )
    Agency.objects.filter(code=late["agency_code"]).update(valid_to=_day(late["finished_at"]))

    outcome = import_export(directory=export.directory, batch_size=25, report_path=tmp_path / "report.csv")

    rejected = {
        (r["key"], r["file"], r["field"]): r["message"]
        for r in _report(outcome.report_path)
        if r["outcome"] == "rejected"
    }
    assert rejected[(early["code"], fmt.DOSSIERS, "received_at")] == (
        "Ngày tiếp nhận ngoài thời gian hoạt động của cơ quan."
    )
    assert rejected[(late["code"], fmt.DOSSIERS, "finished_at")] == (
        "Ngày kết thúc ngoài thời gian hoạt động của cơ quan."
    )
    assert (early["code"], fmt.EVENTS, "dossier_code") in rejected  # its history left out with it
    assert not Dossier.objects.filter(legacy_code__in=[early["code"], late["code"]]).exists()
    assert not LegacyRecord.objects.filter(key__startswith=early["code"]).exists()
    assert Dossier.objects.exclude(legacy_code="").count() == len(outcome.plan.dossiers) > 0
    assert reconcile(export.directory).clean


def _day(moment: str) -> dt.date:
    return timezone.localdate(dt.datetime.fromisoformat(moment))


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_loading_the_demo_again_keeps_the_catalog_in_force_before_the_reform(scenario, db):
    def before_and_after() -> tuple[set, set, set]:
        rules = CompetenceRule.objects.valid_on(hue2025.LAST_DAY).values_list(
            "pk", "procedure__code", "scope__code", "agency__code", "valid_to"
        )
        versions = ProcedureVersion.objects.valid_on(hue2025.LAST_DAY).filter(status="published")
        after = CompetenceRule.objects.valid_on(hue2025.EFFECTIVE).values_list("pk", "procedure__code")
        return set(rules), set(versions.values_list("pk", "number", "valid_to")), set(after)

    built = before_and_after()
    assert len(built[0]) > Procedure.objects.count() and len(built[1]) == Procedure.objects.count()

    load_demo(all_provinces=False)

    assert before_and_after() == built
    assert verify(on=hue2025.LAST_DAY, province_code="46").errors == []


def test_the_plan_validates_against_the_interchange_schema(plan):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(plan)] == []
    assert plan["code"] == "hue-2025" and plan["effective_at"] == "2025-07-01T00:00:00+07:00"


def test_every_code_in_the_plan_resolves_in_the_database(plan):
    old = {a.code for a in Agency.objects.valid_on(hue2025.LAST_DAY)}
    # Old bodies are open-ended until the plan applies: the new organization is what is not in their slots.
    new = {a.code for a in Agency.objects.valid_on(hue2025.EFFECTIVE) if not hue2025.is_old_body(a.code)}
    units_before = set(AdministrativeUnit.objects.valid_on(hue2025.LAST_DAY).values_list("code", flat=True))
    units_after = set(AdministrativeUnit.objects.valid_on(hue2025.EFFECTIVE).values_list("code", flat=True))
    for change in plan["units"]:
        if change["change"] == "merge":
            assert set(change["from"]) <= units_before and change["into"] in units_after
        elif change["change"] == "split":
            assert change["from"] in units_before and {p["code"] for p in change["into"]} <= units_after
        else:
            assert change["code"] in units_before
    for agency in plan["agencies"]["open"]:
        assert agency["code"] in new and agency["unit"] in units_after
    for ended in plan["agencies"]["end"]:
        assert ended["code"] in old
        for successor in ended["successors"]:
            assert successor["agency"] in new
            assert set(successor.get("units", [])) <= units_after
    procedures = set(Procedure.objects.values_list("code", flat=True))
    assert plan["competence"] and {c["procedure"] for c in plan["competence"]} <= procedures
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert plan["staff"] and {s["username"] for s in plan["staff"]} <= usernames
    assert {s["agency"] for s in plan["staff"]} <= new
    points_before = set(ReceptionPoint.objects.valid_on(hue2025.LAST_DAY).values_list("code", flat=True))
    points_after = set(ReceptionPoint.objects.valid_on(hue2025.EFFECTIVE).values_list("code", flat=True))
    assert set(plan["reception_points"]["close"]) <= points_before
    assert {p["code"] for p in plan["reception_points"]["open"]} <= points_after


def test_every_old_unit_goes_somewhere_and_every_district_is_abolished(plan):
    placed = [code for c in plan["units"] if c["change"] == "merge" for code in c["from"]]
    placed += [c["from"] for c in plan["units"] if c["change"] == "split"]
    assert sorted(placed) == sorted(set(placed)) and len(placed) == 133
    assert sorted(c["code"] for c in plan["units"] if c["change"] == "abolish") == [
        str(n) for n in range(474, 483)
    ]
    for split in (c for c in plan["units"] if c["change"] == "split"):
        assert round(sum(p["share"] for p in split["into"]), 4) == 1
        assert sum(p["default"] for p in split["into"]) == 1


def test_every_in_flight_dossiers_agency_is_ended_by_the_plan_with_a_successor(plan):
    ended = {e["code"]: e["successors"] for e in plan["agencies"]["end"]}
    for dossier in in_flight():
        for agency in (dossier.receiving_agency, dossier.competent_agency, dossier.step_agency):
            if agency is not None:
                assert len(ended.get(agency.code, [])) >= 1, agency.code


def test_a_district_body_is_shared_over_the_new_communes_covering_the_district(plan):
    ended = {e["code"]: e["successors"] for e in plan["agencies"]["end"]}
    successors = ended["478.02.91.H57"]  # Phòng Tài chính – Kế hoạch, huyện Phú Vang
    assert len(successors) >= 2
    assert round(sum(s["share"] for s in successors), 4) == 1
    assert all(s["agency"].endswith(".00.H57") and s["units"] for s in successors)


def test_procedures_moved_down_are_listed_with_their_legal_basis(plan):
    moved = {c["procedure"]: c for c in plan["competence"]}
    assert set(moved) == set(hue2025.DISTRICT_PROCEDURES)
    business = moved["1.001612"]
    assert business["agency_rule"] == "commune_committee" and business["scope"] == "46"
    assert "168/2025/NĐ-CP" in business["legal_basis"] or "125/2025/NĐ-CP" in business["legal_basis"]


def test_staff_of_old_bodies_move_to_new_committees_keeping_their_role(plan):
    moves = {m["username"]: m for m in plan["staff"]}
    assert len(moves) == 9 * 35 + 133 * 6
    receiving = [m for m in moves.values() if m["role"] == Role.RECEPTION_OFFICER]
    assert all(m["reception_point"] == m["agency"] for m in receiving)


def test_the_command_writes_the_same_plan(scenario, db, tmp_path):
    out = tmp_path / "hue-2025.yaml"
    call_command("reorg_demo", "plan", "--out", str(out))
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == hue2025.build_plan()


def test_the_shipped_plan_is_the_one_built_from_the_data(plan):
    shipped = Path(hue2025.__file__).resolve().parent / "data" / "hue-2025.yaml"
    assert yaml.safe_load(shipped.read_text(encoding="utf-8")) == plan


def test_the_hue_plan_dry_runs_clean_and_its_apply_moves_every_dossier_in_flight(plan):
    """Issue 18's own story: on the pre-reform database its dry-run is clean, and apply moves every dossier
    in flight at an old district or commune body to a body of the two-tier organization; a second apply
    changes nothing."""
    from motcua.dossiers.models import DossierEvent
    from motcua.reorg import plans as reorg_plans
    from motcua.reorg import services as reorg_services
    from motcua.reorg.dry_run import dry_run

    loaded = reorg_services.load_plan(text=reorg_plans.dump(plan))
    report = dry_run(plan=loaded)
    assert report.ok, report.as_text()
    old = set(hue2025.old_agency_ids())
    moving = [d for d in in_flight() if d.state not in {State.RETURNED, State.REFUSED_AT_RECEPTION}]
    assert len(report.all_moves) == len(moving) > 0
    reorg_services.apply_plan(plan=loaded)
    after = Dossier.objects.filter(pk__in=[d.pk for d in moving])
    assert not after.filter(competent_agency_id__in=old).exists()
    assert not after.filter(step_agency_id__in=old).exists()
    assert dict(after.values_list("pk", "code")) == {d.pk: d.code for d in moving}
    assert DossierEvent.objects.filter(dossier__in=after, kind="reorganized").count() == len(moving)
    assert not Agency.objects.filter(pk__in=old, valid_to__isnull=True).exists()
    events = DossierEvent.objects.count()
    reorg_services.apply_plan(plan=loaded)
    assert DossierEvent.objects.count() == events
