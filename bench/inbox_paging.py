"""Benchmark: the officer inbox's keyset pages at a first page and a deep page, with a large dossier table.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/inbox_paging.py [--dossiers 200000] [--others 100000]``
(add ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inbox`` to measure on PostgreSQL). It builds a
throw-away test database (SQLite: a file under /tmp) with Huế's geography, the demo organization and the
sample catalog, then bulk-creates ``--dossiers`` marriage registrations at the review step of one commune
(1 % of them still waiting for reception there) and ``--others`` at the same step of the other communes,
with step deadlines spread over 60 days. It then times, as the median of ``--repeat`` runs:
- the first page and a deep page (¾ down the queue) of the commune specialist's inbox (``inbox_page``);
- the same deep page read with OFFSET, as the old Paginator did;
- the capped count (``inbox_count``, at most 1,001 rows per part) and the procedure filter's list;
- the first page of the commune's reception officer (waiting dossiers, then their reception step);
and prints the query plans of the deep page and of the reception officer's first page (``--explain``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TEST_SQLITE", "/tmp/motcua-bench-inbox.sqlite3")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 8 September 2025: the template dossier is a walk-in marriage registration, which the counter took
# on paper until 1 October 2025 (online only since, Directive 24/CT-TTg).
START = dt.datetime(2025, 9, 8, 8, 0, tzinfo=TZ)
BATCH = 5000


def timed(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """Median milliseconds of ``repeat`` runs (after one warm-up run) and the last result."""
    result = work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def bulk_dossiers(
    *, template: Any, step: Any, agencies: list[Any], count: int, waiting: float, seed: int
) -> int:
    """``count`` dossiers like ``template`` at ``step`` of ``agencies`` in turn; a share still waiting."""
    from django.db.models import OuterRef, Subquery

    from motcua.dossiers.models import Dossier, DossierStep, State

    rng = random.Random(seed)
    prefix = f"BENCH{seed}"
    created = 0
    while created < count:
        rows = []
        for n in range(created, min(created + BATCH, count)):
            agency = agencies[n % len(agencies)]
            submitted = START - dt.timedelta(minutes=rng.randrange(60 * 24 * 30))
            deadline = START + dt.timedelta(minutes=rng.randrange(60 * 24 * 60))
            is_waiting = rng.random() < waiting
            rows.append(
                Dossier(
                    province_code=template.province_code,
                    code=f"{prefix}-{n:08d}",
                    procedure_id=template.procedure_id,
                    procedure_version_id=template.procedure_version_id,
                    state=State.SUBMITTED if is_waiting else State.IN_PROCESS,
                    channel=template.channel,
                    applicant_name=f"Người nộp {n}",
                    place_unit_id=template.place_unit_id,
                    reception_point_id=template.reception_point_id,
                    receiving_agency_id=agency.pk if is_waiting else template.receiving_agency_id,
                    competent_agency_id=agency.pk,
                    submitted_at=submitted,
                    received_at=None if is_waiting else submitted,
                    appointment_at=None if is_waiting else deadline + dt.timedelta(days=3),
                    step_agency_id=None if is_waiting else agency.pk,
                    step_role="" if is_waiting else step.role,
                    step_deadline=None if is_waiting else deadline,
                )
            )
        Dossier.objects.bulk_create(rows, batch_size=BATCH)
        created += len(rows)
    mine = Dossier.objects.filter(code__startswith=f"{prefix}-", state=State.IN_PROCESS)
    for start in range(0, count, BATCH * 4):
        chunk = mine.filter(code__gte=f"{prefix}-{start:08d}", code__lt=f"{prefix}-{start + BATCH * 4:08d}")
        DossierStep.objects.bulk_create(
            DossierStep(
                dossier_id=pk,
                province_code=template.province_code,
                sequence=1,
                step=step,
                agency_id=agency_id,
                role=step.role,
                started_at=submitted,
                deadline=deadline,
            )
            for pk, agency_id, submitted, deadline in chunk.values_list(
                "pk", "step_agency_id", "submitted_at", "step_deadline"
            )
        )
    mine.update(
        current_step_id=Subquery(DossierStep.objects.filter(dossier_id=OuterRef("pk")).values("pk")[:1])
    )
    return created


def explain(sql: str) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000, help="dossiers in the measured commune")
    parser.add_argument("--others", type=int, default=100_000, help="dossiers at the other communes")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print the deep page's query plans")
    args = parser.parse_args()

    with hue_database() as t0:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from motcua.catalog.models import Procedure
        from motcua.dossiers import lookups, selectors, services
        from motcua.geo.models import AdministrativeUnit
        from motcua.org import selectors as org_selectors
        from motcua.org.models import Role

        on = START.date()
        procedure = Procedure.objects.get(code="1.000894")
        version = lookups.version_in_force(procedure=procedure, on=on)
        communes = list(
            AdministrativeUnit.objects.valid_on(on)
            .filter(province_code="46", level="commune")
            .order_by("code")
        )
        committees = [c for c in (lookups.commune_committee_for(unit=u, on=on) for u in communes) if c]
        place = communes[0]
        agency = lookups.commune_committee_for(unit=place, on=on)
        point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
        reception = (
            org_selectors.staff_with_role(role=Role.RECEPTION_OFFICER, agency=agency, on=on).first().user
        )
        template = services.receive_at_counter(
            by=reception,
            reception_point=point,
            procedure=procedure,
            place_unit=place,
            applicant_info=services.ApplicantInfo(name="Mẫu"),
            documents=[services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)],
            now=START,
        )
        template = services.accept(dossier=template, by=reception, now=START)
        template = services.perform(dossier=template, by=reception, action="forward", now=START)
        step = template.current_step
        specialist = org_selectors.staff_with_role(role=step.role, agency=step.agency, on=on).first().user
        print(f"database: {connection.vendor}; setup {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        bulk_dossiers(
            template=template, step=step.step, agencies=[agency], count=args.dossiers, waiting=0.01, seed=1
        )
        others = [c for c in committees if c.pk != agency.pk]
        bulk_dossiers(
            template=template, step=step.step, agencies=others, count=args.others, waiting=0.01, seed=2
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = args.dossiers + args.others
        elapsed = time.perf_counter() - t0
        print(f"bulk-created {total} dossiers ({args.dossiers} at {agency.name}) in {elapsed:.1f} s")

        now = START
        queue = selectors.inbox_for(user=specialist, now=now)
        depth = int(args.dossiers * 0.99 * 0.75)
        anchor = queue.order_by(*selectors.INBOX_ORDER)[depth]
        key = selectors.inbox_key(anchor)
        rows: list[tuple[str, float, str]] = []

        ms, page = timed(args.repeat, lambda: selectors.inbox_page(user=specialist, now=now))
        rows.append(("specialist: first page (keyset)", ms, f"{len(page.dossiers)} rows"))
        ms, page = timed(args.repeat, lambda: selectors.inbox_page(user=specialist, now=now, after=key))
        rows.append((f"specialist: deep page after row {depth} (keyset)", ms, f"{len(page.dossiers)} rows"))
        ms, back = timed(args.repeat, lambda: selectors.inbox_page(user=specialist, now=now, before=key))
        rows.append(("specialist: page before that row (keyset)", ms, f"{len(back.dossiers)} rows"))
        ms, found = timed(max(args.repeat // 4, 3), lambda: list(queue[depth : depth + 25]))
        rows.append((f"specialist: same depth with OFFSET {depth} (old)", ms, f"{len(found)} rows"))
        ms, count = timed(args.repeat, lambda: selectors.inbox_count(user=specialist, now=now, cap=1000))
        rows.append(("specialist: capped count", ms, f"count {count}"))
        ms, count = timed(max(args.repeat // 4, 3), lambda: queue.count())
        rows.append(("specialist: exact COUNT(*) (old)", ms, f"count {count}"))
        ms, names = timed(args.repeat, lambda: selectors.inbox_procedures(user=specialist, now=now))
        rows.append(("specialist: procedures for the filter list", ms, f"{len(names)} procedures"))
        ms, names = timed(
            max(args.repeat // 4, 3),
            lambda: list(Procedure.objects.filter(pk__in=queue.order_by().values("procedure_id"))),
        )
        rows.append(("specialist: distinct procedures of the whole inbox (old)", ms, f"{len(names)}"))
        ms, page = timed(args.repeat, lambda: selectors.inbox_page(user=reception, now=now))
        rows.append(("reception officer: first page (waiting first)", ms, f"{len(page.dossiers)} rows"))
        rare = selectors.InboxFilters(channel="online")
        ms, page = timed(
            max(args.repeat // 4, 3), lambda: selectors.inbox_page(user=specialist, now=now, filters=rare)
        )
        rows.append(("specialist: filter matching nothing (worst case)", ms, f"{len(page.dossiers)} rows"))

        for label, ms, note in rows:
            print(f"{connection.vendor} {label:<55} {ms:9.2f} ms  ({note})")

        if args.explain:
            with CaptureQueriesContext(connection) as captured:
                selectors.inbox_page(user=specialist, now=now, after=key)
                selectors.inbox_page(user=reception, now=now)
            for query in captured.captured_queries:
                sql = query["sql"]
                if "dossiers_dossier" in sql and "LIMIT" in sql.upper():
                    print("\n" + sql[:300] + (" …" if len(sql) > 300 else ""))
                    for line in explain(sql):
                        print("   ", line)


if __name__ == "__main__":
    main()
