"""Measuring the address reader against labelled addresses: accuracy, share ambiguous, confident wrong.

Two sets: hand-written addresses labelled from the resolutions that merged the units
(``tests/geo/data/addresses_handwritten.csv``, read by :func:`read_labelled_csv`), and a set generated
from the units' history (:func:`generated_addresses`: every pre-2025 commune written in the usual forms,
labelled with the 2025 commune its ``UnitSuccession`` names). ``bench/addresses.py`` prints the figures;
``tests/geo/test_address_accuracy.py`` keeps the targets.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from motcua.geo.matching import normalize
from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession
from motcua.geo.text import strip_diacritics

AMBIGUOUS = "ambiguous"

_COMMUNE_ABBREVIATIONS = {"Phường ": "P. ", "Thị trấn ": "TT ", "Xã ": "X. "}
_DISTRICT_ABBREVIATIONS = {"Quận ": "Q. ", "Huyện ": "H. ", "Thị xã ": "TX ", "Thành phố ": "TP "}
_PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ")


@dataclass(frozen=True)
class LabelledAddress:
    """An address and the GSO code of its 2025 commune, or ``AMBIGUOUS`` when the text cannot tell."""

    text: str
    expected: str
    province: str = ""
    source: str = ""


@dataclass
class Score:
    """How the reader did on one set. ``confident_wrong`` counts answers that named a commune, not the
    expected one (on a row labelled ambiguous, any commune named is wrong)."""

    total: int = 0
    correct: int = 0
    ambiguous: int = 0
    confident_wrong: int = 0
    confident_wrong_on_ambiguous: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def ambiguous_share(self) -> float:
        return self.ambiguous / self.total if self.total else 0.0


def read_labelled_csv(path: Path) -> list[LabelledAddress]:
    """Rows of a labelled CSV (``address,expected,province,source``; lines starting with # are comments)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [
        LabelledAddress(row["address"], row["expected"].strip(), row["province"].strip(), row["source"])
        for row in csv.DictReader(lines)
    ]


def score(addresses: Iterable[LabelledAddress], *, on: dt.date | None = None) -> Score:
    """Read every address and compare with its label."""
    result = Score()
    for address in addresses:
        result.total += 1
        reading = normalize(address.text, on=on)
        if reading is not None and reading.ambiguous:
            result.ambiguous += 1
            got = AMBIGUOUS
        elif reading is not None and reading.commune is not None:
            got = reading.commune.code
        else:
            got = ""
        if got == address.expected:
            result.correct += 1
            continue
        if got not in ("", AMBIGUOUS):
            result.confident_wrong += 1
            if address.expected == AMBIGUOUS:
                result.confident_wrong_on_ambiguous += 1
        result.failures.append((address.text, address.expected, got))
    return result


def _abbreviate(name: str, table: dict[str, str]) -> str:
    for word, short in table.items():
        if name.startswith(word):
            return short + name[len(word) :]
    return name


def _bare_province(name: str) -> str:
    for prefix in _PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def generated_addresses(*, provinces: Iterable[str] | None = None) -> list[LabelledAddress]:
    """Addresses written from the units' history: each pre-2025 commune in three forms (full with its
    district and pre-2025 province; abbreviated; lowercase without diacritics), labelled with its default
    2025 successor, and each 2025 commune with its province. ``provinces`` are 2025 province codes."""
    links = UnitSuccession.objects.filter(predecessor__level=Level.COMMUNE, is_default=True).select_related(
        "predecessor__parent__parent", "successor"
    )
    current = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
    if provinces is not None:
        codes = list(provinces)
        links = links.filter(successor__province_code__in=codes)
        current = current.filter(province_code__in=codes)
    province_names = dict(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).values_list(
            "province_code", "name"
        )
    )
    addresses: list[LabelledAddress] = []
    for link in links.order_by("predecessor__code"):
        commune, expected = link.predecessor, link.successor.code
        district = commune.parent
        old_province = district.parent if district is not None else None
        if district is None or old_province is None:
            continue
        full = f"{commune.name}, {district.name}, {old_province.name}"
        short = ", ".join(
            (
                _abbreviate(commune.name, _COMMUNE_ABBREVIATIONS),
                _abbreviate(district.name, _DISTRICT_ABBREVIATIONS),
                _bare_province(old_province.name),
            )
        )
        for text in (full, short, strip_diacritics(full)):
            addresses.append(LabelledAddress(text, expected, link.successor.province_code, "history"))
    for unit in current.order_by("code"):
        text = f"{unit.name}, {province_names.get(unit.province_code, '')}"
        addresses.append(LabelledAddress(text, unit.code, unit.province_code, "2025 list"))
    return addresses
