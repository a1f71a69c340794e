"""Reading Vietnam's administrative units from the two installed data packages.

Rule (see docs/geo.md): codes and names come from the General Statistics Office (GSO) list,
which ``vietnam-provinces`` is generated from (2025 units from danhmuchanhchinh.nso.gov.vn,
pre-2025 units from GSO's list of 4 January 2025, old→new links from GSO's conversion table).
``vietnamadminunits`` only fills what that source lacks: keywords and aliases for the address
normalizer, the default new commune of a split commune (``isDefaultNewWard``), and the few
pre-2025 units created or re-typed between January and 30 June 2025, which GSO's conversion
table lists but the January list cannot name.

Only the packages' data tables are read; nothing here geocodes or touches the network. The
readers are cached for the life of the process (the installed packages do not change under it).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from motcua.geo.text import compact_key, search_key, split_type, tidy_name

REFORM_DATE = dt.date(2025, 7, 1)
# The packages do not date pre-2025 units; every one of them is taken as valid from this day.
LEGACY_VALID_FROM = dt.date(2000, 1, 1)

NEW = "new"
LEGACY = "legacy"

# Names a province was known by before its latest one, for addresses written back then.
FORMER_PROVINCE_NAMES: dict[str, tuple[str, ...]] = {
    "46": ("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế", "Thừa Thiên - Huế"),
}

_TYPE_BY_WORD = {
    "tỉnh": "tinh",
    "thành phố trung ương": "thanh_pho_tw",
    "thành phố": "thanh_pho",
    "quận": "quan",
    "huyện": "huyen",
    "thị xã": "thi_xa",
    "phường": "phuong",
    "xã": "xa",
    "thị trấn": "thi_tran",
    "đặc khu": "dac_khu",
}


@dataclass
class UnitRecord:
    """One administrative unit as the loader will store it."""

    period: str
    level: str
    code: str
    name: str
    unit_type: str
    province_code: str
    parent_code: str | None = None
    aliases: list[str] = field(default_factory=list)
    source: str = "vietnam-provinces"

    @property
    def valid_from(self) -> dt.date:
        return REFORM_DATE if self.period == NEW else LEGACY_VALID_FROM

    @property
    def valid_to(self) -> dt.date | None:
        return None if self.period == NEW else REFORM_DATE

    @property
    def short_name(self) -> str:
        return split_type(self.name)[1]

    @property
    def search_key(self) -> str:
        return search_key(self.name)


@dataclass
class SuccessionRecord:
    """A pre-2025 unit (legacy code) absorbed wholly or partly into a 2025 unit (new code)."""

    predecessor_level: str
    predecessor_code: str
    successor_code: str
    partial: bool
    is_default: bool


@dataclass
class Disagreement:
    """A unit on which the two packages differ."""

    period: str
    level: str
    code: str
    gso: str
    other: str
    kind: str


@dataclass
class Dataset:
    units: list[UnitRecord]
    successions: list[SuccessionRecord]
    province_successors: dict[str, list[str]]


def _pad(code: int | str, width: int) -> str:
    return str(int(code)).zfill(width)


def _type_of(name: str, *, central: bool = False) -> str:
    word = split_type(name)[0]
    if central and word == "thành phố":
        return "thanh_pho_tw"
    return _TYPE_BY_WORD[word]


def _merge_aliases(*groups: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        for alias in group:
            key = compact_key(alias)
            if key:
                seen.setdefault(key, None)
    return list(seen)


def _keywords(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [str(item) for item in value] if isinstance(value, list) else []


@cache
def _va_database() -> Path:
    # Locate the package without importing it: its __init__ pulls in a geocoder we never use.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _va_rows(table: str) -> list[sqlite3.Row]:
    connection = sqlite3.connect(f"file:{_va_database() / 'dataset.db'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        # The table name is one of two constants of this module, never user input.
        return list(connection.execute(f"SELECT * FROM {table}"))
    finally:
        connection.close()


def _va_converter() -> dict:
    with (_va_database() / "converter_2025.json").open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def read_new_units() -> tuple[list[UnitRecord], list[Disagreement]]:
    """2025 provinces and communes: GSO codes and names, vietnamadminunits keywords."""
    from vietnam_provinces._lookup import PROVINCE_MAPPING, WARD_MAPPING

    va_wards = {_pad(row["wardCode"], 5): row for row in _va_rows("admin_units")}
    va_provinces = {_pad(row["provinceCode"], 2): row for row in va_wards.values()}
    disagreements: list[Disagreement] = []
    units: list[UnitRecord] = []
    for province in PROVINCE_MAPPING.values():
        code = _pad(province.code, 2)
        name = tidy_name(province.name)
        va = va_provinces.get(code)
        aliases = [name, split_type(name)[1], *FORMER_PROVINCE_NAMES.get(code, ())]
        if va is not None:
            aliases += [va["province"], va["provinceShort"], *_keywords(va["provinceKeywords"])]
            aliases += _keywords(va["provinceAlias"])
            if va["province"] != name:
                disagreements.append(Disagreement(NEW, "province", code, name, va["province"], "name"))
        central = province.division_type.value == "thành phố trung ương"
        units.append(
            UnitRecord(
                NEW,
                "province",
                code,
                name,
                "thanh_pho_tw" if central else "tinh",
                code,
                aliases=_merge_aliases(aliases),
            )
        )
    for ward in WARD_MAPPING.values():
        code = _pad(ward.code, 5)
        province_code = _pad(ward.province_code, 2)
        name = tidy_name(ward.name)
        va = va_wards.get(code)
        aliases = [name, split_type(name)[1]]
        if va is None:
            disagreements.append(Disagreement(NEW, "commune", code, name, "", "missing"))
        else:
            aliases += [
                va["ward"],
                va["wardShort"],
                *_keywords(va["wardKeywords"]),
                *_keywords(va["wardAlias"]),
            ]
            if va["ward"] != ward.name:
                disagreements.append(Disagreement(NEW, "commune", code, ward.name, va["ward"], "name"))
            if _pad(va["provinceCode"], 2) != province_code:
                disagreements.append(
                    Disagreement(NEW, "commune", code, province_code, va["provinceCode"], "province")
                )
        units.append(
            UnitRecord(
                NEW,
                "commune",
                code,
                name,
                _type_of(name),
                province_code,
                parent_code=province_code,
                aliases=_merge_aliases(aliases),
            )
        )
    gso_codes = {_pad(ward.code, 5) for ward in WARD_MAPPING.values()}
    for code, row in va_wards.items():
        if code not in gso_codes:
            disagreements.append(Disagreement(NEW, "commune", code, "", row["ward"], "extra"))
    return units, disagreements


@cache
def read_legacy_units() -> tuple[list[UnitRecord], list[Disagreement], list[str]]:
    """Pre-2025 provinces, districts and communes as they stood on 30 June 2025.

    Returns the units, the disagreements between the packages and the codes of communes in
    GSO's January 2025 list that GSO's conversion table no longer has (abolished before the
    reform, not loaded).
    """
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW
    from vietnam_provinces.legacy._lookup import DISTRICT_MAPPING, PROVINCE_MAPPING, WARD_MAPPING

    va_rows = _va_rows("admin_units_legacy")
    va_wards = {_pad(row["wardCode"], 5): row for row in va_rows if row["wardCode"]}
    va_districts = {_pad(row["districtCode"], 3): row for row in va_rows}
    va_provinces = {_pad(row["provinceCode"], 2): row for row in va_rows}
    disagreements: list[Disagreement] = []
    units: list[UnitRecord] = []

    def pick(level: str, code: str, gso_name: str | None, va_name: str | None) -> tuple[str, str]:
        """GSO's name unless GSO's January list lacks the unit or gives it another type since then."""
        if gso_name is None:
            disagreements.append(Disagreement(LEGACY, level, code, "", va_name or "", "missing"))
            return tidy_name(va_name or ""), "vietnamadminunits"
        if va_name is None:
            return tidy_name(gso_name), "vietnam-provinces"
        if gso_name != va_name:
            retyped = split_type(gso_name)[0] != split_type(va_name)[0]
            disagreements.append(
                Disagreement(LEGACY, level, code, gso_name, va_name, "type" if retyped else "name")
            )
            if retyped:
                return tidy_name(va_name), "vietnamadminunits"
        return tidy_name(gso_name), "vietnam-provinces"

    for province in PROVINCE_MAPPING.values():
        code = _pad(province.code, 2)
        va = va_provinces.get(code)
        name, source = pick("province", code, province.name, va["province"] if va is not None else None)
        aliases = [name, split_type(name)[1], *FORMER_PROVINCE_NAMES.get(code, ())]
        if va is not None:
            aliases += [va["province"], va["provinceShort"], *_keywords(va["provinceKeywords"])]
            aliases += _keywords(va["provinceAlias"])
        central = province.division_type.value == "thành phố trung ương"
        units.append(
            UnitRecord(
                LEGACY,
                "province",
                code,
                name,
                "thanh_pho_tw" if central else "tinh",
                code,
                aliases=_merge_aliases(aliases),
                source=source,
            )
        )
    for code, va in sorted(va_districts.items()):
        district = DISTRICT_MAPPING.get(int(code))
        name, source = pick("district", code, district.name if district else None, va["district"])
        province_code = _pad(va["provinceCode"], 2)
        aliases = [
            name,
            split_type(name)[1],
            va["district"],
            va["districtShort"],
            *_keywords(va["districtKeywords"]),
        ]
        units.append(
            UnitRecord(
                LEGACY,
                "district",
                code,
                name,
                _type_of(name),
                province_code,
                parent_code=province_code,
                aliases=_merge_aliases(aliases),
                source=source,
            )
        )
    existing = set(OLD_TO_NEW) | {int(code) for code in va_wards}
    for code, va in sorted(va_wards.items()):
        gso = WARD_MAPPING.get(int(code))
        name, source = pick("commune", code, gso.name if gso else None, va["ward"])
        aliases = [name, split_type(name)[1], va["ward"], va["wardShort"], *_keywords(va["wardKeywords"])]
        aliases += _keywords(va["wardAlias"])
        units.append(
            UnitRecord(
                LEGACY,
                "commune",
                code,
                name,
                _type_of(name),
                _pad(va["provinceCode"], 2),
                parent_code=_pad(va["districtCode"], 3),
                aliases=_merge_aliases(aliases),
                source=source,
            )
        )
    abolished = sorted(_pad(code, 5) for code in WARD_MAPPING if code not in existing)
    return units, disagreements, abolished


def read_successions(legacy_units: list[UnitRecord], new_units: list[UnitRecord]) -> list[SuccessionRecord]:
    """Old commune → new commune(s) from GSO's conversion table; a split's default from vietnamadminunits."""
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW

    va_legacy_keys: dict[str, str] = {}
    va_island_districts: dict[str, str] = {}
    for row in _va_rows("admin_units_legacy"):
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if row["wardCode"]:
            va_legacy_keys[key] = _pad(row["wardCode"], 5)
        else:
            va_island_districts[key] = _pad(row["districtCode"], 3)
    va_new_keys = {
        (row["provinceKey"], row["wardKey"]): _pad(row["wardCode"], 5) for row in _va_rows("admin_units")
    }
    converter = _va_converter()
    va_default: dict[str, str] = {}
    for province_key, mapping in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in mapping.items():
            for target in targets:
                if target["isDefaultNewWard"] and old_key in va_legacy_keys:
                    va_default[va_legacy_keys[old_key]] = va_new_keys[(province_key, target["newWardKey"])]
    va_whole: dict[str, str] = {}
    island: list[SuccessionRecord] = []
    for province_key, mapping in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in mapping.items():
            for old_key in old_keys:
                new_code = va_new_keys[(province_key, new_key)]
                if old_key in va_legacy_keys:
                    va_whole[va_legacy_keys[old_key]] = new_code
                elif old_key in va_island_districts:
                    island.append(
                        SuccessionRecord("district", va_island_districts[old_key], new_code, False, True)
                    )

    new_codes = {unit.code for unit in new_units if unit.level == "commune"}
    records: list[SuccessionRecord] = []
    for unit in legacy_units:
        if unit.level != "commune":
            continue
        entry = OLD_TO_NEW.get(int(unit.code))
        if entry is None:
            # Not in GSO's table (2 communes): vietnamadminunits' converter fills the gap.
            if unit.code in va_whole:
                records.append(SuccessionRecord("commune", unit.code, va_whole[unit.code], False, True))
            continue
        targets = [_pad(ref.code, 5) for ref in entry.new_wards if _pad(ref.code, 5) in new_codes]
        default = va_default.get(unit.code)
        if default not in targets:
            default = targets[0] if targets else None
        partial = entry.old_ward.is_partly_merged or len(targets) > 1
        records.extend(
            SuccessionRecord("commune", unit.code, target, partial, target == default) for target in targets
        )
    return records + island


def province_successors(
    successions: list[SuccessionRecord], legacy_units: list[UnitRecord], new_units: list[UnitRecord]
) -> dict[str, list[str]]:
    """Old province → new province(s) its communes went to, the one that received most of them first.

    Derived from the commune links and each old commune's own province rather than from
    vietnam-provinces' province table: that table is generated from the conversion rows, and one
    row (27691 Phường 4, Tân An, Long An) carries Tiền Giang's code, which would make Tiền Giang
    look split into Tây Ninh.
    """
    old_province_of = {unit.code: unit.province_code for unit in legacy_units if unit.level == "commune"}
    new_province_of = {unit.code: unit.province_code for unit in new_units if unit.level == "commune"}
    received: dict[str, Counter[str]] = defaultdict(Counter)
    for record in successions:
        if record.predecessor_level == "commune":
            received[old_province_of[record.predecessor_code]][new_province_of[record.successor_code]] += 1
    return {
        old_code: sorted(counts, key=lambda code: (-counts[code], code))
        for old_code, counts in sorted(received.items())
    }


@cache
def read_dataset() -> tuple[Dataset, list[Disagreement], list[str]]:
    """Everything the loader needs, national scope, with the packages' disagreements."""
    new_units, new_disagreements = read_new_units()
    legacy_units, legacy_disagreements, abolished = read_legacy_units()
    successions = read_successions(legacy_units, new_units)
    return (
        Dataset(
            new_units + legacy_units, successions, province_successors(successions, legacy_units, new_units)
        ),
        new_disagreements + legacy_disagreements,
        abolished,
    )
