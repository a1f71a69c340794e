"""Huế before 1 July 2025, and the plan that takes it to the two-tier organization (docs/reorg-hue-2025.md).

``build_before_2025`` adds to a database holding the geography, the 2025 demo organization and the sample
catalog what the demo lacks: the organization as it stood on 30 June 2025 (the district-level People's
Committees with their divisions and one-stop desks, the old communes' People's Committees with theirs, and
their staff), competence rules and procedure versions in force before 1 July 2025, and dossiers received at
the old agencies and still in flight. ``build_plan`` then writes Huế's 2025 reorganization (format
``motcua-reorg/1``, ``reorg/data/plan.schema.json``) from that data: the units from the geography's
successions, the old agencies ended with their successors, the procedures whose level changed, the staff
moved, the reception points closed and opened, the office hours copied.

Both are idempotent and read everything they write from the database: nothing Huế-specific is typed here
except the procedures' level before the reform (with its legal basis); the old bodies' codes and names come
from ``reorg/old_agencies.py``, shared with the synthetic legacy export.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.calendar.models import OfficeHours
from motcua.catalog import services as catalog_services
from motcua.catalog.models import AgencyRule, CompetenceRule, Procedure, ProcedureVersion
from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit, UnitSuccession
from motcua.geo.models import Level as UnitLevel
from motcua.org import demo as org_demo
from motcua.org import selectors as org_selectors
from motcua.org.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    Position,
    ReceptionPoint,
    ReceptionPointKind,
    Role,
)

from .old_agencies import (
    COMMITTEE,
    COMMUNE_TIER,
    DISTRICT_TIER,
    OLD_COMMUNE_SLOT,
    OLD_DISTRICT_SLOT,
    PROVINCE_TIER,
    is_old_body,
    old_agencies,
    old_commune_code,
    old_district_code,
)

Progress = Callable[[str], None] | None

PROVINCE = "46"
EFFECTIVE = dt.date(2025, 7, 1)  # Resolution 1675/NQ-UBTVQH15: the 40 new units from 1 July 2025
LAST_DAY = EFFECTIVE - dt.timedelta(days=1)
# When the provincial departments took their 2025 shape (the mergers of March 2025 [kiểm tra: date of Huế's
# decisions]): the start of those departments, of the scenario's staff and of its pre-2025 catalog. The old
# district and commune bodies start with their units (reorg.old_agencies.OldAgency.valid_from).
BEFORE_FROM = dt.date(2025, 3, 1)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LEVELS = {
    PROVINCE_TIER: AgencyLevel.PROVINCE,
    DISTRICT_TIER: AgencyLevel.DISTRICT,
    COMMUNE_TIER: AgencyLevel.COMMUNE,
}
PLAN_CODE = "hue-2025"
LEGAL_BASIS = (
    "Nghị quyết 1675/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội về việc sắp xếp các đơn vị "
    "hành chính cấp xã của thành phố Huế năm 2025",
    "Luật Tổ chức chính quyền địa phương 2025: chính quyền địa phương hai cấp, không tổ chức cấp huyện "
    "từ 01/7/2025",
)

# The sample catalog's procedures that were decided at district level before 1 July 2025: by the district
# People's Committee (COMMITTEE) or one of its divisions (slot), and why. Every other procedure kept its
# 2025 competence (the commune committee, or the named provincial department) before the reform too.
_CIVIL = "Luật Hộ tịch 2014, Điều 7 khoản 2 và Điều 37: UBND cấp huyện đăng ký hộ tịch có yếu tố nước ngoài"
_BUSINESS = (
    "Nghị định 01/2021/NĐ-CP, Điều 14: Phòng Tài chính – Kế hoạch thuộc UBND cấp huyện là cơ quan đăng ký "
    "kinh doanh cấp huyện, đăng ký hộ kinh doanh"
)
_SOCIAL = "Nghị định 20/2021/NĐ-CP: Chủ tịch UBND cấp huyện quyết định trợ giúp xã hội [kiểm tra: điều]"
_BUILDING = (
    "Luật Xây dựng 2014 (sửa đổi 2020), Điều 103 khoản 3: "
    "UBND cấp huyện cấp giấy phép xây dựng nhà ở riêng lẻ"
)
DISTRICT_PROCEDURES: dict[str, tuple[str, str]] = {
    "2.000806": (COMMITTEE, _CIVIL),
    "2.001008": (
        "01",
        "Nghị định 23/2015/NĐ-CP, Điều 5 khoản 1: Phòng Tư pháp chứng thực chữ ký người dịch [kiểm tra]",
    ),
    "1.001266": ("02", _BUSINESS),
    "1.001570": ("02", _BUSINESS),
    "1.001612": ("02", _BUSINESS),
    "2.000575": ("02", _BUSINESS),
    "2.000720": ("02", _BUSINESS),
    "1.001731": (COMMITTEE, _SOCIAL),
    "1.001776": (COMMITTEE, _SOCIAL),
    "1.013225": (COMMITTEE, _BUILDING),
    "1.013227": (COMMITTEE, _BUILDING),
    "1.013228": (COMMITTEE, _BUILDING),
    "2.002894": (
        "06",
        "Nghị định 46/2017/NĐ-CP (sửa đổi bởi Nghị định 135/2018/NĐ-CP): Trưởng phòng Giáo dục và Đào tạo "
        "cho phép trường mầm non hoạt động giáo dục [kiểm tra: điều]",
    ),
}
DOSSIERS = 300  # in flight on 30 June 2025 in the full scenario
# The forward path up to the signature, in the order a step offers the actions (the scenario never signs).
MOVES = ("forward", "approve", "sign")


def _noop(_message: str) -> None:
    return None


# --- the organization before 1 July 2025 --------------------------------------------------------------


def _old_units(province_code: str) -> tuple[list[AdministrativeUnit], list[AdministrativeUnit]]:
    units = list(
        AdministrativeUnit.objects.valid_on(LAST_DAY)
        .filter(province_code=province_code, level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE])
        .order_by("code")
    )
    districts = [u for u in units if u.level == UnitLevel.DISTRICT]
    communes = [u for u in units if u.level == UnitLevel.COMMUNE]
    if not districts or not communes:
        raise DomainError(
            "reorg.no_old_units",
            _(
                "Chưa có đơn vị hành chính trước ngày 01/7/2025 của tỉnh %(province)s: "
                "hãy nạp dữ liệu địa giới."
            ),
            province=province_code,
        )
    return districts, communes


def _old_organization(
    districts: list[AdministrativeUnit], communes: list[AdministrativeUnit], province_code: str
) -> tuple[list[org_demo.AgencyRow], list[org_demo.PointRow], list[org_demo.AccountRow]]:
    """The rows of the district and commune bodies as org.demo builds the 2025 ones (codes: module header)."""
    committee = org_demo.province_agency_code(org_demo.PROVINCE_COMMITTEE_SLOT, province_code)
    city = org_selectors.agency_by_code(code=committee, on=LAST_DAY)
    if city is None:
        raise DomainError(
            "reorg.no_new_organization", _("Chưa có tổ chức của thành phố: hãy chạy 'motcua demo' trước.")
        )
    # The city committee, already in force (reached back), is listed as the district committees' parent.
    agencies: list[org_demo.AgencyRow] = [
        org_demo.AgencyRow(city.code, city.name, city.short_name, city.kind, city.level, city.unit)
    ]
    points: list[org_demo.PointRow] = []
    accounts: list[org_demo.AccountRow] = []
    district_slugs = org_demo._commune_slugs(districts)
    commune_slugs = org_demo._commune_slugs(communes)
    for body in old_agencies(districts=districts, communes=communes, province_code=province_code):
        code, unit = body.code, body.unit
        label = org_demo._lower_first(unit.name)  # "huyện Phú Vang", "xã Phú Thượng"
        agencies.append(
            org_demo.AgencyRow(
                code,
                body.name,
                body.short_name,
                body.kind,
                # District bodies: a historical level, ended 1 July 2025 (org.models.DISTRICT_LEVEL_ENDS).
                LEVELS[body.tier],
                unit,
                body.parent_code or committee,
                valid_from=body.valid_from,
            )
        )
        if body.tier == COMMUNE_TIER:
            points.append(
                org_demo.PointRow(
                    code,
                    f"Bộ phận Một cửa UBND {label}",
                    ReceptionPointKind.ONE_STOP_DESK,
                    code,
                    unit,
                    valid_from=body.valid_from,
                )
            )
            slug = f"cu.{commune_slugs[unit.code]}"
            accounts += [
                org_demo.AccountRow(
                    f"{slug}.tiepnhan",
                    Role.RECEPTION_OFFICER,
                    code,
                    f"Công chức tiếp nhận, Bộ phận Một cửa {label}",
                    code,
                ),
                org_demo.AccountRow(f"{slug}.tuphap", Role.SPECIALIST, code, "Công chức Tư pháp – Hộ tịch"),
                org_demo.AccountRow(
                    f"{slug}.diachinh", Role.SPECIALIST, code, "Công chức Địa chính – Xây dựng"
                ),
                org_demo.AccountRow(f"{slug}.vanphong", Role.HEAD, code, "Công chức Văn phòng – Thống kê"),
                org_demo.AccountRow(f"{slug}.lanhdao", Role.LEADER, code, f"Phó Chủ tịch UBND {label}"),
                org_demo.AccountRow(f"{slug}.vanthu", Role.CLERK, code, "Văn thư UBND"),
            ]
            continue
        slug = f"cuh.{district_slugs[unit.code]}"
        if body.division is None:
            points.append(
                org_demo.PointRow(
                    code,
                    f"Bộ phận Một cửa UBND {label}",
                    ReceptionPointKind.ONE_STOP_DESK,
                    code,
                    unit,
                    valid_from=body.valid_from,
                )
            )
            accounts += [
                org_demo.AccountRow(
                    f"{slug}.tiepnhan",
                    Role.RECEPTION_OFFICER,
                    code,
                    f"Công chức tiếp nhận, Bộ phận Một cửa {label}",
                    code,
                ),
                org_demo.AccountRow(
                    f"{slug}.chuyenvien", Role.SPECIALIST, code, f"Chuyên viên Văn phòng UBND {label}"
                ),
                org_demo.AccountRow(
                    f"{slug}.chanhvanphong", Role.HEAD, code, f"Chánh Văn phòng UBND {label}"
                ),
                org_demo.AccountRow(f"{slug}.lanhdao", Role.LEADER, code, f"Phó Chủ tịch UBND {label}"),
                org_demo.AccountRow(f"{slug}.vanthu", Role.CLERK, code, f"Văn thư UBND {label}"),
            ]
            continue
        name, prefix = body.short_name, f"{slug}.{body.division.slug}"
        accounts += [
            # Division officers receive at the district's one-stop desk, as departments' do at the center.
            org_demo.AccountRow(
                f"{prefix}.tiepnhan",
                Role.RECEPTION_OFFICER,
                code,
                f"Công chức tiếp nhận của {name}",
                body.parent_code,
            ),
            org_demo.AccountRow(f"{prefix}.chuyenvien", Role.SPECIALIST, code, f"Chuyên viên {name}"),
            org_demo.AccountRow(
                f"{prefix}.phophong", Role.HEAD, code, f"Phó Trưởng {org_demo._lower_first(name)}"
            ),
            org_demo.AccountRow(
                f"{prefix}.truongphong", Role.LEADER, code, f"Trưởng {org_demo._lower_first(name)}"
            ),
            org_demo.AccountRow(f"{prefix}.vanthu", Role.CLERK, code, f"Văn thư {name}"),
        ]
    return agencies, points, accounts


def _reach_back_provincial_bodies(province_code: str) -> int:
    """The provincial bodies continued through the reform: their 2025 rows are dated back.

    The city People's Committee, the service center, the departments with their divisions, and the post
    offices were the same bodies on 30 June and on 1 July 2025. The departments (and their divisions) start
    on BEFORE_FROM, when the mergers gave them their 2025 shape; the others are older than the scenario and
    start with the pre-2025 province (its unit's valid_from), as the district bodies under the city
    committee do. Their staff's positions start on BEFORE_FROM. Their unit is the 2025 row of the city (same
    GSO code; the geography splits its periods on 1 July), which ``org.services.check_agency`` would refuse
    before 1 July: hence the update of the dates only.
    """
    agencies = Agency.objects.filter(
        province_code=province_code, level=AgencyLevel.PROVINCE, valid_from=EFFECTIVE
    )
    agencies = agencies.exclude(Q(code__contains=f".{OLD_DISTRICT_SLOT}."))
    merged = Q(kind=AgencyKind.DEPARTMENT) | Q(parent__kind=AgencyKind.DEPARTMENT)
    ids = list(agencies.values_list("pk", flat=True))
    if not ids:
        return 0
    old_province = (
        AdministrativeUnit.objects.valid_on(LAST_DAY)
        .filter(code=province_code, level=UnitLevel.PROVINCE)
        .first()
    )
    older = old_province.valid_from if old_province is not None else BEFORE_FROM
    for start, part in ((BEFORE_FROM, merged), (older, ~merged)):
        chosen = list(agencies.filter(part).values_list("pk", flat=True))
        Agency.objects.filter(pk__in=chosen).update(valid_from=start)
        ReceptionPoint.objects.filter(agency_id__in=chosen, valid_from=EFFECTIVE).update(valid_from=start)
    Position.objects.filter(agency_id__in=ids, valid_from=EFFECTIVE).update(valid_from=BEFORE_FROM)
    return len(ids)


def build_before_organization(*, province_code: str = PROVINCE, progress: Progress = None) -> dict[str, int]:
    """Huế's organization on 30 June 2025 (see the module docstring); a second run creates nothing."""
    say = progress or _noop
    districts, communes = _old_units(province_code)
    continued = _reach_back_provincial_bodies(province_code)
    agency_rows, point_rows, account_rows = _old_organization(districts, communes, province_code)
    agencies, agencies_created = org_demo._ensure_agencies(agency_rows, on=BEFORE_FROM)
    points, points_created = org_demo._ensure_points(point_rows, agencies, on=BEFORE_FROM)
    accounts_created = org_demo._ensure_accounts(
        account_rows, agencies, points, province_code=province_code, on=BEFORE_FROM
    )
    snapshots.changed()
    say(
        _(
            "Tổ chức trước 01/7/2025: %(districts)s huyện, thị xã, quận và "
            "%(communes)s xã, phường, thị trấn; "
            "%(agencies)s cơ quan (%(new_agencies)s mới), %(points)s điểm tiếp nhận (%(new_points)s mới), "
            "%(accounts)s tài khoản (%(new_accounts)s mới); %(continued)s cơ quan cấp tỉnh dùng tiếp"
        )
        % {
            "districts": len(districts),
            "communes": len(communes),
            "agencies": len(agency_rows),
            "new_agencies": agencies_created,
            "points": len(point_rows),
            "new_points": points_created,
            "accounts": len(account_rows),
            "new_accounts": accounts_created,
            "continued": continued,
        }
    )
    return {
        "agencies": agencies_created,
        "reception_points": points_created,
        "accounts": accounts_created,
        "continued": continued,
    }


# --- the catalog before 1 July 2025 -------------------------------------------------------------------


def _earlier_documents() -> dict[str, str]:
    """Number of a document in force from 1 July 2025 -> the numbers it replaced (catalog legal documents)."""
    from motcua.catalog.models import LegalDocument

    replaced: dict[str, list[str]] = defaultdict(list)
    for number, by in LegalDocument.objects.filter(replaced_by__isnull=False).values_list(
        "number", "replaced_by__number"
    ):
        replaced[by].append(number)
    return {by: ", ".join(sorted(numbers)) for by, numbers in replaced.items()}


def _before_text(text: str, earlier: dict[str, str]) -> str:
    for number, before in earlier.items():
        text = text.replace(number, before)
    return text


def _draft_before(version: ProcedureVersion, earlier: dict[str, str], basis: str) -> ProcedureVersion:
    """A draft copy of the 2025 version (catalog.services.create_draft_version) as it stood before the
    reform: dated BEFORE_FROM..EFFECTIVE, citing the documents the 2025 ones replaced, with the fee of the
    first 2025 period (set before the reform) and no online-only date from after the reform."""
    draft = catalog_services.create_draft_version(
        procedure=version.procedure, from_version=version, valid_from=BEFORE_FROM
    )
    draft.valid_to = EFFECTIVE
    draft.legal_basis = _before_text(version.legal_basis, earlier)
    if basis:
        draft.legal_basis = f"{draft.legal_basis}; {basis}"
    fees = []
    for rule in version.fee_rules or []:
        start = str(rule.get("valid_from") or "")
        if start and start > EFFECTIVE.isoformat():
            continue  # a later period (a 2026 resolution) is not part of the old version
        rule = dict(rule)
        if start:
            rule["valid_from"] = BEFORE_FROM.isoformat()
        rule["legal_basis"] = _before_text(str(rule.get("legal_basis", "")), earlier)
        fees.append(rule)
    draft.fee_rules = fees
    if draft.online_only_from is not None and draft.online_only_from >= EFFECTIVE:
        draft.online_only_from, draft.online_only_basis = None, ""
    draft.save()
    return draft


def _rules_before(
    procedure: Procedure,
    current: CompetenceRule,
    communes: list[AdministrativeUnit],
    province: AdministrativeUnit,
    province_code: str,
) -> list[CompetenceRule]:
    """Competence before the reform: one rule per old commune for a district-level procedure (the scope of a
    rule is the commune or the whole province: catalog/competence.py), else the 2025 rule dated back."""
    level = DISTRICT_PROCEDURES.get(procedure.code)
    common = {
        "procedure": procedure,
        "place_basis": current.place_basis,
        "place_fields": list(current.place_fields or []),
        "valid_from": BEFORE_FROM,
        "valid_to": EFFECTIVE,
    }
    if level is None:
        scope = province if current.scope.level == UnitLevel.PROVINCE else current.scope
        agency = current.agency
        return [
            CompetenceRule(
                **common,
                scope=scope,
                agency_rule=current.agency_rule,
                agency=agency,
                legal_basis=current.legal_basis,
            )
        ]
    slot, basis = level
    districts = {
        u.pk: u.code for u in AdministrativeUnit.objects.filter(pk__in={c.parent_id for c in communes})
    }
    bodies = {
        a.code: a
        for a in Agency.objects.valid_on(LAST_DAY).filter(
            code__in=[old_district_code(code, province_code, division=slot) for code in districts.values()]
        )
    }
    rules = []
    for commune in communes:
        body = bodies.get(
            old_district_code(districts.get(commune.parent_id or 0, ""), province_code, division=slot)
        )
        if body is not None:
            rules.append(
                CompetenceRule(
                    **common, scope=commune, agency_rule=AgencyRule.NAMED, agency=body, legal_basis=basis
                )
            )
    return rules


@transaction.atomic
def build_before_catalog(*, province_code: str = PROVINCE, progress: Progress = None) -> dict[str, int]:
    """Competence rules and a published version in force before 1 July 2025 for every procedure of the
    catalog that has none. Versions go through the catalog's services (a draft copied from the 2025 version,
    published only when the verifier passes on its first day); the rules, which the catalog writes only by
    importing a whole procedure file, are added beside the 2025 ones. Idempotent."""
    say = progress or _noop
    with_version = set(
        ProcedureVersion.objects.valid_on(LAST_DAY)
        .filter(status="published")
        .values_list("procedure_id", flat=True)
    )
    with_rules = set(CompetenceRule.objects.valid_on(LAST_DAY).values_list("procedure_id", flat=True))
    procedures = [
        p for p in Procedure.objects.order_by("code") if p.pk not in with_version or p.pk not in with_rules
    ]
    if not procedures:
        say(_("Danh mục trước 01/7/2025: đã có, không thay đổi"))
        return {"procedures": 0, "versions_published": 0}
    _districts, communes = _old_units(province_code)
    province = geo_selectors.province(code=province_code, on=LAST_DAY)
    earlier = _earlier_documents()
    rules: list[CompetenceRule] = []
    drafts: list[ProcedureVersion] = []
    for procedure in procedures:
        current = (
            CompetenceRule.objects.valid_on(EFFECTIVE)
            .filter(procedure=procedure)
            .select_related("scope", "agency")
            .order_by("id")
            .first()
        )
        version = (
            ProcedureVersion.objects.valid_on(EFFECTIVE)
            .filter(procedure=procedure, status="published")
            .first()
        )
        if current is None or version is None:
            continue  # a procedure that starts after the reform has nothing to reach back to
        if procedure.pk not in with_rules:
            rules += _rules_before(procedure, current, communes, province, province_code)
        if procedure.pk not in with_version:
            basis = DISTRICT_PROCEDURES.get(procedure.code, ("", ""))[1]
            drafts.append(_draft_before(version, earlier, basis))
    catalog_services.add_competence_rules(rules=rules)
    for draft in drafts:
        catalog_services.publish_version(version=draft, by=None)
    say(
        _(
            "Danh mục trước 01/7/2025: %(procedures)s thủ tục, %(rules)s quy tắc thẩm quyền, "
            "%(published)s phiên bản"
        )
        % {"procedures": len(procedures), "rules": len(rules), "published": len(drafts)}
    )
    return {"procedures": len(procedures), "versions_published": len(drafts)}


# --- dossiers in flight on 30 June 2025 -----------------------------------------------------------------


def _officer(role: str, agency_id: int, on: dt.date, cache: dict[tuple[str, int], Any]) -> Any:
    key = (role, agency_id)
    if key not in cache:
        agency = Agency.objects.get(pk=agency_id)
        member = org_selectors.staff_with_role(role=role, agency=agency, on=on).first()
        if member is None:
            raise DomainError(
                "reorg.no_staff",
                _("%(agency)s không có cán bộ với vai trò %(role)s."),
                agency=agency.name,
                role=role,
            )
        cache[key] = member.user
    return cache[key]


def _form_for_fees(version: ProcedureVersion, on: dt.date) -> dict[str, Any]:
    """What the counter officer types for the fee: a plausible value of each field the fee rules read (a date
    a few days before reception)."""
    from motcua.catalog import fees, forms

    properties = (version.form_schema or {}).get("properties") or {}
    data = {}
    for name in fees.names_used(version.fee_rules or []):
        if name in properties:
            date = properties[name].get("format") == "date"
            data[name] = (
                (on - dt.timedelta(days=3)).isoformat() if date else forms.sample_data(properties[name])
            )
    return data


def _reception_days() -> list[dt.date]:
    days = [LAST_DAY - dt.timedelta(days=n) for n in range(1, 36)]
    return sorted(d for d in days if d.weekday() < 5)


@dataclass
class _Counter:
    """Where and what a dossier of the scenario is: the desk that receives it, its place, its procedure."""

    point: ReceptionPoint
    place: AdministrativeUnit
    procedure: Procedure


def _counters(
    communes: list[AdministrativeUnit], province_code: str
) -> tuple[list[_Counter], list[_Counter]]:
    """Commune-level dossiers at the old commune desks, district-level ones at the district desks."""
    version_ok = {
        v.procedure_id
        for v in ProcedureVersion.objects.valid_on(LAST_DAY).filter(
            status="published", online_only_from__isnull=True
        )
    }
    procedures = [p for p in Procedure.objects.order_by("code") if p.pk in version_ok]
    commune_level = [
        p
        for p in procedures
        if p.code not in DISTRICT_PROCEDURES
        and CompetenceRule.objects.valid_on(LAST_DAY)
        .filter(procedure=p, agency_rule=AgencyRule.COMMUNE_COMMITTEE)
        .exists()
    ]
    district_level = [p for p in procedures if p.code in DISTRICT_PROCEDURES]
    points = {
        p.code: p
        for p in ReceptionPoint.objects.valid_on(LAST_DAY)
        .filter(province_code=province_code, kind=ReceptionPointKind.ONE_STOP_DESK)
        .select_related("agency")
    }
    parents = dict(
        AdministrativeUnit.objects.filter(pk__in={c.parent_id for c in communes}).values_list("pk", "code")
    )
    at_commune, at_district = [], []
    for n, commune in enumerate(communes):
        desk = points.get(old_commune_code(commune.code, province_code))
        if desk is not None and commune_level:
            at_commune.append(_Counter(desk, commune, commune_level[n % len(commune_level)]))
        district = points.get(old_district_code(parents.get(commune.parent_id or 0, ""), province_code))
        if district is not None and district_level:
            at_district.append(_Counter(district, commune, district_level[n % len(district_level)]))
    return at_commune, at_district


def _documents(version: ProcedureVersion) -> list[Any]:
    return [dossier_services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]


def _one_dossier(
    index: int, counter: _Counter, consult_with: Agency, staff: dict[tuple[str, int], Any]
) -> Dossier:
    """Receive one dossier at the counter on a working day of June 2025 and take it to the state its
    index asks for: in process at a later step (6 in 10), waiting for a supplement (2 in 10), consulting
    (2 in 10)."""
    from motcua.catalog import selectors as catalog_selectors

    rng = random.Random(index)
    days = _reception_days()
    on = days[index % len(days)]
    now = dt.datetime.combine(on, dt.time(8, 0), tzinfo=TZ) + dt.timedelta(minutes=rng.randrange(0, 420))
    version = catalog_selectors.version_in_force(procedure=counter.procedure, on=on)
    officer = _officer(Role.RECEPTION_OFFICER, counter.point.agency_id, on, staff)
    dossier = dossier_services.receive_at_counter(
        by=officer,
        reception_point=counter.point,
        procedure=counter.procedure,
        place_unit=counter.place,
        applicant_info=dossier_services.ApplicantInfo(
            name=org_demo._full_name(index + 1000), id_number=f"0461{index:08d}", phone="0914000111"
        ),
        documents=_documents(version),
        form_data=_form_for_fees(version, on),
        now=now,
        idempotency_key=f"{PLAN_CODE}-before-{index}",
    )
    assert isinstance(dossier, Dossier)  # a place of the same province: never forwarded
    dossier = dossier_services.accept(dossier=dossier, by=officer, now=now)
    aim = index % 10
    steps_ahead = rng.randrange(0, 4) if aim < 6 else 0
    wanted = {6: "request_supplement", 7: "request_supplement", 8: "consult", 9: "consult"}.get(aim)
    for _n in range(12):
        step = dossier.current_step
        if step is None:
            break
        actions = step.step.actions or []
        if wanted and wanted in actions and not step.step.is_initial:
            by = _officer(step.role, step.agency_id, on, staff)
            now += dt.timedelta(minutes=10)
            if wanted == "consult":
                dossier_services.consult(
                    dossier=dossier,
                    by=by,
                    agency=consult_with,
                    question="Đề nghị cho ý kiến về hồ sơ.",
                    now=now,
                )
            else:
                missing = [d.code for d in version.documents.all()[:1]]
                dossier_services.request_supplement(
                    dossier=dossier, by=by, missing=missing, reason="Thiếu giấy tờ theo quy định.", now=now
                )
            break
        following = [a for a in MOVES if a in actions]
        if not wanted and steps_ahead <= 0:
            break
        if not following or following[0] == "sign":
            break  # stays in flight, at the latest waiting for the leader's signature (only signing signs)
        now += dt.timedelta(minutes=10)
        by = _officer(step.role, step.agency_id, on, staff)
        dossier = dossier_services.perform(dossier=dossier, by=by, action=following[0], now=now)
        steps_ahead -= 1
    return dossier


def old_agency_ids(province_code: str = PROVINCE) -> list[int]:
    """The agencies of the bodies that ended on 30 June 2025 (the old districts' and communes' slots)."""
    rows = Agency.objects.filter(province_code=province_code, valid_from__lt=EFFECTIVE).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=EFFECTIVE)
    )
    return [pk for pk, code in rows.values_list("pk", "code") if is_old_body(code)]


def build_before_dossiers(
    *,
    count: int = DOSSIERS,
    communes: int | None = None,
    province_code: str = PROVINCE,
    progress: Progress = None,
) -> dict[str, int]:
    """``count`` dossiers received before 1 July 2025 at the old district and commune desks and still in
    flight, through the dossier services with the clock set to their day; those already made are kept."""
    say = progress or _noop
    old = old_agency_ids(province_code)
    existing = Dossier.objects.filter(receiving_agency_id__in=old).count()
    if existing >= count:
        say(_("Hồ sơ đang giải quyết trước 01/7/2025: đã có %(count)s, không thay đổi") % {"count": existing})
        return {"dossiers": 0}
    _districts, units = _old_units(province_code)
    if communes is not None:
        units = units[:communes]
    at_commune, at_district = _counters(units, province_code)
    if not at_commune or not at_district:
        raise DomainError(
            "reorg.no_old_desks",
            _("Chưa có tổ chức trước 01/7/2025: hãy chạy 'motcua reorg_demo before-2025'."),
        )
    staff: dict[tuple[str, int], Any] = {}
    consulted = org_selectors.departments(province_code=province_code, on=LAST_DAY).first()
    made = 0
    for index in range(existing, count):
        # Two in three at a commune desk, one in three at a district desk.
        pool = at_district if index % 3 == 2 else at_commune
        counter = pool[(index // 3) % len(pool)]
        consult_with = consulted if consulted is not None else counter.point.agency
        with transaction.atomic():
            _one_dossier(index, counter, consult_with, staff)
        made += 1
        if made % 25 == 0 or index == count - 1:
            say(_("Hồ sơ đang giải quyết: %(done)s/%(total)s") % {"done": index + 1, "total": count})
    return {"dossiers": made}


def build_before_2025(
    *,
    dossiers: int = DOSSIERS,
    communes: int | None = None,
    province_code: str = PROVINCE,
    progress: Progress = None,
) -> dict[str, int]:
    """The whole pre-reform scenario on top of the 2025 demo organization and sample catalog (which it loads
    through their own generators first: both are idempotent)."""
    from motcua.catalog.services import import_sample_catalog

    say = progress or _noop
    geo_selectors.province(code=province_code, on=EFFECTIVE)  # the geography must be loaded
    org_demo.generate_demo_organization(province_code=province_code, progress=say)
    if not Procedure.objects.exists():
        # Only into an empty catalog (the demo loads it); importing again would keep the pre-2025 rules.
        import_sample_catalog()
    with transaction.atomic():
        counts = build_before_organization(province_code=province_code, progress=say)
        counts.update(build_before_catalog(province_code=province_code, progress=say))
    counts.update(
        build_before_dossiers(count=dossiers, communes=communes, province_code=province_code, progress=say)
    )
    return counts


# --- the plan --------------------------------------------------------------------------------------------


def _share(part: Fraction) -> float:
    return round(float(part), 4)


def _shares(weights: dict[str, Fraction]) -> dict[str, float]:
    """Shares summing to exactly 1 after rounding to 4 decimals (the largest takes the remainder)."""
    total = sum(weights.values()) or Fraction(1)
    shares = {k: _share(w / total) for k, w in weights.items()}
    biggest = max(shares, key=lambda k: (shares[k], k))
    shares[biggest] = round(1 - sum(v for k, v in shares.items() if k != biggest), 4)
    return shares


def _successions(province_code: str) -> dict[AdministrativeUnit, list[UnitSuccession]]:
    links = (
        UnitSuccession.objects.filter(
            predecessor__province_code=province_code,
            predecessor__level=UnitLevel.COMMUNE,
            effective_on=EFFECTIVE,
        )
        .select_related("predecessor", "successor")
        .order_by("predecessor__code", "-is_default", "successor__code")
    )
    out: dict[AdministrativeUnit, list[UnitSuccession]] = defaultdict(list)
    for link in links:
        out[link.predecessor].append(link)
    return out


def _past_places(province_code: str) -> dict[int, int]:
    """Dossiers per place unit (all periods): the weight of a split commune's parts, where there are any."""
    from django.db.models import Count

    rows = (
        Dossier.objects.filter(place_unit__province_code=province_code)
        .values("place_unit")
        .annotate(n=Count("id"))
    )
    return {row["place_unit"]: row["n"] for row in rows}


def _split_weights(links: list[UnitSuccession], past: dict[int, int]) -> dict[str, Fraction]:
    """A split commune's parts: by past dossiers placed in each successor when every part has some, else
    equal (the geography holds no population)."""
    counts = {link.successor.code: past.get(link.successor_id, 0) for link in links}
    if all(counts.values()):
        return {code: Fraction(n) for code, n in counts.items()}
    return {code: Fraction(1) for code in counts}


def build_plan(*, province_code: str = PROVINCE) -> dict[str, Any]:
    """Huế's 2025 reorganization as a ``motcua-reorg/1`` document, read from the database (see the docs)."""
    # The old committees are open-ended until the plan ends them: the new ones are those of 2025 units.
    new_committees = {
        a.unit.code: a
        for a in org_selectors.commune_committees(province_code=province_code, on=EFFECTIVE).select_related(
            "unit", "parent"
        )
        if a.unit.is_valid_on(EFFECTIVE)
    }
    if not new_committees:
        raise DomainError(
            "reorg.no_new_organization", _("Chưa có tổ chức từ 01/7/2025: hãy chạy 'motcua demo'.")
        )
    successions = _successions(province_code)
    past = _past_places(province_code)
    old_agencies = {
        a.pk: a
        for a in Agency.objects.filter(pk__in=old_agency_ids(province_code))
        .select_related("unit", "parent")
        .order_by("code")
    }
    if not old_agencies:
        raise DomainError(
            "reorg.no_old_organization",
            _("Chưa có tổ chức trước 01/7/2025: hãy chạy 'motcua reorg_demo before-2025'."),
        )

    # Units: a commune with one successor merges into it; one with several is split (shares: _split_weights).
    merges: dict[str, list[str]] = defaultdict(list)
    units: list[dict[str, Any]] = []
    weights_of: dict[str, dict[str, Fraction]] = {}
    for predecessor, links in successions.items():
        if len(links) == 1:
            merges[links[0].successor.code].append(predecessor.code)
            weights_of[predecessor.code] = {links[0].successor.code: Fraction(1)}
            continue
        weights = _split_weights(links, past)
        weights_of[predecessor.code] = weights
        shares = _shares(weights)
        units.append(
            {
                "change": "split",
                "from": predecessor.code,
                "into": [
                    {
                        "code": link.successor.code,
                        "share": shares[link.successor.code],
                        "default": link.is_default,
                    }
                    for link in links
                ],
            }
        )
    units = [
        {"change": "merge", "from": sorted(codes), "into": code} for code, codes in sorted(merges.items())
    ] + units
    districts = list(
        AdministrativeUnit.objects.valid_on(LAST_DAY)
        .filter(province_code=province_code, level=UnitLevel.DISTRICT)
        .order_by("code")
    )
    units += [{"change": "abolish", "code": d.code} for d in districts]

    # Agencies: an old commune's committee -> the committees of its successors; a district body -> the
    # committees of the new communes its communes went to (shares: its old communes, a split one by parts)
    # and, for a procedure it decided that moved to a provincial agency, that agency.
    by_district: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    old_by_code = {u.code: u for u in successions}
    district_codes = {d.pk: d.code for d in districts}
    for old_code, weights in weights_of.items():
        parent = district_codes.get(old_by_code[old_code].parent_id or 0)
        if parent is None:
            continue
        total = sum(weights.values())
        for code, weight in weights.items():
            by_district[parent][code] += weight / total
    moved_up = _moved_up(province_code)
    ended: list[dict[str, Any]] = []
    for agency in old_agencies.values():
        if agency.level == AgencyLevel.COMMUNE:
            weights = weights_of.get(agency.unit.code, {})
            shares = _shares(weights) if len(weights) > 1 else {}
            successors = [
                {
                    "agency": new_committees[code].code,
                    "units": [code],
                    **({"share": shares[code]} if shares else {}),
                }
                for code in sorted(weights)
                if code in new_committees
            ]
        else:
            weights = by_district.get(agency.unit.code, {})
            shares = _shares(dict(weights))
            successors = [
                {"agency": new_committees[code].code, "share": shares[code], "units": [code]}
                for code in sorted(weights)
                if code in new_committees
            ]
            for target, codes in sorted(moved_up.get(agency.code, {}).items()):
                successors.append({"agency": target, "procedures": sorted(codes)})
        ended.append({"code": agency.code, "successors": successors})

    plan: dict[str, Any] = {
        "format": "motcua-reorg/1",
        "code": PLAN_CODE,
        "name": "Thành phố Huế: chính quyền địa phương hai cấp từ 01/7/2025",
        "effective_at": dt.datetime.combine(EFFECTIVE, dt.time(0, 0), tzinfo=TZ).isoformat(),
        "province": province_code,
        "legal_basis": list(LEGAL_BASIS),
        "units": units,
        "agencies": {
            "open": [
                {
                    "code": a.code,
                    "name": a.name,
                    "short_name": a.short_name,
                    "kind": a.kind,
                    "level": a.level,
                    "unit": a.unit.code,
                    **({"parent": a.parent.code} if a.parent else {}),
                }
                for a in sorted(new_committees.values(), key=lambda a: a.code)
            ],
            "end": ended,
        },
        "competence": _competence_changes(province_code),
        "staff": _staff_moves(old_agencies, ended, new_committees),
        "reception_points": _points(province_code, old_agencies),
        "office_hours": _office_hours(ended, old_agencies),
    }
    return plan


def _moved_up(province_code: str) -> dict[str, dict[str, set[str]]]:
    """Old district body code -> provincial agency code -> procedures it decided before the reform and a
    provincial agency (named) decides from 1 July 2025."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    before = (
        CompetenceRule.objects.valid_on(LAST_DAY)
        .filter(agency__isnull=False)
        .select_related("agency", "procedure")
    )
    after = {
        r.procedure_id: r.agency.code
        for r in CompetenceRule.objects.valid_on(EFFECTIVE)
        .filter(agency__isnull=False, agency__level=AgencyLevel.PROVINCE)
        .select_related("agency")
    }
    for rule in before:
        if is_old_body(rule.agency.code) and rule.procedure_id in after:
            out[rule.agency.code][after[rule.procedure_id]].add(rule.procedure.code)
    return out


def _competence_changes(province_code: str) -> list[dict[str, Any]]:
    """The 2025 rule of each procedure whose competent level changed on 1 July 2025 (decided by an old
    district body before), with the legal basis the catalog gives for the 2025 rule."""
    changed = set(
        CompetenceRule.objects.valid_on(LAST_DAY)
        .filter(agency__isnull=False, agency__province_code=province_code)
        .values_list("procedure_id", "agency__code")
    )
    procedures = sorted({pid for pid, code in changed if is_old_body(code)})
    entries = []
    for rule in (
        CompetenceRule.objects.valid_on(EFFECTIVE)
        .filter(procedure_id__in=procedures)
        .select_related("procedure", "scope", "agency")
        .order_by("procedure__code", "id")
    ):
        basis = " ".join((rule.legal_basis or "").split()) or _("Luật Tổ chức chính quyền địa phương 2025")
        entries.append(
            {
                "procedure": rule.procedure.code,
                "place_basis": rule.place_basis,
                "scope": rule.scope.code,
                "agency_rule": rule.agency_rule,
                **({"agency": rule.agency.code} if rule.agency_id else {}),
                **({"place_fields": list(rule.place_fields)} if rule.place_fields else {}),
                "legal_basis": basis[:500],
            }
        )
    return entries


def _staff_moves(
    old_agencies: dict[int, Agency], ended: list[dict[str, Any]], new_committees: dict[str, Agency]
) -> list[dict[str, Any]]:
    """Every person holding a position at an old body moves, with the same role, to one of its successors:
    a commune's staff to its default successor, a district's shared out over its successor communes in turn.
    Receiving roles sit at the new committee's center (its reception point carries its code)."""
    successors = {
        entry["code"]: [s["agency"] for s in entry["successors"] if "procedures" not in s] for entry in ended
    }
    defaults = {
        link.predecessor.code: link.successor.code
        for links in _successions(next(iter(old_agencies.values())).province_code).values()
        for link in links
        if link.is_default
    }
    desks: dict[str, str] = {}  # new committee -> the code of its first reception point on the day
    for agency_code, point_code in (
        ReceptionPoint.objects.valid_on(EFFECTIVE)
        .filter(agency__code__in=[a.code for a in new_committees.values()])
        .order_by("-code")
        .values_list("agency__code", "code")
    ):
        desks[agency_code] = point_code
    moves = []
    turn: dict[str, int] = defaultdict(int)
    positions = (
        Position.objects.valid_on(LAST_DAY)
        .filter(agency_id__in=list(old_agencies))
        .select_related("staff__user", "agency__unit")
        .order_by("agency__code", "staff__user__username")
    )
    for position in positions:
        agency = position.agency
        targets = successors.get(agency.code) or []
        if not targets:
            continue
        if (
            agency.level == AgencyLevel.COMMUNE
            and agency.unit.code in defaults
            and defaults[agency.unit.code] in new_committees
        ):
            target = new_committees[defaults[agency.unit.code]].code
        else:
            district = agency.code.split(".")[0]
            target = targets[turn[district] % len(targets)]
            turn[district] += 1
        move = {"username": position.staff.user.username, "agency": target, "role": position.role}
        if position.role in (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF) and target in desks:
            move["reception_point"] = desks[target]
        moves.append(move)
    return moves


def _points(province_code: str, old_agencies: dict[int, Agency]) -> dict[str, Any]:
    closing = (
        ReceptionPoint.objects.valid_on(LAST_DAY)
        .filter(agency_id__in=list(old_agencies))
        .order_by("code")
        .values_list("code", flat=True)
    )
    opening = (
        ReceptionPoint.objects.filter(
            province_code=province_code, valid_from=EFFECTIVE, agency__level=AgencyLevel.COMMUNE
        )
        .select_related("agency", "unit")
        .order_by("code")
    )
    return {
        "open": [
            {"code": p.code, "name": p.name, "kind": p.kind, "agency": p.agency.code, "unit": p.unit.code}
            for p in opening
        ],
        "close": list(closing),
    }


def _office_hours(ended: list[dict[str, Any]], old_agencies: dict[int, Agency]) -> list[dict[str, Any]]:
    """A new committee takes the office hours of an old body it succeeds when that body had its own (the
    default schedule needs no copy); the first such predecessor in code order wins."""
    with_own = set(
        OfficeHours.objects.filter(agency_id__in=list(old_agencies)).values_list("agency__code", flat=True)
    )
    copies: dict[str, str] = {}
    for entry in ended:
        if entry["code"] not in with_own:
            continue
        for successor in entry["successors"]:
            if "procedures" not in successor:
                copies.setdefault(successor["agency"], entry["code"])
    return [{"agency": agency, "copy_from": source} for agency, source in sorted(copies.items())]


def plan_yaml(*, province_code: str = PROVINCE) -> str:
    """The plan as YAML, keys in the schema's order, Vietnamese text kept readable."""
    import yaml

    header = (
        "# Kế hoạch sắp xếp tổ chức của thành phố Huế từ 01/7/2025, định dạng motcua-reorg/1.\n"
        "# Sinh từ cơ sở dữ liệu bằng 'motcua reorg_demo plan' (docs/reorg-hue-2025.md); đừng sửa tay.\n"
    )
    body = yaml.safe_dump(
        build_plan(province_code=province_code), allow_unicode=True, sort_keys=False, width=110
    )
    return header + body


__all__ = [
    "BEFORE_FROM",
    "COMMITTEE",
    "EFFECTIVE",
    "OLD_COMMUNE_SLOT",
    "OLD_DISTRICT_SLOT",
    "build_before_2025",
    "build_before_catalog",
    "build_before_dossiers",
    "build_before_organization",
    "build_plan",
    "is_old_body",
    "old_agency_ids",
    "old_commune_code",
    "old_district_code",
    "plan_yaml",
]
