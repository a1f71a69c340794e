"""Benchmark: seconds to apply a reorganization plan to N in-flight dossiers (issue 18).

Run: ``MOTCUA_ENV=test .venv/bin/python bench/reorg_apply.py [--dossiers 100000] [--batch 500]``
(add ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reorg`` to measure on PostgreSQL). It builds a
throw-away test database with Huế's geography, the demo organization and the sample catalog, adds the
small reorganization of tests/reorg/conftest.py (communes A and B merged into N, C split into N and M, the
district division D ended with two successors), receives one dossier at each old agency through the
services, and bulk-copies them (row and current step, own code) up to ``--dossiers`` in-flight dossiers.
It then times ``motcua reorg apply`` (``services.apply_plan``): the organization changes, then every
dossier moved in batches with its event and outbox messages. Prints the seconds and dossiers per second.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

from hue_world import hue_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TEST_SQLITE", "/tmp/motcua-bench-reorg.sqlite3")

CHUNK = 2000


def _copy(templates: list, count: int) -> int:
    """Bulk copies of the template dossiers (and their current steps), ``count`` in all."""
    from django.db import transaction

    from motcua.dossiers.models import Dossier, DossierStep

    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        with transaction.atomic():
            rows, steps = [], []
            for i in range(size):
                template = templates[(made + i) % len(templates)]
                row = copy.copy(template)
                row.pk = None
                row.code = f"{template.code}-B{made + i:07d}"
                row.idempotency_key = None
                row.current_step = None
                rows.append(row)
            Dossier.objects.bulk_create(rows)
            for row, i in zip(rows, range(size), strict=True):
                step = copy.copy(templates[(made + i) % len(templates)].current_step)
                step.pk = None
                step.dossier = row
                step.sequence = 1
                steps.append(step)
            DossierStep.objects.bulk_create(steps)
            for row, step in zip(rows, steps, strict=True):
                row.current_step = step
            Dossier.objects.bulk_update(rows, ["current_step"])
        made += size
        print(f"\rseeded {made}/{count}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000, help="in-flight dossiers to move")
    parser.add_argument("--batch", type=int, default=500, help="dossiers per transaction")
    args = parser.parse_args()

    with hue_database() as t0:
        from django.db import connection

        from motcua.dossiers.models import Dossier
        from motcua.reorg import plans, services
        from reorg.conftest import AFTER, build_reorg, receive_all

        world = build_reorg()
        dossiers = receive_all(world)
        templates = [
            Dossier.objects.select_related("current_step").get(pk=dossiers[key].pk)
            for key in ("a", "b", "d_in_a")
        ]
        print(f"world ready in {time.perf_counter() - t0:.1f} s ({connection.vendor})")
        _copy(templates, args.dossiers - 4)
        plan = services.load_plan(
            text=plans.dump(world.plan(choices=[{"dossier": dossiers["d_in_c"].code, "unit": "99812"}]))
        )
        started = time.perf_counter()
        run = services.apply_plan(
            plan=plan,
            batch=args.batch,
            now=AFTER,
            progress=lambda done, total: print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True),
        )
        seconds = time.perf_counter() - started
        print(file=sys.stderr)
        print(
            f"reorg apply on {connection.vendor}: {run.moved} dossiers moved ({run.failed} failed) in "
            f"{seconds:.1f} s, {run.moved / seconds:.0f} dossiers/s, batch {args.batch}"
        )


if __name__ == "__main__":
    main()
