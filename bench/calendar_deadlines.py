"""Benchmark: how fast the calendar computes appointment dates and working time.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/calendar_deadlines.py [--count 20000]``
(add ``DATABASE_URL=postgres://...`` to measure on PostgreSQL). It builds a throw-away test
database (migrations only: the default office hours, no agencies), adds a few overrides, then
times appointments for dossiers received at random moments of 2026 with limits of 1–30 working
days or 1–80 hours, outside a transaction (the snapshot is re-checked every few seconds) and
inside one (re-checked on every call).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")


def run(count: int, seed: int) -> tuple[float, dt.datetime]:
    from motcua.calendar import selectors
    from motcua.calendar.selectors import Duration

    rng = random.Random(seed)
    base = dt.datetime(2026, 1, 1, tzinfo=selectors.TZ)
    last = base
    start = time.perf_counter()
    for _ in range(count):
        received = base + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        if rng.random() < 0.5:
            duration = Duration.days(rng.randint(1, 30))
        else:
            duration = Duration.of_hours(Decimal(rng.randint(1, 80)))
        cutoff = dt.time(15, 0) if duration.hours <= 8 else None
        last = selectors.appointment_for(received_at=received, duration=duration, same_day_cutoff=cutoff)
        selectors.working_time_between(start=received, end=last)
    return time.perf_counter() - start, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from motcua.calendar import selectors, services
        from motcua.calendar.models import OverrideKind

        for day in (dt.date(2026, 3, 4), dt.date(2026, 6, 15), dt.date(2026, 10, 20)):
            services.declare_override(day=day, kind=OverrideKind.DAY_OFF, reason="bench")
        selectors.clear_cache()
        print(f"database: {connection.vendor}; {args.count} appointments + working_time_between each")
        cold, _ = run(args.count, seed=1)
        warm, _ = run(args.count, seed=2)
        with transaction.atomic():
            in_tx, _ = run(args.count, seed=3)
        for label, seconds in (("first pass", cold), ("warm", warm), ("inside a transaction", in_tx)):
            print(f"{label}: {seconds:.2f} s, {seconds / args.count * 1e6:.0f} µs per dossier")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
