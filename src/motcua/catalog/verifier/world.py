"""Everything the checks need about geography and organization on one date, loaded once into memory."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from motcua.geo.models import AdministrativeUnit
from motcua.geo.models import Level as UnitLevel
from motcua.org.models import DISTRICT_LEVEL_ENDS, Agency, AgencyKind, AgencyLevel, Position

from ..models import (
    CompetenceRule,
)


@dataclass(frozen=True)
class RuleRow:
    id: int
    scope_id: int
    scope_is_province: bool
    scope_province: str
    agency_rule: str
    agency_id: int | None
    place_basis: str = ""
    place_fields: tuple[str, ...] = ()


class World:
    """Everything the checks need about geography and organization on one date, in memory."""

    def __init__(self, *, on: dt.date, province_code: str) -> None:
        self._place: tuple[dict[int, list[str]], list[str]] | None = None
        self.on = on
        self.province_code = province_code
        self.communes = list(
            AdministrativeUnit.objects.valid_on(on)
            .filter(province_code=province_code, level=UnitLevel.COMMUNE)
            .order_by("code")
            .values_list("id", "name")
        )
        self.agencies: dict[int, str] = {}
        self.committee_of: dict[int, list[int]] = defaultdict(list)
        rows = Agency.objects.valid_on(on).filter(province_code=province_code).order_by("code")
        for agency_id, name, kind, level, unit_id in rows.values_list(
            "id", "name", "kind", "level", "unit_id"
        ):
            self.agencies[agency_id] = name
            if kind == AgencyKind.PEOPLES_COMMITTEE and level == AgencyLevel.COMMUNE:
                self.committee_of[unit_id].append(agency_id)
        # District bodies, in force or ended, on a day without a district level (Law 72/2025/QH15).
        self.district_agencies: set[int] = (
            set(
                Agency.objects.filter(province_code=province_code, level=AgencyLevel.DISTRICT).values_list(
                    "id", flat=True
                )
            )
            if on >= DISTRICT_LEVEL_ENDS
            else set()
        )
        self.staffed: set[tuple[int, str]] = set(
            Position.objects.valid_on(on)
            .filter(staff__is_active=True, agency_id__in=list(self.agencies))
            .values_list("agency_id", "role")
            .distinct()
        )

    def place_committees(self) -> tuple[dict[int, list[str]], list[str]]:
        """commune People's Committee -> [commune], and the communes without exactly one committee."""
        if self._place is None:
            targets: dict[int, list[str]] = defaultdict(list)
            unresolved = []
            for commune_id, commune_name in self.communes:
                committees = self.committee_of.get(commune_id, [])
                if len(committees) == 1:
                    targets[committees[0]].append(commune_name)
                else:
                    unresolved.append(commune_name)
            self._place = (dict(targets), unresolved)
        return self._place

    def agency_name(self, agency_id: int | None) -> str:
        if agency_id is None:
            return "?"
        if agency_id in self.agencies:
            return self.agencies[agency_id]
        return str(Agency.objects.filter(pk=agency_id).values_list("name", flat=True).first() or agency_id)


def rules_by_procedure(*, on: dt.date, procedure_ids: set[int]) -> dict[int, list[RuleRow]]:
    rules: dict[int, list[RuleRow]] = defaultdict(list)
    qs = (
        CompetenceRule.objects.valid_on(on)
        .filter(procedure_id__in=procedure_ids)
        .values_list(
            "id",
            "procedure_id",
            "scope_id",
            "scope__level",
            "scope__province_code",
            "agency_rule",
            "agency_id",
            "place_basis",
            "place_fields",
        )
        .order_by("id")
    )
    for rule_id, procedure_id, scope_id, level, province, agency_rule, agency_id, basis, fields in qs:
        rules[procedure_id].append(
            RuleRow(
                rule_id,
                scope_id,
                level == UnitLevel.PROVINCE,
                province,
                agency_rule,
                agency_id,
                basis,
                tuple(str(f) for f in fields) if isinstance(fields, list) else (),
            )
        )
    return rules
