"""Benchmark: dossier receptions per second and workflow step actions per second.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/dossiers_throughput.py [--dossiers 400] [--clients 1 4]``
(add ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dossiers`` to measure on PostgreSQL). It builds
a throw-away test database (SQLite: a file under /tmp) with Huế's geography, the demo organization and the
sample catalog, then, for each client count:
- receptions: a reception officer registers a walk-in marriage registration (1.000894) at a commune
  center and accepts it (two transactions: register with its code, then accept with the appointment);
- step actions: every received dossier is walked through its workflow to the returned result
  (forward, approve, sign, issue_number, return_result: one transaction each).
Clients are threads with their own database connection, each working at its own reception point.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TEST_SQLITE", "/tmp/motcua-bench-dossiers.sqlite3")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 8 September 2025, 08:00: marriage registration still took paper dossiers at the counter (online only
# from 1 October 2025, Directive 24/CT-TTg), and this benchmark measures the counter's walk-in reception.
START = dt.datetime(2025, 9, 8, 8, 0, tzinfo=TZ)
MOVES = ("forward", "approve", "sign", "issue_number", "return_result")


def _move(*, dossier: Any, by: Any, action: str, **options: Any) -> Any:
    """One movement of the walk: ``sign`` through the engine's sign step (the signing service's path; the
    signature itself is not what this measures), the others through ``perform`` (which refuses ``sign``)."""
    from motcua.dossiers import services
    from motcua.dossiers.services.signature_step import pass_sign_step

    if action == "sign":
        return pass_sign_step(dossier=dossier, by=by, **options)
    return services.perform(dossier=dossier, by=by, action=action, **options)


def run_clients(clients: int, work: Any) -> list[Any]:
    from django.db import connection

    results: list[Any] = [None] * clients
    barrier = threading.Barrier(clients)

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=400, help="dossiers per run (split among clients)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()

    with hue_database() as t0:
        from django.db import connection

        from motcua.catalog.models import Procedure
        from motcua.dossiers import lookups, services
        from motcua.geo.models import AdministrativeUnit
        from motcua.org import selectors as org_selectors
        from motcua.org.models import Role

        on = START.date()
        procedure = Procedure.objects.get(code="1.000894")
        version = lookups.version_in_force(procedure=procedure, on=on)
        documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
        communes = list(AdministrativeUnit.objects.valid_on(on).filter(province_code="46", level="commune"))
        committees = [lookups.commune_committee_for(unit=u, on=on) for u in communes]
        points = {
            c.pk: org_selectors.reception_points_valid_on(on=on, province_code="46", agency=c).first()
            for c in committees
            if c is not None
        }
        staff_cache: dict[tuple[str, int], Any] = {}

        def staff(role: str, agency_id: int) -> Any:
            key = (role, agency_id)
            if key not in staff_cache:
                agency = next(c for c in committees if c is not None and c.pk == agency_id)
                staff_cache[key] = org_selectors.staff_with_role(role=role, agency=agency, on=on).first().user
            return staff_cache[key]

        for c in committees:
            if c is not None:
                for role in (Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.CLERK):
                    staff(role, c.pk)
        print(f"database: {connection.vendor}; setup {time.perf_counter() - t0:.1f} s")

        for run, clients in enumerate(args.clients):
            per_client = max(args.dossiers // clients, 1)
            day = START + dt.timedelta(days=7 * run)

            def receive(i: int, day: dt.datetime = day, per_client: int = per_client) -> list[Any]:
                unit = communes[i % len(communes)]
                agency = committees[i % len(committees)]
                point = points[agency.pk]
                officer = staff(Role.RECEPTION_OFFICER, agency.pk)
                received = []
                for n in range(per_client):
                    now = day + dt.timedelta(seconds=n)
                    dossier = services.receive_at_counter(
                        by=officer,
                        reception_point=point,
                        procedure=procedure,
                        place_unit=unit,
                        applicant_info=services.ApplicantInfo(name=f"Người nộp {i}-{n}"),
                        documents=documents,
                        now=now,
                    )
                    received.append(services.accept(dossier=dossier, by=officer, now=now))
                return received

            started = time.perf_counter()
            batches = run_clients(clients, receive)
            elapsed = time.perf_counter() - started
            total = sum(len(b) for b in batches)
            print(
                f"{connection.vendor} clients={clients}: receptions {total / elapsed:8.1f}/s "
                f"({total} dossiers, register + accept, {elapsed:.2f} s)"
            )

            def walk(i: int, batches: list[Any] = batches, day: dt.datetime = day) -> int:
                actions = 0
                for dossier in batches[i]:
                    now = day + dt.timedelta(hours=1)
                    while dossier.current_step is not None:
                        step = dossier.current_step
                        action = next(a for a in MOVES if a in step.step.actions)
                        dossier = _move(
                            dossier=dossier, by=staff(step.role, step.agency_id), action=action, now=now
                        )
                        actions += 1
                return actions

            started = time.perf_counter()
            counts = run_clients(clients, walk)
            elapsed = time.perf_counter() - started
            print(
                f"{connection.vendor} clients={clients}: step actions {sum(counts) / elapsed:8.1f}/s "
                f"({sum(counts)} actions, {elapsed:.2f} s)"
            )


if __name__ == "__main__":
    main()
