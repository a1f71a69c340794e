"""Huế's bodies that ended on 30 June 2025: one list of codes, names, units, starts and successors.

The before-2025 builder (``reorg/hue2025.py``, ``motcua reorg_demo before-2025``) creates these agencies and
the synthetic export of the old one-stop system (``reorg/legacy/generate.py``) addresses its dossiers to them,
so an export generated for Huế and imported where the builder ran finds the same codes and reuses the
agencies (``legacy.importer`` matches by code) instead of creating a second agency for the same body.

Codes follow docs/organization.md's scheme with slots kept for the ended bodies: a 2025 commune is
``abc.de.00``, the old commune with the same GSO code ``abc.de.90``; a district ``ddd`` is ``ddd.00.91``
and its divisions ``ddd.YY.91``. Neither collides with ``000.YY.ZZ`` (province) nor with each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from motcua.geo.models import AdministrativeUnit, UnitSuccession
from motcua.org import demo as org_demo
from motcua.org.models import AgencyKind

PROVINCE = "46"
OLD_COMMUNE_SLOT = "90"
OLD_DISTRICT_SLOT = "91"
COMMITTEE = "00"  # the district People's Committee itself, in place of a division slot
# Tiers of the old three-tier system (the legacy format's levels): district bodies and commune committees.
PROVINCE_TIER, DISTRICT_TIER, COMMUNE_TIER = "tinh", "huyen", "xa"


@dataclass(frozen=True)
class DivisionSpec:
    """A division (phòng chuyên môn) of a district People's Committee; ``rural``: its name in a huyện."""

    slot: str
    slug: str
    name: str
    rural: str = ""


DISTRICT_DIVISIONS = (
    DivisionSpec("01", "tuphap", "Phòng Tư pháp"),
    DivisionSpec("02", "taichinh", "Phòng Tài chính – Kế hoạch"),
    DivisionSpec("03", "dothi", "Phòng Quản lý đô thị", "Phòng Kinh tế và Hạ tầng"),
    DivisionSpec("04", "tnmt", "Phòng Tài nguyên và Môi trường"),
    DivisionSpec("05", "noivu", "Phòng Nội vụ"),
    DivisionSpec("06", "gddt", "Phòng Giáo dục và Đào tạo"),
)

# Provincial departments of Thừa Thiên Huế that the departments' mergers of March 2025 ended, before the
# before-2025 scenario starts (it reaches the 2025 departments back instead): only the legacy export names
# them. (code prefix, name, ZZ slot of the 2025 department that took their work over).
OLD_DEPARTMENTS = (
    ("000.00.21", "Sở Tài nguyên và Môi trường tỉnh Thừa Thiên Huế", "15"),
    ("000.00.22", "Sở Kế hoạch và Đầu tư tỉnh Thừa Thiên Huế", "13"),
    ("000.00.23", "Sở Tư pháp tỉnh Thừa Thiên Huế", "10"),
)


@dataclass(frozen=True)
class OldAgency:
    """A body that ended on 30 June 2025. ``parent_code`` is empty for a district committee (its parent, the
    city committee, continued); ``successor_code`` is the 2025 committee of an old commune's default
    successor (a district body has several successors: the plan shares it out)."""

    code: str
    name: str
    short_name: str
    kind: str
    tier: str
    unit: AdministrativeUnit
    parent_code: str = ""
    successor_code: str = ""
    division: DivisionSpec | None = None

    @property
    def valid_from(self) -> dt.date:
        """The body's start as far as the data knows it: its unit's. The geography dates every pre-2025 unit
        from one day (``geo.sources.LEGACY_VALID_FROM``: the packages give no dates), which covers the years
        of an old system's export; no founding date of a body is typed here."""
        return self.unit.valid_from


def old_commune_code(unit_code: str, province_code: str = PROVINCE) -> str:
    """``abc.de.90.HNN``: the People's Committee of the pre-2025 commune with GSO code ``abcde``."""
    code = unit_code.zfill(5)
    return f"{code[:3]}.{code[3:]}.{OLD_COMMUNE_SLOT}.{org_demo.qcvn_province_code(province_code)}"


def old_district_code(unit_code: str, province_code: str = PROVINCE, *, division: str = COMMITTEE) -> str:
    """``ddd.YY.91.HNN``: district ``ddd``'s People's Committee (YY 00) or its division YY."""
    return f"{unit_code.zfill(3)}.{division}.{OLD_DISTRICT_SLOT}.{org_demo.qcvn_province_code(province_code)}"


def is_old_body(code: str) -> bool:
    """Whether an agency code belongs to the slots of the bodies that ended on 30 June 2025."""
    parts = code.split(".")
    return len(parts) == 4 and parts[2] in (OLD_COMMUNE_SLOT, OLD_DISTRICT_SLOT)


def old_agencies(
    *,
    districts: Iterable[AdministrativeUnit],
    communes: Iterable[AdministrativeUnit],
    province_code: str = PROVINCE,
    province: AdministrativeUnit | None = None,
) -> list[OldAgency]:
    """The district People's Committees each followed by its divisions, then the old communes' committees,
    from the pre-2025 units given (in their order). With the pre-2025 ``province``, the departments ended in
    March 2025 (``OLD_DEPARTMENTS``) come first."""
    districts, communes = list(districts), list(communes)
    out: list[OldAgency] = []
    if province is not None:
        suffix = org_demo.qcvn_province_code(province_code)
        out += [
            OldAgency(
                f"{prefix}.{suffix}",
                name,
                name,
                AgencyKind.DEPARTMENT,
                PROVINCE_TIER,
                province,
                successor_code=org_demo.province_agency_code(slot, province_code),
            )
            for prefix, name, slot in OLD_DEPARTMENTS
        ]
    for district in districts:
        code = old_district_code(district.code, province_code)
        label = org_demo._lower_first(district.name)  # "huyện Phú Vang"
        out.append(
            OldAgency(
                code,
                f"Ủy ban nhân dân {label}",
                f"UBND {label}",
                AgencyKind.PEOPLES_COMMITTEE,
                DISTRICT_TIER,
                district,
            )
        )
        rural = district.unit_type == "huyen"
        for spec in DISTRICT_DIVISIONS:
            name = spec.rural if rural and spec.rural else spec.name
            out.append(
                OldAgency(
                    old_district_code(district.code, province_code, division=spec.slot),
                    f"{name} – UBND {label}",
                    name,
                    AgencyKind.DIVISION,
                    DISTRICT_TIER,
                    district,
                    parent_code=code,
                    division=spec,
                )
            )
    district_committee = {d.pk: old_district_code(d.code, province_code) for d in districts}
    heirs = dict(
        UnitSuccession.objects.filter(predecessor__in=communes, is_default=True).values_list(
            "predecessor_id", "successor__code"
        )
    )
    for unit in communes:
        label = org_demo._lower_first(unit.name)  # "xã Phú Thượng"
        heir = heirs.get(unit.pk)
        out.append(
            OldAgency(
                old_commune_code(unit.code, province_code),
                f"Ủy ban nhân dân {label}",
                f"UBND {label}",
                AgencyKind.PEOPLES_COMMITTEE,
                COMMUNE_TIER,
                unit,
                parent_code=district_committee.get(unit.parent_id or 0, ""),
                successor_code=org_demo.commune_agency_code(heir, province_code) if heir else "",
            )
        )
    return out


__all__ = [
    "COMMITTEE",
    "DISTRICT_DIVISIONS",
    "OLD_DEPARTMENTS",
    "DivisionSpec",
    "OldAgency",
    "is_old_body",
    "old_agencies",
    "old_commune_code",
    "old_district_code",
]
