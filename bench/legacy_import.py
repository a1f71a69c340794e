"""Benchmark: legacy rows imported per second (``motcua legacy import``), checks included.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/legacy_import.py [--dossiers 2000] [--batch-size 200]``
(add ``DATABASE_URL=postgres://...`` to measure on PostgreSQL). It builds a throw-away database with Huế's
geography, organization and sample catalog, generates a synthetic export of the old one-stop system
(``reorg.legacy.generate``), then times the checks (``plan_import``, every file's checksum and content) and
the import, and prints rows per second: rows are the export's lines (agencies, dossiers, events,
attachments); files are copied into a temporary media folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-legacy-bench-") as folder, hue_database() as t0:
        from django.conf import settings
        from django.db import connection

        from motcua.reorg.legacy.generate import generate
        from motcua.reorg.legacy.importer import import_export, plan_import

        settings.MEDIA_ROOT = Path(folder) / "media"
        print(f"database: {connection.vendor}; setup {time.perf_counter() - t0:.1f} s")
        started = time.perf_counter()
        made = generate(Path(folder) / "export", dossiers=args.dossiers, years=args.years, seed=1)
        rows = sum(made.counts.values())
        print(f"generated {args.dossiers} dossiers, {rows} rows in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        plan = plan_import(made.directory)
        checked = time.perf_counter() - started
        print(f"checks alone: {checked:.1f} s, {rows / checked:,.0f} rows/s")

        started = time.perf_counter()
        outcome = import_export(
            directory=made.directory, batch_size=args.batch_size, report_path=Path(folder) / "report.csv"
        )
        elapsed = time.perf_counter() - started
        written = sum(outcome.imported.values())
        print(
            f"import (checks + writes): {elapsed:.1f} s for {rows} rows ({written} written, "
            f"{len(plan.issues)} report lines): {rows / elapsed:,.0f} rows/s, "
            f"{outcome.imported['dossier'] / elapsed:,.1f} dossiers/s"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
