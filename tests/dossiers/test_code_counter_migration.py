"""The migration from per-point to per-agency code counters never lets a code repeat (docs/dossiers.md)."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import motcua.dossiers.migrations as migrations_package

DAY = dt.date(2026, 3, 9)


def merged_counters():
    folder = Path(migrations_package.__file__).parent
    (path,) = folder.glob(
        "*_code_per_agency_and_forwarding.py"
    )  # its number changes when migrations are re-chained
    return importlib.import_module(f"motcua.dossiers.migrations.{path.stem}").merged_counters


def test_each_agency_continues_above_every_number_given_under_its_code_that_day():
    merge = merged_counters()
    # Agency 1 (code A) had two desks: "A" (coded like it, 7 codes) and "A2" (an invented code, 12 codes);
    # agency 2 (code B) had one desk "B" (3 codes); desk "C" of agency 3 carried agency 4's code "C"
    # (5 codes).
    rows = [
        (1, "A", DAY, 7),
        (1, "A2", DAY, 12),
        (2, "B", DAY, 3),
        (3, "C", DAY, 5),
        (2, "B", DAY - dt.timedelta(days=1), 9),
    ]
    coded_like = {"A": {1}, "B": {2}, "C": {4}}
    old_codes = {(code, day, n) for _agency, code, day, last in rows for n in range(1, last + 1)}
    agency_codes = {1: "A", 2: "B", 3: "Z", 4: "C"}

    merged = merge(rows, coded_like)

    assert merged[(1, DAY)] == 12  # the largest count of its points that day
    assert merged[(2, DAY)] == 3 and merged[(2, DAY - dt.timedelta(days=1))] == 9
    assert merged[(3, DAY)] == 5 and merged[(4, DAY)] == 5  # "C" codes of desk 3 block agency 4's numbers
    for (agency, day), last in merged.items():
        following = (agency_codes[agency], day, last + 1)
        assert following not in old_codes
        assert not any(code == agency_codes[agency] and d == day and n > last for code, d, n in old_codes)
