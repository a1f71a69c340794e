"""The what-if forecast against the analytic answer on generated history (docs/reorg-forecast.md).

History, 1 January – 30 June 2026 (6 calendar months), written as bulk rows (test history, not the engine
under test), plus one dossier walked through the engine's services so that the measured fields are the
engine's own:

- old agencies A, B, C; procedure P1 (sector S1), P2 (sector S2), each with a reception step (performer
  ``receiving``, not measured) and two steps of the competent agency (specialist, leader);
- volumes per month: A 10 × P1 + 5 × P2 (60 % of each at place U1, 40 % at U2), B 20 × P1, C 8 × P2;
- handling hours drawn from known distributions (seeded): P1 specialist uniform 6–10 (mean 8), leader
  uniform 1.5–2.5 (2); P2 specialist uniform 3–5 (4), leader uniform 0.75–1.25 (1); plus a few outlier passes
  (100 h against an 8 h allotment) that the forecast must leave out;
- the plan: A split 60/40 between N1 and N2, B → N1, C → N3; N3 is given no specialist (starved); N4 has
  staff and no history.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.dossier_world import T0, build_world, move, to_review
from motcua.calendar.selectors import working_time_between
from motcua.catalog.models import (
    Field,
    OnlineLevel,
    PerformerRule,
    Procedure,
    ProcedureVersion,
    TimeUnit,
    Workflow,
    WorkflowStep,
)
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, DossierStep, State
from motcua.geo.models import AdministrativeUnit, Level
from motcua.org.models import Agency, AgencyKind, AgencyLevel, ReceptionPoint, ReceptionPointKind, Role
from motcua.reorg.forecast import destinations_from_successors, forecast, months_between

TZ = T0.tzinfo
REFORM = dt.date(2025, 7, 1)
START, END = dt.date(2026, 1, 1), dt.date(2026, 7, 1)
MONTHS = 6
HOURS = Decimal(160)  # hours of one person per month, given
SPEC, LEAD = Role.SPECIALIST, Role.LEADER

# Monthly volumes per old agency and procedure, and the share of each received at place U1.
VOLUMES = {("A", "P1"): 10, ("A", "P2"): 5, ("B", "P1"): 20, ("C", "P2"): 8}
# Handling hours per (procedure, role): the uniform distribution's bounds; the mean is their middle.
HANDLING = {("P1", SPEC): (6, 10), ("P1", LEAD): (1.5, 2.5), ("P2", SPEC): (3, 5), ("P2", LEAD): (0.75, 1.25)}
SECTOR = {"P1": "S1", "P2": "S2"}
SPLIT = {"A": [("N1", 0.6), ("N2", 0.4)], "B": [("N1", 1.0)], "C": [("N3", 1.0)]}
STAFF = {
    ("N1", SPEC): 2,
    ("N1", LEAD): 1,
    ("N2", SPEC): 1,
    ("N2", LEAD): 1,
    ("N3", LEAD): 1,  # and no specialist: starved
    ("N4", SPEC): 1,
    ("N4", LEAD): 1,
}
_codes = count(1)


def _mean(procedure: str, role: str) -> float:
    low, high = HANDLING[procedure, role]
    return (low + high) / 2


def analytic():
    """The exact monthly figures the forecast estimates: volumes per (new agency, sector), hours per (new
    agency, role)."""
    volume: dict[tuple[str, str], float] = {}
    hours: dict[tuple[str, str], float] = {}
    for (old, procedure), per_month in VOLUMES.items():
        for new, share in SPLIT[old]:
            key = (new, SECTOR[procedure])
            volume[key] = volume.get(key, 0) + per_month * share
            for role in (SPEC, LEAD):
                hours[new, role] = hours.get((new, role), 0) + per_month * share * _mean(procedure, role)
    return volume, hours


class History:
    """Agencies, units, procedures and the bulk history described in the module's docstring."""

    def __init__(self) -> None:
        self.rng = random.Random(18)
        communes = list(
            AdministrativeUnit.objects.filter(
                level=Level.COMMUNE, province_code="46", valid_from=REFORM
            ).order_by("code")[:2]
        )
        self.units = {"U1": communes[0], "U2": communes[1]}
        self.agencies = {
            name: Agency.objects.create(
                code=f"T.FC.{name}",
                name=f"Cơ quan {name}",
                kind=AgencyKind.PEOPLES_COMMITTEE,
                level=AgencyLevel.COMMUNE,
                unit=communes[0],
                province_code="46",
                valid_from=REFORM,
            )
            for name in ("A", "B", "C", "N1", "N2", "N3", "N4")
        }
        self.point = ReceptionPoint.objects.create(
            code="T.FC.A.MC",
            name="Một cửa A",
            kind=ReceptionPointKind.ONE_STOP_DESK,
            agency=self.agencies["A"],
            unit=communes[0],
            province_code="46",
            valid_from=REFORM,
        )
        self.sectors = {
            code: Field.objects.create(code=f"T.FC.{code}", name=f"Lĩnh vực {code}") for code in ("S1", "S2")
        }
        self.procedures: dict[str, Procedure] = {}
        self.versions: dict[str, ProcedureVersion] = {}
        self.steps: dict[tuple[str, str], WorkflowStep] = {}
        for code in ("P1", "P2"):
            procedure = Procedure.objects.create(
                code=f"T.FC.{code}", name=f"Thủ tục {code}", field=self.sectors[SECTOR[code]], at_commune=True
            )
            version = ProcedureVersion.objects.create(
                procedure=procedure,
                number=1,
                valid_from=REFORM,
                time_limit_amount=Decimal(5),
                time_limit_unit=TimeUnit.WORKING_DAYS,
                online_level=OnlineLevel.PARTIAL,
                result_name="Kết quả",
            )
            workflow = Workflow.objects.create(version=version, name=f"Quy trình {code}")
            for order, (role, performer, hours) in enumerate(
                [
                    (Role.RECEPTION_OFFICER, PerformerRule.RECEIVING, 4),
                    (SPEC, PerformerRule.COMPETENT, 8),
                    (LEAD, PerformerRule.COMPETENT, 4),
                ],
                start=1,
            ):
                self.steps[code, role] = WorkflowStep.objects.create(
                    workflow=workflow,
                    code=f"b{order}",
                    name=f"Bước {order}",
                    order=order,
                    role=role,
                    performer=performer,
                    allotment_hours=Decimal(hours),
                    actions=["forward"],
                    is_initial=order == 1,
                )
            self.procedures[code], self.versions[code] = procedure, version

    def id(self, name: str) -> int:
        return self.agencies[name].pk

    def generate(self, *, times: int = 1, outliers: int = 3) -> None:
        """``times`` × the monthly volumes in each month of the window, each dossier with finished steps."""
        dossiers: list[Dossier] = []
        for month in range(1, MONTHS + 1):
            for (old, procedure), per_month in VOLUMES.items():
                for i in range(per_month * times):
                    place = "U1" if i % per_month < per_month * 0.6 else "U2"
                    received = dt.datetime(2026, month, 1 + self.rng.randrange(27), 8, tzinfo=TZ)
                    dossiers.append(self._dossier(old, procedure, place, received))
        Dossier.objects.bulk_create(dossiers)
        steps: list[DossierStep] = []
        for dossier in dossiers:
            procedure = dossier.procedure.code.removeprefix("T.FC.")
            moment = dossier.received_at
            passes = [(Role.RECEPTION_OFFICER, Decimal(3))] + [
                (role, Decimal(str(round(self.rng.uniform(*HANDLING[procedure, role]), 2))))
                for role in (SPEC, LEAD)
            ]
            if outliers and procedure == "P1":
                outliers -= 1  # the specialist is handed the dossier back and forgets it
                passes.append((SPEC, Decimal(100)))
            for sequence, (role, spent) in enumerate(passes, start=1):
                steps.append(
                    DossierStep(
                        dossier=dossier,
                        province_code="46",
                        sequence=sequence,
                        step=self.steps[procedure, role],
                        agency=dossier.competent_agency
                        if role != Role.RECEPTION_OFFICER
                        else self.agencies["A"],
                        role=role,
                        started_at=moment,
                        deadline=moment + dt.timedelta(days=2),
                        finished_at=moment + dt.timedelta(hours=1),
                        spent_hours=spent,
                    )
                )
                moment += dt.timedelta(hours=1)
        DossierStep.objects.bulk_create(steps)

    def _dossier(self, old: str, procedure: str, place: str, received: dt.datetime) -> Dossier:
        return Dossier(
            province_code="46",
            code=f"T.FC-{next(_codes):06d}",
            procedure=self.procedures[procedure],
            procedure_version=self.versions[procedure],
            state=State.RETURNED,
            channel=Channel.COUNTER,
            applicant_name="Người nộp thử",
            place_unit=self.units[place],
            reception_point=self.point,
            receiving_agency=self.agencies["A"],
            competent_agency=self.agencies[old],
            submitted_at=received,
            received_at=received,
        )

    def split(self):
        return {
            self.id(old): [(self.id(new), share) for new, share in shares] for old, shares in SPLIT.items()
        }

    def staff(self):
        return {(self.id(agency), role): people for (agency, role), people in STAFF.items()}


@pytest.fixture
def history(db) -> History:
    history = History()
    history.generate()
    return history


def run(history: History, **options):
    arguments = {
        "destinations": destinations_from_successors(history.split()),
        "staff": history.staff(),
        "history_from": START,
        "history_to": END,
        "hours_per_person_month": HOURS,
    }
    return forecast(**(arguments | options))


def test_volumes_and_hours_match_the_analytic_answer_within_five_percent(history):
    result = run(history)
    volume, hours = analytic()
    assert result.months == MONTHS
    assert result.dossiers == MONTHS * sum(VOLUMES.values())
    errors = []
    for (new, sector), expected in volume.items():
        got = result.volume(history.id(new), history.sectors[sector].pk)
        errors.append(abs(got - expected) / expected)
    # Volumes are counts: exact up to the 60/40 weights' floating point.
    assert max(errors) < 1e-9
    hour_errors = {}
    for (new, role), expected in hours.items():
        load = result.load(history.id(new), role)
        hour_errors[new, role] = abs(load.needed_hours - expected) / expected
    # Hours are sample means of the drawn handling times: close to the distributions' means, not equal.
    assert max(hour_errors.values()) < 0.05, hour_errors
    assert max(hour_errors.values()) > 0  # measured from the history, not copied from the analytic answer
    print(f"largest relative error of needed hours: {max(hour_errors.values()):.2%}")


def test_outlier_passes_and_reception_steps_are_not_counted(history):
    result = run(history)
    p1 = {m.role: m for m in result.handling if m.procedure_code == "T.FC.P1"}
    assert set(p1) == {
        SPEC,
        LEAD,
    }  # the reception step (performer ``receiving``) stays with the reception point
    assert p1[SPEC].outliers == 3
    assert p1[SPEC].steps == MONTHS * 30
    assert p1[SPEC].reach == 1
    assert abs(p1[SPEC].hours_per_dossier - _mean("P1", SPEC)) / _mean("P1", SPEC) < 0.05


def test_only_the_starved_agency_is_flagged_with_the_figures_behind_the_flag(history):
    result = run(history)
    n3 = history.id("N3")
    assert [(flag.agency_id, flag.role) for flag in result.flags] == [(n3, SPEC)]
    flag = result.flags[0]
    assert flag.people == 0
    assert flag.available_hours == 0
    assert flag.utilisation is None
    assert abs(flag.volume - 8) < 1e-9
    assert abs(flag.hours_per_dossier - _mean("P2", SPEC)) / _mean("P2", SPEC) < 0.05
    assert abs(flag.needed_hours - 8 * _mean("P2", SPEC)) / (8 * _mean("P2", SPEC)) < 0.05
    n1 = result.load(history.id("N1"), SPEC)
    assert n1.available_hours == 2 * 160
    assert not n1.under_staffed and 0.5 < n1.utilisation < 1


def test_an_agency_with_no_history_has_zero_volume_and_no_flag(history):
    result = run(history)
    n4 = history.id("N4")
    assert result.volume(n4) == 0
    for role in (SPEC, LEAD):
        load = result.load(n4, role)
        assert load.needed_hours == 0 and load.available_hours == 160 and not load.under_staffed
    assert n4 not in {flag.agency_id for flag in result.flags}


def test_a_split_by_past_dossiers_places_gives_the_share_of_those_places(history):
    a, u1, u2 = history.id("A"), history.units["U1"].pk, history.units["U2"].pk
    by_place = destinations_from_successors(
        history.split(), by_place={(a, u1): history.id("N1"), (a, u2): history.id("N2")}
    )
    by_share = run(history)
    by_places = run(history, destinations=by_place)
    for new in ("N1", "N2"):
        for sector in history.sectors.values():
            assert by_places.volume(history.id(new), sector.pk) == pytest.approx(
                by_share.volume(history.id(new), sector.pk)
            )


def test_a_person_s_hours_come_from_the_agency_calendar_when_not_given(history):
    result = run(history, hours_per_person_month=None)
    n1 = result.load(history.id("N1"), SPEC)
    window = working_time_between(
        start=dt.datetime(2026, 1, 1, tzinfo=TZ),
        end=dt.datetime(2026, 7, 1, tzinfo=TZ),
        agency_id=history.id("N1"),
    )
    assert n1.hours_per_person == pytest.approx(window.total_seconds() / 3600 / MONTHS)
    # Tết and the other holidays of the first half of 2026 leave fewer than 22 working days a month.
    assert 140 < n1.hours_per_person < 176
    assert n1.available_hours == pytest.approx(2 * n1.hours_per_person)


def test_the_number_of_queries_does_not_depend_on_the_history_size(history):
    run(history, hours_per_person_month=None)  # the calendar's snapshot is read once per process
    with CaptureQueriesContext(connection) as small:
        run(history, hours_per_person_month=None)
    history.generate(times=2, outliers=0)
    with CaptureQueriesContext(connection) as large:
        result = run(history, hours_per_person_month=None)
    assert result.dossiers == 3 * MONTHS * sum(VOLUMES.values())
    # Snapshot tokens, two aggregates of the steps, the dossiers' cursor, agency, sector and procedure names.
    assert len(small) == len(large) == 7


def test_a_dossier_walked_through_the_engine_is_measured_from_its_own_steps(db):
    world = build_world()
    h = dt.timedelta(hours=1)
    dossier = to_review(world)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 3 * h)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=T0 + 4 * h)
    dossier = move(dossier=dossier, by=world.leader_pv, action="sign", now=T0 + 6 * h)
    dossier = services.perform(dossier=dossier, by=world.clerk_pv, action="issue_number", now=T0 + 7 * h)
    services.perform(dossier=dossier, by=world.officer_px, action="return_result", now=T0 + 8 * h)
    spent = {
        step.role: float(step.spent_hours)
        for step in dossier.steps.all()
        if step.step.performer == "competent"
    }
    assert spent[SPEC] == 2  # forwarded to the specialist at 09:00, sent on at 11:00
    new = world.department  # the plan moves Phú Vang's procedure to a department (in this test)
    result = forecast(
        destinations=destinations_from_successors({world.ubnd_phu_vang.pk: [(new.pk, 1.0)]}),
        staff={(new.pk, role): 1 for role in spent},
        history_from=START,
        history_to=END,
        hours_per_person_month=HOURS,
    )
    assert result.dossiers == 1
    assert result.volume(new.pk, world.procedure.field_id) == pytest.approx(1 / MONTHS)
    for role, hours in spent.items():
        assert result.load(new.pk, role).needed_hours == pytest.approx(hours / MONTHS)
    assert result.load(new.pk, Role.RECEPTION_OFFICER) is None  # reception stays where the citizen goes
    assert not result.flags


def test_the_text_names_the_starved_agency_and_its_figures(history):
    text = run(history).as_text()
    assert "Cơ quan N3 — chuyên viên: cần" in text
    assert "Cảnh báo thiếu nhân lực:" in text
    warning = text.split("Cảnh báo thiếu nhân lực:")[1]
    assert "Cơ quan N3 — chuyên viên: 8,0 hồ sơ/tháng" in warning
    assert "0 người có 0,0 giờ" in warning
    assert "Cơ quan N4" not in warning and "Cơ quan N1" not in warning
    assert text.count("THIẾU NHÂN LỰC") == 1


def test_bad_input_is_refused_with_a_clear_message(history):
    with pytest.raises(DomainError) as error:
        destinations_from_successors({history.id("A"): [(history.id("N1"), 0.6), (history.id("N2"), 0.3)]})
    assert error.value.code == "forecast.shares"
    assert "phải bằng 1" in str(error.value)
    with pytest.raises(DomainError) as error:
        run(history, destinations=lambda row: [(history.id("N1"), 0.5)])
    assert error.value.code == "forecast.shares"
    assert str(error.value).startswith("Tổng tỷ lệ chia hồ sơ ")
    with pytest.raises(DomainError) as error:
        run(history, history_from=END, history_to=START)
    assert error.value.code == "forecast.window"
    with pytest.raises(DomainError) as error:
        run(history, staff={(history.id("N1"), SPEC): -1})
    assert error.value.code == "forecast.staff"
    with pytest.raises(DomainError) as error:
        run(history, hours_per_person_month=Decimal(0))
    assert error.value.code == "forecast.hours"


def test_dossiers_with_no_destination_are_counted_apart(history):
    result = run(history, destinations=lambda row: [])
    assert result.unrouted == result.dossiers == MONTHS * sum(VOLUMES.values())
    assert not result.sectors and not result.flags


def test_months_are_counted_on_the_civil_calendar():
    assert months_between(dt.date(2026, 1, 1), dt.date(2026, 7, 1)) == 6
    assert months_between(dt.date(2026, 1, 1), dt.date(2026, 1, 16)) == pytest.approx(15 / 31)
    assert months_between(dt.date(2026, 1, 16), dt.date(2026, 3, 1)) == pytest.approx(16 / 31 + 1)
