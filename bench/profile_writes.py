"""CPU per write intention, in-process: the counter's reception + accept and a workflow step action.

Run: ``MOTCUA_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>
.venv/bin/python bench/profile_writes.py [--writes 200] [--profile] [--raw-seconds 10]``
(without ``DATABASE_URL``: a SQLite file under /tmp, no pgbench). It builds a throw-away test database beside
``DATABASE_URL`` (``test_<name>``, dropped afterwards) with Huế's geography, the demo organization and the
sample catalog (bench/hue_world.py), then through the services, no HTTP, one client:
- ``--writes`` walk-in marriage registrations (1.000894) received and accepted at one commune's counter by
  ``receive_and_decide`` (the counter form's one intention, one transaction), each a new dossier;
- one step action (forward) on each of them (``perform``).
For each it prints the SQL statements of one intention (the second), the mean CPU milliseconds of this
process per intention (``time.process_time``: deterministic enough on a loaded machine, unlike wall time),
the mean wall milliseconds and the intentions per second. On PostgreSQL it then runs bench/raw_reception.sql
(the same writes in plain SQL) with pgbench for ``--raw-seconds`` with 1 and 4 clients and prints the ratio
of the services to each. ``--profile``: a cProfile of the receptions and of the step actions, top 30 by
own time and by cumulative time. Compare ratios and CPU within one run; absolute wall times on a machine
shared with other work say little.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import re
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pgbench
from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TEST_SQLITE", "/tmp/motcua-bench-writes.sqlite3")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 8 September 2025, 08:00: marriage registration still took paper dossiers at the counter (online only
# from 1 October 2025, Directive 24/CT-TTg), as in bench/http_pages.py.
START = dt.datetime(2025, 9, 8, 8, 0, tzinfo=TZ)


def timed(label: str, calls: list[Callable[[], Any]], profile: bool) -> tuple[float, float]:
    """Run ``calls``; print and return mean CPU ms and mean wall ms per call."""
    # CPU time only: the waits on the database (its work, the network, the disk) are not this process's.
    profiler = cProfile.Profile(time.process_time) if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    for call in calls:
        call()
    if profiler is not None:
        profiler.disable()
    cpu_ms = (time.process_time() - cpu) * 1000 / len(calls)
    wall_ms = (time.perf_counter() - wall) * 1000 / len(calls)
    print(f"{label}: {cpu_ms:.2f} ms CPU, {wall_ms:.2f} ms wall per intention, {1000 / wall_ms:.1f}/s")
    if profiler is not None:
        top = int(os.environ.get("PROFILE_TOP", "30"))
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(
                int(os.environ.get("PROFILE_TOP", "30"))
            )
            print(f"--- {label}: top {top} by {order} (profiled: slower than the figure above)")
            print("\n".join(out.getvalue().splitlines()[4:]))
    return cpu_ms, wall_ms


class StatementTimes:
    """A Django execute wrapper: wall time of each statement, by the statement's opening words."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = re.sub(r"\s+", " ", sql).split(" (")[0][:70]
            self.times.setdefault(words, []).append(time.perf_counter() - started)

    def print(self, label: str, intentions: int) -> None:
        print(f"--- {label}: wall ms per statement (mean), statements per intention")
        for words, times in sorted(self.times.items(), key=lambda item: -sum(item[1])):
            print(f"  {1000 * sum(times) / len(times):7.2f} ms  x{len(times) / intentions:4.1f}  {words}")
        total = sum(sum(times) for times in self.times.values())
        print(f"  {1000 * total / intentions:7.2f} ms per intention in the database (waits included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=200, help="receptions + accepts (and step actions)")
    parser.add_argument("--profile", action="store_true", help="cProfile top 30 of each intention")
    parser.add_argument("--raw-seconds", type=int, default=10, help="pgbench duration per client count")
    parser.add_argument(
        "--statements", action="store_true", help="mean wall ms of each SQL statement of the intentions"
    )
    args = parser.parse_args()
    if args.writes < 4:
        parser.error("--writes must be at least 4")

    with hue_database():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from motcua.catalog import forms
        from motcua.catalog.models import Procedure
        from motcua.dossiers import lookups, services
        from motcua.geo.models import AdministrativeUnit
        from motcua.org import selectors as org_selectors
        from motcua.org.models import Role

        on = START.date()
        procedure = Procedure.objects.get(code="1.000894")
        version = lookups.version_in_force(procedure=procedure, on=on)
        documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
        place = (
            AdministrativeUnit.objects.valid_on(on)
            .filter(province_code="46", level="commune")
            .order_by("code")
            .first()
        )
        agency = lookups.commune_committee_for(unit=place, on=on)
        point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
        officer = (
            org_selectors.staff_with_role(role=Role.RECEPTION_OFFICER, agency=agency, on=on).first().user
        )
        received: list[Any] = []
        # The declaration the counter officer types (the engine checks it is complete to accept: issue 17).
        declaration = forms.sample_declaration(
            version,
            unit_code=place.code,
            applicant_id_number="046195001234",
            applicant_phone="0914000111",
            partner_id_number="046196001234",
        )

        def receive(n: int) -> None:
            received.append(
                services.receive_and_decide(
                    by=officer,
                    decision=services.CounterDecision.ACCEPT,
                    reception_point=point,
                    procedure=procedure,
                    place_unit=place,
                    applicant_info=services.ApplicantInfo(name=f"Người nộp {n}", id_number=f"046195{n:06d}"),
                    documents=documents,
                    form_data=declaration,
                    now=START + dt.timedelta(seconds=n),
                )
            )

        later = START + dt.timedelta(hours=1)

        def forward(n: int) -> None:
            services.perform(dossier=received[n], by=officer, action="forward", now=later)

        receive(0)
        with CaptureQueriesContext(connection) as captured:
            receive(1)
        print(f"{connection.vendor}: reception + accept, {len(captured)} SQL statements")
        if os.environ.get("H6_SHOW"):
            print("\n".join(q["sql"][:150] for q in captured.captured_queries))
        forward(0)
        with CaptureQueriesContext(connection) as captured:
            forward(1)
        print(f"{connection.vendor}: step action, {len(captured)} SQL statements")

        writes = range(2, args.writes)
        watch = StatementTimes() if args.statements else contextlib.nullcontext()
        with connection.execute_wrapper(watch) if args.statements else contextlib.nullcontext():
            _, reception_wall = timed(
                "reception + accept (receive_and_decide)",
                [lambda n=n: receive(n) for n in writes],
                args.profile,
            )
        if isinstance(watch, StatementTimes):
            watch.print("reception + accept", len(writes))
            watch = StatementTimes()
        with connection.execute_wrapper(watch) if args.statements else contextlib.nullcontext():
            timed("step action (forward)", [lambda n=n: forward(n) for n in writes], args.profile)
        if isinstance(watch, StatementTimes):
            watch.print("step action", len(writes))

        if connection.vendor == "postgresql":
            settings = connection.settings_dict
            url = (
                f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
                f"{settings['NAME']}"
            )
            connection.close()
            for clients in (1, 4):
                tps = pgbench.raw_reception(url, clients=clients, seconds=args.raw_seconds)
                if tps is not None:
                    ratio = (1000 / reception_wall) / tps
                    print(
                        f"raw PostgreSQL (pgbench, {clients} client(s)): {tps:.1f}/s; "
                        f"reception + accept (1 client) = {ratio:.3f} x raw"
                    )


if __name__ == "__main__":
    main()
