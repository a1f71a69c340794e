"""A small world for dossier tests: Huế units, two commune committees, a post office, a department,
their staff, and a published commune procedure with a six-step workflow.

Built on top of whatever the session loaded (geography, demo organization): existing units and commune
committees are reused, everything else is created. Transactional tests (flushed database) call it too.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory

from motcua.accounts.models import User
from motcua.catalog.models import (
    Action,
    AgencyRule,
    CompetenceRule,
    Field,
    OnlineLevel,
    PerformerRule,
    PlaceBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    TimeUnit,
    Transition,
    VersionStatus,
    Workflow,
    WorkflowStep,
)
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInfo, DocumentInput
from motcua.geo.models import AdministrativeUnit, Level, UnitType
from motcua.org.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    Position,
    ReceptionPoint,
    ReceptionPointKind,
    Role,
    Staff,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REFORM = dt.date(2025, 7, 1)
PHU_XUAN = "19753"
PHU_VANG = "19942"
# Monday 9 March 2026, 08:00 in Huế: an ordinary working week (no public holiday).
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"dossier-test-{n}-{next(_seq)}")
    full_name = factory.Faker("name", locale="vi_VN")
    is_active = True


def _unit(
    code: str, name: str, unit_type: str, level: str, parent: AdministrativeUnit | None
) -> AdministrativeUnit:
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code=code,
        valid_from=REFORM,
        defaults={
            "name": name,
            "level": level,
            "unit_type": unit_type,
            "parent": parent,
            "province_code": "46",
        },
    )
    return unit


def _agency(code: str, name: str, kind: str, level: str, unit: AdministrativeUnit) -> Agency:
    agency, _ = Agency.objects.get_or_create(
        code=code,
        valid_from=REFORM,
        defaults={"name": name, "kind": kind, "level": level, "unit": unit, "province_code": "46"},
    )
    return agency


def _committee(unit: AdministrativeUnit, code: str) -> Agency:
    existing = (
        Agency.objects.valid_on(T0.date())
        .filter(unit=unit, level=AgencyLevel.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE)
        .order_by("code")
        .first()
    )
    return existing or _agency(
        code, f"UBND {unit.name}", AgencyKind.PEOPLES_COMMITTEE, AgencyLevel.COMMUNE, unit
    )


def _point(agency: Agency, code: str, kind: str) -> ReceptionPoint:
    point, _ = ReceptionPoint.objects.get_or_create(
        code=code,
        valid_from=REFORM,
        defaults={
            "name": f"Điểm tiếp nhận {code}",
            "kind": kind,
            "agency": agency,
            "unit": agency.unit,
            "province_code": "46",
        },
    )
    return point


def make_staff(agency: Agency, role: str, point: ReceptionPoint | None = None, name: str = "") -> User:
    user = UserFactory()
    staff = Staff.objects.create(user=user, agency=agency, full_name=name or user.full_name or user.username)
    Position.objects.create(staff=staff, role=role, agency=agency, reception_point=point, valid_from=REFORM)
    return user


@dataclass
class World:
    province: AdministrativeUnit
    phu_xuan: AdministrativeUnit
    phu_vang: AdministrativeUnit
    ubnd_phu_xuan: Agency
    ubnd_phu_vang: Agency
    post: Agency
    department: Agency
    point_phu_xuan: ReceptionPoint
    point_phu_vang: ReceptionPoint
    point_post: ReceptionPoint
    procedure: Procedure
    version: ProcedureVersion
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _step(
    workflow: Workflow,
    order: int,
    code: str,
    name: str,
    role: str,
    performer: str,
    hours: int,
    actions: list[str],
    initial: bool = False,
) -> WorkflowStep:
    return WorkflowStep.objects.create(
        workflow=workflow,
        code=code,
        name=name,
        order=order,
        role=role,
        performer=performer,
        allotment_hours=Decimal(hours),
        actions=actions,
        is_initial=initial,
    )


def build_procedure(
    province: AdministrativeUnit, code: str = "T.DOSSIER.001"
) -> tuple[Procedure, ProcedureVersion]:
    existing = Procedure.objects.filter(code=code).first()
    if existing is not None:
        return existing, existing.versions.get(number=1)
    sector, _ = Field.objects.get_or_create(code="T.HT", defaults={"name": "Hộ tịch (thử nghiệm)"})
    procedure = Procedure.objects.create(
        code=code, name="Đăng ký kết hôn (thử nghiệm hồ sơ)", field=sector, at_commune=True
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        valid_from=REFORM,
        time_limit_amount=Decimal(3),
        time_limit_unit=TimeUnit.WORKING_DAYS,
        online_level=OnlineLevel.FULL,
        result_name="Giấy chứng nhận kết hôn",
    )
    RequiredDocument.objects.create(
        version=version, code="TK", name="Tờ khai đăng ký kết hôn", originals=1, order=1
    )
    RequiredDocument.objects.create(
        version=version, code="XNTT", name="Giấy xác nhận tình trạng hôn nhân", originals=1, order=2
    )
    RequiredDocument.objects.create(
        version=version, code="UQ", name="Văn bản ủy quyền", originals=1, mandatory=False, order=3
    )
    CompetenceRule.objects.create(
        procedure=procedure,
        place_basis=PlaceBasis.RESIDENCE,
        scope=province,
        agency_rule=AgencyRule.COMMUNE_COMMITTEE,
        valid_from=REFORM,
    )
    wf = Workflow.objects.create(version=version, name="Quy trình thử nghiệm")
    A = Action
    receive = _step(
        wf,
        1,
        "tiep_nhan",
        "Tiếp nhận hồ sơ",
        Role.RECEPTION_OFFICER,
        PerformerRule.RECEIVING,
        4,
        [A.FORWARD],
        initial=True,
    )
    review = _step(
        wf,
        2,
        "tham_dinh",
        "Thẩm định",
        Role.SPECIALIST,
        PerformerRule.COMPETENT,
        8,
        [A.FORWARD, A.RETURN, A.REQUEST_SUPPLEMENT, A.REFUSE, A.CONSULT],
    )
    approve = _step(
        wf, 3, "duyet", "Lãnh đạo phòng duyệt", Role.HEAD, PerformerRule.COMPETENT, 4, [A.APPROVE, A.RETURN]
    )
    sign = _step(
        wf, 4, "ky", "Lãnh đạo UBND ký", Role.LEADER, PerformerRule.COMPETENT, 4, [A.SIGN, A.RETURN, A.REFUSE]
    )
    number = _step(
        wf, 5, "vao_so", "Vào số, đóng dấu", Role.CLERK, PerformerRule.COMPETENT, 2, [A.ISSUE_NUMBER]
    )
    hand = _step(
        wf, 6, "tra_kq", "Trả kết quả", Role.RECEPTION_OFFICER, PerformerRule.RECEIVING, 2, [A.RETURN_RESULT]
    )
    for source, action, target, reason in [
        (receive, A.FORWARD, review, False),
        (review, A.FORWARD, approve, False),
        (review, A.REFUSE, None, True),
        (approve, A.APPROVE, sign, False),
        (approve, A.RETURN, review, True),
        (sign, A.SIGN, number, False),
        (sign, A.RETURN, review, True),
        (sign, A.REFUSE, None, True),
        (number, A.ISSUE_NUMBER, hand, False),
        (hand, A.RETURN_RESULT, None, False),
    ]:
        Transition.objects.create(source=source, action=action, target=target, requires_reason=reason)
    ProcedureVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED, published_at=T0)
    version.refresh_from_db()
    return procedure, version


def build_world() -> World:
    province = _unit("46", "Thành phố Huế", UnitType.CENTRAL_CITY, Level.PROVINCE, None)
    phu_xuan = _unit(PHU_XUAN, "Phường Phú Xuân", UnitType.WARD, Level.COMMUNE, province)
    phu_vang = _unit(PHU_VANG, "Xã Phú Vang", UnitType.COMMUNE, Level.COMMUNE, province)
    ubnd_px = _committee(phu_xuan, "T.PX")
    ubnd_pv = _committee(phu_vang, "T.PV")
    post = _agency("T.BD", "Bưu điện thử nghiệm", AgencyKind.POST_OFFICE, AgencyLevel.PROVINCE, province)
    dept = _agency("T.STP", "Sở Tư pháp (thử nghiệm)", AgencyKind.DEPARTMENT, AgencyLevel.PROVINCE, province)
    point_px = _point(ubnd_px, "T.PX.MC", ReceptionPointKind.ONE_STOP_DESK)
    point_pv = _point(ubnd_pv, "T.PV.MC", ReceptionPointKind.ONE_STOP_DESK)
    point_post = _point(post, "T.BD.01", ReceptionPointKind.POST_OFFICE)
    procedure, version = build_procedure(province)
    world = World(
        province,
        phu_xuan,
        phu_vang,
        ubnd_px,
        ubnd_pv,
        post,
        dept,
        point_px,
        point_pv,
        point_post,
        procedure,
        version,
    )
    u = world.users
    u["officer_px"] = make_staff(ubnd_px, Role.RECEPTION_OFFICER, point_px, "Cán bộ một cửa Phú Xuân")
    u["officer_pv"] = make_staff(ubnd_pv, Role.RECEPTION_OFFICER, point_pv, "Cán bộ một cửa Phú Vang")
    u["postal"] = make_staff(post, Role.POSTAL_STAFF, point_post, "Nhân viên bưu điện")
    for prefix, agency in (("px", ubnd_px), ("pv", ubnd_pv)):
        u[f"specialist_{prefix}"] = make_staff(agency, Role.SPECIALIST, name=f"Chuyên viên {prefix} 1")
        u[f"specialist2_{prefix}"] = make_staff(agency, Role.SPECIALIST, name=f"Chuyên viên {prefix} 2")
        u[f"head_{prefix}"] = make_staff(agency, Role.HEAD, name=f"Lãnh đạo phòng {prefix}")
        u[f"leader_{prefix}"] = make_staff(agency, Role.LEADER, name=f"Chủ tịch UBND {prefix}")
        u[f"clerk_{prefix}"] = make_staff(agency, Role.CLERK, name=f"Văn thư {prefix}")
    u["dept_specialist"] = make_staff(dept, Role.SPECIALIST, name="Chuyên viên Sở Tư pháp")
    u["citizen"] = UserFactory(full_name="Nguyễn Thị Hoa", national_id="046190000001", phone="0905000001")
    u["stranger"] = UserFactory(full_name="Trần Văn Lạ", national_id="046190000002")
    return world


# --- helpers that take a dossier along the way ---------------------------------------------------------

COMPLETE = [DocumentInput(code="TK"), DocumentInput(code="XNTT")]


def walk_in_px_for_pv(world: World) -> dict:
    """What the officer at Phường Phú Xuân's counter types for a resident of Xã Phú Vang (documents aside)."""
    return {
        "by": world.officer_px,
        "reception_point": world.point_phu_xuan,
        "procedure": world.procedure,
        "place_unit": world.phu_vang,
        "applicant": world.citizen,
        "applicant_info": ApplicantInfo(name="Nguyễn Thị Hoa", id_number="046190000001", phone="0905000001"),
    }


def receive_px_for_pv(
    world: World, *, now: dt.datetime = T0, documents=COMPLETE, key: str | None = None
) -> Dossier:
    """A walk-in dossier at Phường Phú Xuân from a resident of Xã Phú Vang."""
    return services.receive_at_counter(
        **walk_in_px_for_pv(world), documents=documents, idempotency_key=key, now=now
    )


def accepted(world: World, *, now: dt.datetime = T0) -> Dossier:
    dossier = receive_px_for_pv(world, now=now)
    return services.accept(dossier=dossier, by=world.officer_px, now=now)


def to_review(world: World, *, now: dt.datetime = T0) -> Dossier:
    """Accepted at Phú Xuân and forwarded to the specialists of Phú Vang (step tham_dinh)."""
    dossier = accepted(world, now=now)
    return services.perform(
        dossier=dossier, by=world.officer_px, action="forward", now=now + dt.timedelta(hours=1)
    )


def move(*, dossier: Dossier, by: Any, action: str, **options: Any) -> Dossier:
    """A workflow movement as the engine's tests walk it: ``sign`` through the engine's sign step, the path of
    the signing service (which asks for the document and the code first: tests/signing), the others through
    ``perform`` (which refuses ``sign``)."""
    if action == "sign":
        from motcua.dossiers.services.signature_step import pass_sign_step

        return pass_sign_step(dossier=dossier, by=by, **options)
    return services.perform(dossier=dossier, by=by, action=action, **options)
