"""``competence.gap`` / ``competence.overlap``: exactly one competent agency per procedure and commune;
``competence.district_agency``: no rule names a district body on or after 1 July 2025 (no district level);
``competence.place_fields`` / ``competence.place_field``: each rule names the e-form fields carrying the
place the law names, and each is a commune picker of the version's form."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from ..competence import applicable_rules
from ..forms import is_commune_picker
from ..models import (
    AgencyRule,
    PlaceBasis,
    Procedure,
)
from .report import ERROR, AddFinding
from .versions import VersionRow
from .world import RuleRow, World, rules_by_procedure


def competent_agencies(world: World, rules: list[RuleRow], commune_id: int) -> tuple[list[int], str]:
    """Agencies competent for one commune, and why none when the list is empty."""
    applicable = applicable_rules(
        rules,
        commune_id=commune_id,
        province_code=world.province_code,
        scope=lambda rule: (rule.scope_id, rule.scope_is_province, rule.scope_province),
    )
    if not applicable:
        return [], _("không có quy tắc thẩm quyền áp dụng")
    agencies: list[int] = []
    reasons = []
    for rule in applicable:
        if rule.agency_rule == AgencyRule.COMMUNE_COMMITTEE:
            found = world.committee_of.get(commune_id, [])
            if not found:
                reasons.append(_("không có UBND xã, phường đang hoạt động"))
            agencies.extend(found)
        elif rule.agency_id in world.district_agencies:
            reasons.append(
                _("'%(agency)s' là cơ quan cấp huyện, không còn từ 01/07/2025")
                % {"agency": world.agency_name(rule.agency_id)}
            )
        elif rule.agency_id in world.agencies:
            agencies.append(rule.agency_id)
        else:
            reasons.append(
                _("cơ quan '%(agency)s' không hoạt động vào ngày này")
                % {"agency": world.agency_name(rule.agency_id)}
            )
    return agencies, "; ".join(reasons)


def check_competence(add: AddFinding, world: World, rules: list[RuleRow]) -> dict[int, int]:
    district = sorted({rule.agency_id for rule in rules if rule.agency_id in world.district_agencies})
    if district:
        add(
            ERROR,
            "competence.district_agency",
            _(
                "quy tắc thẩm quyền giao cho cơ quan cấp huyện, không còn cấp huyện từ 01/07/2025 "
                "(Luật Tổ chức chính quyền địa phương số 72/2025/QH15): %(agencies)s"
            )
            % {"agencies": ", ".join(world.agency_name(a) for a in district)},
        )
    competent: dict[int, int] = {}
    gaps, overlaps = [], []
    for commune_id, commune_name in world.communes:
        agencies, why = competent_agencies(world, rules, commune_id)
        if not agencies:
            gaps.append(f"{commune_name} ({why})")
        elif len(agencies) > 1:
            names = ", ".join(world.agency_name(a) for a in agencies)
            overlaps.append(f"{commune_name}: {names}")
        else:
            competent[commune_id] = agencies[0]
    if gaps:
        add(
            ERROR,
            "competence.gap",
            _("không có cơ quan có thẩm quyền tại %(count)s xã, phường: %(communes)s")
            % {"count": len(gaps), "communes": "; ".join(gaps)},
        )
    if overlaps:
        add(
            ERROR,
            "competence.overlap",
            _("nhiều cơ quan cùng có thẩm quyền tại %(count)s xã, phường: %(communes)s")
            % {"count": len(overlaps), "communes": "; ".join(overlaps)},
        )
    return competent


def check_place_fields(add: AddFinding, version: VersionRow, rules: list[RuleRow]) -> None:
    """A rule whose place basis is not ``none`` names the e-form field(s) that carry the place (Luật Hộ
    tịch 2014 Art. 13, 17, 32 name whose residence or which event); each named field is a commune picker
    (widget ``unit`` on a string field) of this version's form; the rules of a procedure agree on them."""
    schema, ui = version.form_schema or {}, version.ui_schema or {}
    reported: set[str] = set()
    for rule in rules:
        if rule.place_basis and rule.place_basis != PlaceBasis.NONE and not rule.place_fields:
            add(
                ERROR,
                "competence.place_fields",
                _("quy tắc thẩm quyền theo %(basis)s chưa nêu trường tờ khai mang địa bàn (place_fields)")
                % {"basis": PlaceBasis(rule.place_basis).label},
            )
        for name in rule.place_fields:
            if name in reported or is_commune_picker(schema, ui, name):
                continue
            reported.add(name)
            add(
                ERROR,
                "competence.place_field",
                _(
                    "trường '%(field)s' mà quy tắc thẩm quyền dùng để xác định địa bàn không có trong "
                    "tờ khai hoặc không phải ô chọn xã, phường (widget 'unit' trên trường kiểu chuỗi)"
                )
                % {"field": name},
            )
    named = {rule.place_fields for rule in rules if rule.place_fields}
    if len(named) > 1:
        add(
            ERROR,
            "competence.place_fields",
            _("các quy tắc thẩm quyền cùng có hiệu lực nêu trường địa bàn khác nhau: %(fields)s")
            % {"fields": "; ".join(", ".join(fields) for fields in sorted(named))},
        )


def competent_agency_ids(
    *, on: dt.date, procedure: Procedure, province_code: str | None = None
) -> dict[int, int]:
    """commune id -> competent agency id for one procedure (communes with a gap or overlap left out)."""
    world = World(on=on, province_code=province_code or settings.MOTCUA_PROVINCE_CODE)
    rules = rules_by_procedure(on=on, procedure_ids={procedure.id}).get(procedure.id, [])
    result = {}
    for commune_id, _name in world.communes:
        agencies, _why = competent_agencies(world, rules, commune_id)
        if len(agencies) == 1:
            result[commune_id] = agencies[0]
    return result
