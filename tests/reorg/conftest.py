"""A small reorganization for the plan tests (tests/reorg/test_plan*, test_apply*, test_dry_run*).

Before 1 April 2026 (fictional codes in Huế's province, beside the real units the session loaded): district
998 with communes 99801 (A), 99802 (B) and 99803 (C); their People's Committees, and the district's justice
division (D), competent for procedure T.REORG.002 province-wide. From 1 April 2026: A and B merge into
99811 (N); C is split between N (40 %) and 99812 (M, 60 %, default); D ends with two successors (UBND N for
places in N, UBND M for places in M); T.REORG.002 moves to the commune level. Dossiers are received on
9 March 2026 through the engine's services and are in flight at the old agencies.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from dossiers.dossier_world import COMPLETE, T0, TZ, UserFactory, build_procedure, build_world, make_staff
from motcua.accounts.models import User
from motcua.catalog.models import AgencyRule, CompetenceRule, Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInfo
from motcua.geo.models import AdministrativeUnit, Level, UnitType
from motcua.org.models import Agency, AgencyKind, AgencyLevel, ReceptionPoint, ReceptionPointKind, Role

OLD_FROM = dt.date(2020, 1, 1)
EFFECTIVE = dt.date(2026, 4, 1)
EFFECTIVE_AT = dt.datetime(2026, 4, 1, 0, 0, tzinfo=TZ)
AFTER = EFFECTIVE_AT + dt.timedelta(hours=8)
ROLES = (Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.CLERK)


def _unit(code: str, name: str, level: str, unit_type: str, parent: AdministrativeUnit | None, **dates: Any):
    return AdministrativeUnit.objects.create(
        code=code, name=name, level=level, unit_type=unit_type, parent=parent, province_code="46", **dates
    )


def _agency(code: str, name: str, kind: str, unit: AdministrativeUnit) -> Agency:
    return Agency.objects.create(
        code=code,
        name=name,
        kind=kind,
        level=AgencyLevel.COMMUNE,
        unit=unit,
        province_code="46",
        valid_from=OLD_FROM,
    )


def _point(agency: Agency) -> ReceptionPoint:
    return ReceptionPoint.objects.create(
        code=f"{agency.code}.MC",
        name=f"Bộ phận Một cửa {agency.name}",
        kind=ReceptionPointKind.ONE_STOP_DESK,
        agency=agency,
        unit=agency.unit,
        province_code="46",
        valid_from=OLD_FROM,
    )


@dataclass
class Reorg:
    province: AdministrativeUnit
    units: dict[str, AdministrativeUnit]
    agencies: dict[str, Agency]
    points: dict[str, ReceptionPoint]
    staff: dict[str, User]
    commune_procedure: Procedure
    district_procedure: Procedure
    citizen: User
    dossiers: dict[str, Dossier] = field(default_factory=dict)

    def receive(self, *, at: str, procedure: Procedure, place: str, forward_to: int = 1) -> Dossier:
        """A walk-in dossier at the desk of agency ``at``, accepted and moved ``forward_to`` steps on."""
        officer = self.staff[f"{at}.reception_officer"]
        dossier = services.receive_at_counter(
            by=officer,
            reception_point=self.points[at],
            procedure=procedure,
            place_unit=self.units[place],
            applicant=self.citizen,
            applicant_info=ApplicantInfo(name="Lê Thị Mai", id_number="046190000009", phone="0905000009"),
            documents=COMPLETE,
            now=T0,
        )
        dossier = services.accept(dossier=dossier, by=officer, now=T0)
        actors = [officer, self.staff[f"{procedure_agency(self, procedure, at)}.specialist"]]
        for i in range(forward_to):
            dossier = services.perform(
                dossier=dossier, by=actors[min(i, 1)], action="forward", now=T0 + dt.timedelta(hours=i + 1)
            )
        return dossier

    def plan(self, **changes: Any) -> dict[str, Any]:
        """The plan document of this reorganization; ``changes`` replace top-level sections."""
        document = copy.deepcopy(PLAN)
        document["staff"] = [
            {"username": self.staff[f"{old}.{role}"].username, "agency": new, "role": role.value}
            for old, new in (("A", "000.11.98.H46"), ("C", "000.12.98.H46"))
            for role in ROLES
        ] + [
            {"username": self.staff["A.reception_officer"].username, "agency": "000.11.98.H46",
             "role": Role.RECEPTION_OFFICER.value, "reception_point": "000.11.98.H46.MC"},
            {"username": self.staff["C.reception_officer"].username, "agency": "000.12.98.H46",
             "role": Role.RECEPTION_OFFICER.value, "reception_point": "000.12.98.H46.MC"},
            {"username": self.staff["B.specialist"].username, "agency": "000.11.98.H46",
             "role": Role.SPECIALIST.value},
        ]  # fmt: skip
        document.update(changes)
        return document


def procedure_agency(world: Reorg, procedure: Procedure, at: str) -> str:
    return "D" if procedure == world.district_procedure else at


PLAN: dict[str, Any] = {
    "format": "motcua-reorg/1",
    "code": "thu-nghiem-2026",
    "name": "Sắp xếp đơn vị hành chính thử nghiệm 2026",
    "effective_at": "2026-04-01T00:00:00+07:00",
    "province": "46",
    "legal_basis": ["Nghị quyết thử nghiệm số 1/2026"],
    "units": [
        {"change": "merge", "from": ["99801", "99802"], "into": "99811"},
        {
            "change": "split",
            "from": "99803",
            "into": [{"code": "99811", "share": 0.4}, {"code": "99812", "share": 0.6, "default": True}],
        },
        {"change": "abolish", "code": "998"},
    ],
    "agencies": {
        "open": [
            {"code": "000.11.98.H46", "name": "UBND xã Tân Nhất", "kind": "ubnd", "level": "commune",
             "unit": "99811"},
            {"code": "000.12.98.H46", "name": "UBND xã Mỹ Hòa", "kind": "ubnd", "level": "commune",
             "unit": "99812"},
        ],
        "end": [
            {"code": "T.RG.A", "successors": [{"agency": "000.11.98.H46"}]},
            {"code": "T.RG.B", "successors": [{"agency": "000.11.98.H46"}]},
            {
                "code": "T.RG.C",
                "successors": [
                    {"agency": "000.11.98.H46", "share": 0.4, "units": ["99811"]},
                    {"agency": "000.12.98.H46", "share": 0.6, "units": ["99812"]},
                ],
            },
            {
                "code": "T.RG.D",
                "successors": [
                    {"agency": "000.11.98.H46", "units": ["99811"]},
                    {"agency": "000.12.98.H46", "units": ["99812"]},
                ],
            },
        ],
    },
    "competence": [
        {
            "procedure": "T.REORG.002",
            "place_basis": "residence",
            "scope": "46",
            "agency_rule": "commune_committee",
            "legal_basis": "Nghị định 118/2025/NĐ-CP (thử nghiệm)",
        }
    ],
    "reception_points": {
        "open": [
            {"code": "000.11.98.H46.MC", "name": "Bộ phận Một cửa xã Tân Nhất", "kind": "mot_cua",
             "agency": "000.11.98.H46", "unit": "99811"},
            {"code": "000.12.98.H46.MC", "name": "Bộ phận Một cửa xã Mỹ Hòa", "kind": "mot_cua",
             "agency": "000.12.98.H46", "unit": "99812"},
        ],
        "close": ["T.RG.A.MC", "T.RG.B.MC", "T.RG.C.MC", "T.RG.D.MC"],
    },
    "office_hours": [
        {"agency": "000.11.98.H46", "copy_from": "T.RG.A"},
        {"agency": "000.12.98.H46", "intervals": [{"weekday": 5, "start": "07:30", "end": "11:30"}]},
    ],
}  # fmt: skip


def build_reorg() -> Reorg:
    base = build_world()
    province = base.province
    old = {"valid_from": OLD_FROM, "valid_to": EFFECTIVE}
    district = _unit("998", "Huyện Thử Nghiệm", Level.DISTRICT, UnitType.RURAL_DISTRICT, province, **old)
    units = {
        "46": province,
        "D": district,
        "A": _unit("99801", "Xã An Thử", Level.COMMUNE, UnitType.COMMUNE, district, **old),
        "B": _unit("99802", "Xã Bình Thử", Level.COMMUNE, UnitType.COMMUNE, district, **old),
        "C": _unit("99803", "Xã Cẩm Thử", Level.COMMUNE, UnitType.COMMUNE, district, **old),
        "N": _unit("99811", "Xã Tân Nhất", Level.COMMUNE, UnitType.COMMUNE, province, valid_from=EFFECTIVE),
        "M": _unit("99812", "Xã Mỹ Hòa", Level.COMMUNE, UnitType.COMMUNE, province, valid_from=EFFECTIVE),
    }
    agencies = {
        key: _agency(f"T.RG.{key}", f"UBND {units[key].name}", AgencyKind.PEOPLES_COMMITTEE, units[key])
        for key in "ABC"
    }
    agencies["D"] = _agency("T.RG.D", "Phòng Tư pháp Huyện Thử Nghiệm", AgencyKind.DIVISION, district)
    points = {key: _point(agency) for key, agency in agencies.items()}
    staff: dict[str, User] = {}
    for key, agency in agencies.items():
        staff[f"{key}.reception_officer"] = make_staff(
            agency, Role.RECEPTION_OFFICER, points[key], f"Một cửa {key}"
        )
        for role in ROLES:
            staff[f"{key}.{role}"] = make_staff(agency, role, name=f"{role} {key}")
    commune_procedure = base.procedure
    district_procedure, _version = build_procedure(province, code="T.REORG.002")
    CompetenceRule.objects.filter(procedure=district_procedure).update(
        agency_rule=AgencyRule.NAMED, agency=agencies["D"], valid_from=OLD_FROM
    )
    return Reorg(
        province=province,
        units=units,
        agencies=agencies,
        points=points,
        staff=staff,
        commune_procedure=commune_procedure,
        district_procedure=district_procedure,
        citizen=UserFactory(full_name="Lê Thị Mai", national_id="046190000009", phone="0905000009"),
    )


def receive_all(world: Reorg) -> dict[str, Dossier]:
    """Five dossiers: four in flight at the old agencies, one refused (finished) at A."""
    d = world.dossiers
    d["a"] = world.receive(at="A", procedure=world.commune_procedure, place="A")
    d["b"] = world.receive(at="B", procedure=world.commune_procedure, place="B")
    services.assign_step(
        dossier=d["b"], by=world.staff["B.head"], assignee=world.staff["B.specialist"].staff, now=T0
    )
    d["b"].refresh_from_db()
    d["d_in_a"] = world.receive(at="D", procedure=world.district_procedure, place="A", forward_to=2)
    d["d_in_c"] = world.receive(at="D", procedure=world.district_procedure, place="C")
    refused = services.receive_at_counter(
        by=world.staff["A.reception_officer"],
        reception_point=world.points["A"],
        procedure=world.commune_procedure,
        place_unit=world.units["A"],
        applicant_info=ApplicantInfo(name="Lê Thị Mai", id_number="046190000009"),
        documents=COMPLETE,
        now=T0,
    )
    d["finished"] = services.refuse_reception(
        dossier=refused,
        by=world.staff["A.reception_officer"],
        reason="Không thuộc trường hợp giải quyết.",
        now=T0,
    )
    for dossier in d.values():
        dossier.refresh_from_db()
    return d


@pytest.fixture
def reorg(db) -> Reorg:
    world = build_reorg()
    receive_all(world)
    return world
