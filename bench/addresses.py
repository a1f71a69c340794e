"""Benchmark: how well addresses are read into 2025 communes (issue 14).

Prints, for the hand-written set (tests/geo/data/addresses_handwritten.csv, labelled from the merger
resolutions) and for the set generated from the units' history: accuracy, share answered "ambiguous",
confident wrong answers (and those on names known to be ambiguous), and the failures with --failures.
Targets: >= 95 % generated, >= 90 % hand-written, 0 confident wrong on names known to be ambiguous.

Run: MOTCUA_ENV=test DATABASE_URL=sqlite:////tmp/bench-addresses.sqlite3 \
     .venv/bin/python bench/addresses.py [--national] [--failures]
(the database is migrated and the provinces the hand-written set names are loaded first; --national
loads the whole country and generates the set for every province; use a throwaway database).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from motcua.geo.accuracy import Score, generated_addresses, read_labelled_csv, score  # noqa: E402
from motcua.geo.services import load_units  # noqa: E402

HANDWRITTEN = Path(__file__).resolve().parent.parent / "tests" / "geo" / "data" / "addresses_handwritten.csv"


def _print(label: str, result: Score, *, seconds: float, failures: bool) -> None:
    print(
        f"{label}: {result.total} addresses, accuracy {result.accuracy:.1%}, "
        f"ambiguous {result.ambiguous_share:.1%} ({result.ambiguous}), "
        f"confident wrong {result.confident_wrong} "
        f"(on names known to be ambiguous: {result.confident_wrong_on_ambiguous}), "
        f"{result.total / seconds:.0f} addresses/s"
    )
    if failures:
        for text, expected, got in result.failures:
            print(f"    {text!r}: expected {expected}, got {got or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true", help="load and generate for the whole country")
    parser.add_argument("--failures", action="store_true", help="list every address read wrongly")
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    handwritten = read_labelled_csv(HANDWRITTEN)
    provinces = sorted({row.province for row in handwritten})
    load_units(provinces=None if options.national else provinces)

    started = time.perf_counter()
    result = score(handwritten)
    _print("hand-written", result, seconds=time.perf_counter() - started, failures=options.failures)

    generated = generated_addresses(provinces=None if options.national else provinces)
    started = time.perf_counter()
    result = score(generated)
    _print("generated", result, seconds=time.perf_counter() - started, failures=options.failures)


if __name__ == "__main__":
    sys.exit(main())
