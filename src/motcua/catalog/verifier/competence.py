"""``competence.gap`` / ``competence.overlap``: exactly one competent agency per procedure and commune."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from ..competence import applicable_rules
from ..models import (
    AgencyRule,
    Procedure,
)
from .report import ERROR, AddFinding
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
        elif rule.agency_id in world.agencies:
            agencies.append(rule.agency_id)
        else:
            reasons.append(
                _("cơ quan '%(agency)s' không hoạt động vào ngày này")
                % {"agency": world.agency_name(rule.agency_id)}
            )
    return agencies, "; ".join(reasons)


def check_competence(add: AddFinding, world: World, rules: list[RuleRow]) -> dict[int, int]:
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
