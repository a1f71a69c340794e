"""Benchmark at scale: the officer inbox's first page at 5,000,000 dossiers against the same at 50,000.

Run: ``make bench-scale`` or ``MOTCUA_ENV=test .venv/bin/python bench/scale.py [--dossiers 5000000]
[--compare-dossiers 50000] [--server postgres://postgres@127.0.0.1:5432]`` (PostgreSQL only). Each data set
lives in its own database (``motcua_scale`` and ``motcua_scale_50k``), built once and reused by later runs
while its size and this generator's version match (``--rebuild`` builds it again). A build:
- migrates the database and loads Huế's geography, the demo organization and the sample catalog;
- creates the sample through the services: at every commune's counter, a marriage registration received,
  accepted and walked to its returned result and one stopped at each step of the way (the in-flight
  shapes), and two birth registrations (with parentage) whose review asked the next commune's committee for
  its opinion, one answered and finished, one waiting; each with its events, steps, documents, consultation
  and outbox messages;
- clones that sample in SQL (``INSERT … SELECT`` from the sample rows, chunk by chunk, with a progress line)
  up to ``--dossiers``: each clone copies one sample dossier with its steps, events and documents, moved by a
  whole number of weeks (appointments in the events' data too, so that the log still replays), with a code
  of its own. The clone's sample is drawn with a realistic distribution: ``--in-flight`` (4 %) of the
  dossiers still being handled, in the last weeks, the rest finished since the two-tier reform (July 2025);
  10 % asked another agency's opinion; the communes weighted by a Zipf law, so that the biggest ward holds
  several times the average (printed). Register entries and outbox messages are not cloned;
- checks the result: the catalog verifier finds no error, and the event log of every sample dossier and of
  ``--replay`` random clones replays to the stored state.
It then measures, in each database, the inbox first page (``/can-bo/``, Django's test client, the median of
``--repeat`` requests after two warm-ups, the same request each time, the two databases in alternating
rounds) for the specialist of the biggest ward, with its SQL time and queries, flags any sequential scan of
a dossier table in the plans of the page's queries (``--explain`` prints them), and prints the ratio
5M ÷ 50k (target ≤ 1.5). The estimate of a full build's disk use and time, from the
smaller build, is printed before any big build starts, and the build stops when the disk cannot hold it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 8 September 2025, 08:00: the sample's moment. Marriage registration still took paper dossiers at the
# counter (online only from 1 October 2025, Directive 24/CT-TTg). Clones move by whole weeks from it.
START = dt.datetime(2025, 9, 8, 8, 0, tzinfo=TZ)
# Two-tier local government since 1 July 2025: no finished clone is older than its first week.
FIRST_WEEK = -9
MARRIAGE = "1.000894"
# Its review step may ask another agency for its opinion (the marriage registration's does not).
BIRTH_WITH_PARENTAGE = "1.000689"
MOVES = ("forward", "approve", "sign", "issue_number", "return_result")


def _move(*, dossier: Any, by: Any, action: str, **options: Any) -> Any:
    """One movement of the walk: ``sign`` through the engine's sign step (the signing service's path; the
    signature itself is not what this measures), the others through ``perform`` (which refuses ``sign``)."""
    from motcua.dossiers import services
    from motcua.dossiers.services.signature_step import pass_sign_step

    if action == "sign":
        return pass_sign_step(dossier=dossier, by=by, **options)
    return services.perform(dossier=dossier, by=by, action=action, **options)


# Bump when the data a build writes changes: a kept database of another version is built again.
GENERATOR = 2
CHUNK = 50_000
ZIPF = 0.7
CONSULTED = 0.1  # share of the dossiers whose handling asked another agency for its opinion
# Tables a clone copies: each row of the sample dossier's children, in this order (steps first: the dossier
# and its consultations point at them). Register entries (numbered per book), outbox messages (delivered and
# gone long ago for finished dossiers) are not copied.
CHILDREN = ("DossierStep", "DossierEvent", "DossierDocument", "Consultation", "ApologyNotice")
NOT_CLONED = (
    "DossierRegisterEntry",
    "DossierResult",
    "SatisfactionRating",
    "StopNotice",
    "WithdrawalRequest",
)
BUILD_TABLE = "bench_scale_build"
ROUNDS = 3  # alternating measurement rounds per database
TARGET = 1.5  # the bound on the ratio of the inbox latencies


# ---------------------------------------------------------------------------------------------- databases


def server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgres", parts.netloc, f"/{database}", "", ""))


def admin_connection(server: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(server_url(server, "postgres"), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is not reachable at {urlsplit(server).netloc}: {error}") from None


def kept_build(server: str, database: str) -> dict[str, Any] | None:
    """What the kept database says about its build, or None when it holds no complete one."""
    import psycopg

    with admin_connection(server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            return None
    with psycopg.connect(server_url(server, database)) as connection:
        found = connection.execute("SELECT to_regclass(%s)", [BUILD_TABLE]).fetchone()
        if not found or found[0] is None:
            return None
        row = connection.execute(f"SELECT facts FROM {BUILD_TABLE} WHERE complete").fetchone()
        return row[0] if row else None


def recreate(server: str, database: str) -> None:
    from psycopg import sql

    with admin_connection(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def free_bytes() -> int:
    """Free space where PostgreSQL keeps its data (the root file system when the data directory is not
    visible from here)."""
    for path in ("/var/lib/postgresql", "/"):
        if os.path.exists(path):
            return shutil.disk_usage(path).free
    return shutil.disk_usage("/").free


def total_memory() -> int:
    found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return int(found.group(1)) * 1024 if found else 0


# ---------------------------------------------------------------------------------------------- the sample


@dataclass(frozen=True)
class Template:
    """A sample dossier made through the services, the original of its clones."""

    dossier_id: int
    agency_id: int
    in_flight: bool
    step_code: str  # where it stands ("" once returned)
    weight: float = 1.0  # how often it is cloned, beside the others of its ward and kind


def make_sample(progress: Any, *, communes_limit: int = 0) -> list[Template]:
    """At each commune's counter: marriage registrations walked to the returned result and stopped at each
    step of the way, and birth registrations (with parentage) whose review asked the next commune's
    committee for its opinion, one answered and finished, one waiting; every change through the services
    (with its events and outbox messages)."""
    from motcua.catalog.models import Action, Procedure
    from motcua.dossiers import lookups, services
    from motcua.geo.models import AdministrativeUnit
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Role

    on = START.date()
    procedures = {code: Procedure.objects.get(code=code) for code in (MARRIAGE, BIRTH_WITH_PARENTAGE)}
    documents = {
        code: [
            services.DocumentInput(code=d.code)
            for d in lookups.version_in_force(procedure=p, on=on).documents.filter(mandatory=True)
        ]
        for code, p in procedures.items()
    }
    communes = list(
        AdministrativeUnit.objects.valid_on(on).filter(province_code="46", level="commune").order_by("code")
    )[: communes_limit or None]
    staff_cache: dict[tuple[str, int], Any] = {}

    def staff(role: str, agency: Any) -> Any:
        key = (role, agency.pk)
        if key not in staff_cache:
            member = org_selectors.staff_with_role(role=role, agency=agency, on=on).first()
            if member is None:
                raise SystemExit(f"the demo organization has no {role} at {agency}")
            staff_cache[key] = member.user
        return staff_cache[key]

    def received(unit: Any, agency: Any, point: Any, n: int, code: str = MARRIAGE) -> Any:
        now = START + dt.timedelta(minutes=n)
        reception = staff(Role.RECEPTION_OFFICER, agency)
        dossier = services.receive_at_counter(
            by=reception,
            reception_point=point,
            procedure=procedures[code],
            place_unit=unit,
            applicant_info=services.ApplicantInfo(
                name=f"Nguyễn Văn Mẫu {n}", id_number=f"046195{n:06d}", phone="0914000111"
            ),
            documents=documents[code],
            now=now,
        )
        return services.accept(dossier=dossier, by=reception, now=now)

    def walk(dossier: Any, stop_at: int, consulted: Any = None, wait: bool = False) -> Any:
        """Take the forward path for ``stop_at`` steps; ask ``consulted`` for its opinion where a step may
        (and, with ``wait``, stop there waiting for the answer)."""
        for hour in range(stop_at):
            current = dossier.current_step
            if current is None:
                break
            by = staff(current.role, current.agency)
            now = START + dt.timedelta(hours=hour + 1)
            if consulted is not None and Action.CONSULT in current.step.actions:
                asked = services.consult(
                    dossier=dossier, by=by, agency=consulted, question="Xin ý kiến", now=now
                )
                if wait:
                    return asked.dossier
                dossier = services.answer_consultation(
                    consultation=asked, by=staff(Role.SPECIALIST, consulted), answer="Đồng ý", now=now
                )
                consulted = None
            action = next(a for a in MOVES if a in current.step.actions)
            dossier = _move(dossier=dossier, by=by, action=action, now=now)
        return dossier

    templates: list[Template] = []
    n = 0
    committees = [lookups.commune_committee_for(unit=unit, on=on) for unit in communes]
    for i, (unit, agency) in enumerate(zip(communes, committees, strict=True)):
        point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
        if agency is None or point is None:
            continue
        # Finished: most straight through, some after asking the next commune's committee for its opinion.
        neighbour = committees[(i + 1) % len(committees)]
        for consulted, weight in ((None, 1 - CONSULTED), (neighbour, CONSULTED)):
            code = MARRIAGE if consulted is None else BIRTH_WITH_PARENTAGE
            finished = walk(received(unit, agency, point, n, code), len(MOVES) + 5, consulted=consulted)
            n += 1
            templates.append(Template(finished.pk, agency.pk, in_flight=False, step_code="", weight=weight))
        waiting = [walk(received(unit, agency, point, n + k), stop_at=k) for k in range(len(MOVES))]
        n += len(MOVES)
        # Waiting for the neighbour's opinion.
        birth = received(unit, agency, point, n, BIRTH_WITH_PARENTAGE)
        waiting.append(walk(birth, len(MOVES), consulted=neighbour, wait=True))
        n += 1
        templates += [
            Template(
                d.pk, agency.pk, True, d.current_step.step.code, weight=CONSULTED if d is waiting[-1] else 1
            )
            for d in waiting
            if d.current_step
        ]
        progress(f"sample through the services: {i + 1}/{len(communes)} communes, {n} dossiers")
    return templates


# ---------------------------------------------------------------------------------------------- the clones


def ward_weights(agencies: list[int], seed: int) -> dict[int, float]:
    """A Zipf law over the communes in a seeded order: the biggest holds several times the average."""
    order = sorted(agencies)
    random.Random(seed).shuffle(order)
    return {agency: 1 / (rank + 1) ** ZIPF for rank, agency in enumerate(order)}


def plan_clones(
    templates: list[Template], *, count: int, in_flight: float, seed: int, today: dt.date
) -> Iterator[tuple[int, int, int]]:
    """(clone number, sample dossier, weeks moved) for each clone, drawn with the distribution above."""
    rng = random.Random(seed)
    weights = ward_weights(sorted({t.agency_id for t in templates}), seed)
    now_week = (today - START.date()).days // 7 - 1  # the last whole week before today
    finished = [t for t in templates if not t.in_flight]
    flying = [t for t in templates if t.in_flight]
    finished_w = [weights[t.agency_id] * t.weight for t in finished]
    flying_w = [weights[t.agency_id] * t.weight for t in flying]
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        n_flying = sum(1 for _ in range(size) if rng.random() < in_flight)
        picks = rng.choices(flying, flying_w, k=n_flying) + rng.choices(
            finished, finished_w, k=size - n_flying
        )
        rng.shuffle(picks)
        for template in picks:
            if template.in_flight:
                weeks = rng.randint(now_week - 3, now_week)
            else:
                weeks = rng.randint(FIRST_WEEK, max(FIRST_WEEK, now_week - 2))
            yield made, template.dossier_id, weeks
            made += 1


def _shifted(column: str) -> str:
    return f"t.{column} + c.weeks * interval '7 days'"


# A date-time as the services write them into an event's data (``isoformat`` of an aware moment).
ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?[+-]\d\d:\d\d$")


def shifted_data(data: Any, weeks: int) -> Any:
    """An event's data with each date-time (appointments, the moment of a record) moved by ``weeks``, written
    as the services write them (``isoformat``, offset kept), so that the log still replays."""
    if not isinstance(data, dict):
        return data
    moved = {}
    for key, value in data.items():
        if isinstance(value, str) and ISO_MOMENT.match(value):
            value = (dt.datetime.fromisoformat(value) + dt.timedelta(weeks=weeks)).isoformat()
        moved[key] = value
    return moved


def clone_statement(model: Any, overrides: dict[str, str], joins: str) -> str:
    """INSERT … SELECT copying ``model``'s rows of the chunk's sample dossiers (``t``, from their copy in
    ``bench_scale_t_<table>``): date-times moved by the clone's weeks, the columns in ``overrides`` computed,
    the rest as in the sample."""
    from django.db import models

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in overrides:
            continue  # drawn from the table's sequence
        columns.append(field.column)
        if field.column in overrides:
            values.append(overrides[field.column])
        elif isinstance(field, models.DateTimeField):
            values.append(_shifted(field.column))
        else:
            values.append(f"t.{field.column}")
    table = model._meta.db_table
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM bench_scale_clone c JOIN bench_scale_t_{table} t {joins} "
        "WHERE c.n >= %(low)s AND c.n < %(high)s"
    )


def clone_statements(*, dossier_base: int, step_base: int, slots: int) -> list[str]:
    """The dossier's statement, then one per table of ``CHILDREN``."""
    from motcua.dossiers import models

    dossier_id = f"{dossier_base} + c.n"
    step_id = f"{step_base} + c.n * {slots} + s.slot"
    code = (
        "regexp_replace(t.code, '-[0-9]{6}-[0-9]+$', '') || '-' || "
        f"to_char(({_shifted('submitted_at')}) AT TIME ZONE '{TZ.key}', 'YYMMDD') || '-' || "
        f"lpad(({dossier_id})::text, 8, '0')"
    )
    dossier = clone_statement(
        models.Dossier,
        {
            "id": dossier_id,
            "code": code,
            "idempotency_key": "NULL",
            "national_code": "NULL",
            "current_step_id": f"CASE WHEN s.slot IS NULL THEN NULL ELSE {step_id} END",
        },
        "ON t.id = c.template_id LEFT JOIN bench_scale_slot s ON s.step_id = t.current_step_id",
    )
    of_dossier = "ON t.dossier_id = c.template_id"
    children = {
        "DossierStep": (
            {"id": step_id, "dossier_id": dossier_id},
            f"{of_dossier} JOIN bench_scale_slot s ON s.step_id = t.id",
        ),
        "DossierEvent": (
            {"dossier_id": dossier_id, "data": "coalesce(d.data, t.data)"},
            f"{of_dossier} LEFT JOIN bench_scale_event_data d ON d.event_id = t.id AND d.weeks = c.weeks",
        ),
        "DossierDocument": ({"dossier_id": dossier_id}, of_dossier),
        "Consultation": (
            {"dossier_id": dossier_id, "dossier_step_id": step_id},
            f"{of_dossier} JOIN bench_scale_slot s ON s.step_id = t.dossier_step_id",
        ),
        "ApologyNotice": ({"dossier_id": dossier_id}, of_dossier),
    }
    return [dossier] + [clone_statement(getattr(models, name), *children[name]) for name in CHILDREN]


def cloned_tables() -> list[str]:
    from motcua.dossiers import models

    return [getattr(models, name)._meta.db_table for name in ("Dossier", *CHILDREN)]


def prepare_clones(cursor: Any, templates: list[Template], plan: Iterator[tuple[int, int, int]]) -> None:
    """The staging tables the clone statements read: the plan (``bench_scale_clone``), a copy of the sample
    rows of each cloned table (``bench_scale_t_<table>``), each sample step's place among its dossier's steps
    (``bench_scale_slot``: a clone's step id is base + n × slots + slot) and the sample events' data moved
    by each number of weeks a clone moves by (``bench_scale_event_data``)."""
    ids = [t.dossier_id for t in templates]
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_scale_clone (n bigint PRIMARY KEY, template_id bigint, weeks int)"
    )
    weeks_used: set[int] = set()
    with cursor.cursor.copy("COPY bench_scale_clone (n, template_id, weeks) FROM STDIN") as copy:
        for row in plan:
            weeks_used.add(row[2])
            copy.write_row(row)
    for table in cloned_tables():
        key = "id" if table == "dossiers_dossier" else "dossier_id"
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_scale_t_{table} AS SELECT * FROM {table} WHERE {key} = ANY(%s)",
            [ids],
        )
        cursor.execute(f"CREATE INDEX ON bench_scale_t_{table} ({key})")
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_scale_slot AS SELECT id AS step_id, "
        "(row_number() OVER (PARTITION BY dossier_id ORDER BY sequence) - 1)::int AS slot "
        "FROM bench_scale_t_dossiers_dossierstep"
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_scale_slot (step_id)")
    cursor.execute("CREATE UNLOGGED TABLE bench_scale_event_data (event_id bigint, weeks int, data jsonb)")
    cursor.execute("SELECT id, data FROM bench_scale_t_dossiers_dossierevent")
    events = [(pk, data if isinstance(data, dict) else json.loads(data)) for pk, data in cursor.fetchall()]
    with cursor.cursor.copy("COPY bench_scale_event_data (event_id, weeks, data) FROM STDIN") as copy:
        for pk, data in events:
            if any(isinstance(v, str) and ISO_MOMENT.match(v) for v in data.values()):
                for weeks in sorted(weeks_used):
                    copy.write_row((pk, weeks, json.dumps(shifted_data(data, weeks))))
    cursor.execute("CREATE UNIQUE INDEX ON bench_scale_event_data (event_id, weeks)")
    staging = ["bench_scale_clone", "bench_scale_slot", "bench_scale_event_data"]
    for table in staging + [f"bench_scale_t_{table}" for table in cloned_tables()]:
        cursor.execute(f"ANALYZE {table}")


def drop_secondary_indexes(cursor: Any) -> list[str]:
    """Drop the cloned tables' non-unique indexes (built again in bulk after the load); their definitions."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s) AND NOT i.indisunique",
        [cloned_tables()],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def load_clones(
    templates: list[Template], *, count: int, in_flight: float, seed: int, progress: Any
) -> dict[str, float]:
    """Copy the sample into ``count`` clones, chunk by chunk, each chunk one transaction; seconds spent on
    the staging tables, each cloned table and the index rebuild."""
    from django.db import connection, transaction

    spent: dict[str, float] = {}
    t0 = time.perf_counter()
    plan = plan_clones(templates, count=count, in_flight=in_flight, seed=seed, today=dt.date.today())
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # (tests) check the sample's deferred foreign keys now: no index
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # is built on a table with pending checks
        prepare_clones(cursor, templates, plan)
        cursor.execute("SELECT coalesce(max(slot), 0) + 1 FROM bench_scale_slot")
        slots = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM dossiers_dossier")
        dossier_base = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM dossiers_dossierstep")
        step_base = cursor.fetchone()[0]
        indexes = drop_secondary_indexes(cursor)
    spent["staging"] = time.perf_counter() - t0

    statements = clone_statements(dossier_base=dossier_base, step_base=step_base, slots=slots)
    tables = cloned_tables()
    started = time.perf_counter()
    for low in range(0, count, CHUNK):
        high = min(low + CHUNK, count)
        with transaction.atomic(), connection.cursor() as cursor:
            # The clones copy rows whose references hold: the foreign-key triggers are not run for them.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")
            for table, statement in zip(tables, statements, strict=True):
                t0 = time.perf_counter()
                cursor.execute(statement, {"low": low, "high": high})
                spent[table] = spent.get(table, 0.0) + time.perf_counter() - t0
        rate = high / max(time.perf_counter() - started, 1e-9)
        progress(f"clones: {high:,}/{count:,} ({rate:,.0f}/s, {(count - high) / rate / 60:.1f} min left)")

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for n, definition in enumerate(indexes):
            progress(f"indexes: {n + 1}/{len(indexes)}")
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cursor.execute(
            "DROP TABLE bench_scale_clone, bench_scale_slot, bench_scale_event_data, "
            + ", ".join(f"bench_scale_t_{table}" for table in tables)
        )
    spent["indexes"] = time.perf_counter() - t0
    return {k: round(v, 1) for k, v in spent.items()}


# ---------------------------------------------------------------------------------------------- checks


def check_catalog() -> int:
    """The catalog verifier on today's date: no error (the bulk load does not touch the catalog)."""
    from motcua.catalog.verifier import verify

    report = verify(on=dt.date.today())
    errors = report.errors
    if errors:
        raise SystemExit(f"the catalog verifier reports {len(errors)} errors: {errors[:5]}")
    return len(report.findings)


def check_replay(templates: list[Template], *, sample: int) -> int:
    """The event log of every sample dossier and of ``sample`` random clones replays to the stored state."""
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.replay import current_as_replayed, replay

    # Drawn among the dossiers that exist (ids have gaps: sequences are not reset), by the database.
    ids = {t.dossier_id for t in templates} | set(
        Dossier.objects.order_by("?").values_list("pk", flat=True)[:sample]
    )
    checked = 0
    for dossier in Dossier.objects.filter(pk__in=ids).select_related("current_step__step"):
        replayed = replay(dossier.events.order_by("sequence"))
        expected = current_as_replayed(dossier)
        expected.appointments = replayed.appointments
        if replayed != expected:
            raise SystemExit(
                f"{dossier.code}: the event log replays to {replayed}, the dossier is {expected}"
            )
        checked += 1
    return checked


# ---------------------------------------------------------------------------------------------- build


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes = {"database": cursor.fetchone()[0]}
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND relname LIKE 'dossiers_%%'"
        )
        sizes.update(dict(cursor.fetchall()))
    return sizes


def build(args: argparse.Namespace) -> dict[str, Any]:
    """Build the data set in the database Django is configured for (empty, just created)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from motcua.operations.demo import load_demo

    def progress(message: str) -> None:
        print(f"\r{message:<100}", end="", file=sys.stderr, flush=True)

    facts: dict[str, Any] = {
        "dossiers": args.dossiers,
        "generator": GENERATOR,
        "seed": args.seed,
        "communes": args.communes,
        "in_flight": args.in_flight,
    }
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo(all_provinces=False)
    facts["world_s"] = round(time.perf_counter() - started, 1)
    print(f"migrated and loaded Huế in {facts['world_s']} s", file=sys.stderr)

    t0 = time.perf_counter()
    templates = make_sample(progress, communes_limit=args.communes)
    facts["sample"] = len(templates)
    facts["sample_s"] = round(time.perf_counter() - t0, 1)
    print(
        f"\n{len(templates)} sample dossiers through the services in {facts['sample_s']} s", file=sys.stderr
    )

    t0 = time.perf_counter()
    clones = max(args.dossiers - len(templates), 0)
    facts["clone_parts_s"] = load_clones(
        templates, count=clones, in_flight=args.in_flight, seed=args.seed, progress=progress
    )
    facts["clone_s"] = round(time.perf_counter() - t0, 1)
    print(f"\n{clones:,} clones in {facts['clone_s']} s", file=sys.stderr)

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    facts["analyze_s"] = round(time.perf_counter() - t0, 1)
    facts["findings"] = check_catalog()
    facts["replayed"] = check_replay(templates, sample=args.replay)
    facts["build_s"] = round(time.perf_counter() - started, 1)
    facts["sizes"] = table_sizes()
    facts["templates"] = [asdict(t) for t in templates]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BUILD_TABLE} (complete boolean, facts jsonb)")
        cursor.execute(f"INSERT INTO {BUILD_TABLE} VALUES (true, %s)", [json.dumps(facts)])
    print(
        f"built {args.dossiers:,} dossiers in {facts['build_s']} s: catalog verified ({facts['findings']} "
        f"findings, no error), {facts['replayed']} event logs replayed, database "
        f"{facts['sizes']['database'] / 2**30:.2f} GiB",
        file=sys.stderr,
    )
    return facts


# ---------------------------------------------------------------------------------------------- measure


@contextmanager
def officer_client(user: Any) -> Iterator[Any]:
    """A test client logged in as ``user`` with a verified second factor; its device removed afterwards."""
    sys.path.insert(0, str(ROOT / "bench"))
    from http_pages import staff_session

    client, _cookies = staff_session(user)
    try:
        yield client
    finally:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=user, name="bench phone").delete()


def explain(sql: str, params: Any) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def measure(args: argparse.Namespace, facts: dict[str, Any]) -> dict[str, Any]:
    """The inbox first page of the biggest ward's specialist: median latency, queries, plans."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from motcua.dossiers.models import Dossier
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Agency, Role

    templates = [Template(**t) for t in facts["templates"]]
    weights = ward_weights(sorted({t.agency_id for t in templates}), facts["seed"])
    biggest = max(weights, key=lambda agency: weights[agency])
    agency = Agency.objects.get(pk=biggest)
    on = dt.date.today()
    member = org_selectors.staff_with_role(role=Role.SPECIALIST, agency=agency, on=on).first()
    if member is None:
        raise SystemExit(f"no specialist at {agency}")
    waiting = Dossier.objects.filter(step_agency=agency, step_role=Role.SPECIALIST).count()
    total = Dossier.objects.count()
    share = Dossier.objects.filter(competent_agency=agency).count() / max(total, 1)
    url = reverse("workspace:inbox")
    result: dict[str, Any] = {"dossiers": total, "agency": agency.name, "inbox": waiting}
    result["biggest_share"] = share
    result["average_share"] = 1 / len(weights)
    sql_seconds = [0.0]

    def timed_sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - t0

    with officer_client(member.user) as client:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        samples, sql_samples = [], []
        for _ in range(args.repeat):
            sql_seconds[0] = 0.0
            t0 = time.perf_counter()
            with connection.execute_wrapper(timed_sql):
                client.get(url)
            samples.append((time.perf_counter() - t0) * 1000)
            sql_samples.append(sql_seconds[0] * 1000)
        # The plans are of the plain statements (a prepared statement's captured SQL is its EXECUTE).
        with (
            override_settings(MOTCUA_PREPARED_STATEMENTS=False),
            CaptureQueriesContext(connection) as captured,
        ):
            client.get(url)
    result["samples_ms"] = samples
    result["sql_samples_ms"] = sql_samples
    result["queries"] = len(captured.captured_queries)
    plans, seq_scans = [], []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "dossiers_" not in sql or not sql.lstrip().upper().startswith("SELECT"):
            continue
        # The captured SQL has its parameters inlined as literals: EXPLAIN it as it is.
        lines = explain(sql, None)
        plans.append({"sql": sql, "plan": lines})
        # An empty table (no page: cost 0.00..0.00) is scanned whole at no cost: not flagged.
        seq_scans += [
            line.strip()
            for line in lines
            if "Seq Scan on dossiers_" in line and "cost=0.00..0.00 " not in line
        ]
    result["plans"] = plans
    result["seq_scans"] = seq_scans
    return result


# ---------------------------------------------------------------------------------------------- Citus

# Where each table would live in a distributed PostgreSQL (Citus) for a nation, by app (docs/scaling.md):
# - distributed: sharded by ``province_code`` (the hot tables: they grow with the dossiers, and one
#   dossier's writes stay on one shard);
# - reference: copied to every node (small, read by every request, written rarely: joins stay local);
# - local: kept on the coordinator only (per-request or operational bookkeeping no distributed table
#   points at).
# A table of an app not named here makes ``placements`` fail, so a new app cannot be forgotten.
DISTRIBUTED_APPS = frozenset(
    {
        "dossiers",
        "integrations",
        "registries",
        "datastore",
        "signing",
        "notifications",
        "payments",
        "postal",
        "reorg",
    }
)
REFERENCE_APPS = frozenset(
    {
        "geo",
        "org",
        "workcalendar",
        "catalog",
        "core",
        "accounts",
        "auth",
        "contenttypes",
        "otp_totp",
        "otp_static",
    }
)
LOCAL_APPS = frozenset({"admin", "sessions", "axes", "django_tasks_database", "portal"})
# Exceptions inside those apps: operational state of the delivery workers, the sessions of our own store,
# short-lived confirmation codes and the receipts' event ids (de-duplication only); counters of one site's
# own traffic, like portal_lookupfailure (its app is local): the verification page's uploads; the daily
# payments reconciliation (one row a day, written by the job under its lease, read in the admin); a legacy
# import's runs and its source-row map (bookkeeping of a command run on the coordinator).
LOCAL_TABLES = frozenset(
    {
        "integrations_lease",
        "payments_reconciliation",
        "integrations_destinationtotals",
        "accounts_session",
        "notifications_contactconfirmation",
        "notifications_receiptevent",
        "signing_verificationupload",
        "reorg_legacyrun",
        "reorg_legacyrecord",
    }
)
# Catalog data inside a distributed app: result-document templates are read with every procedure version;
# a citizen's notification channels go with their account (accounts is reference); an agency's payment
# account (the VietQR beneficiary) is configuration read with every payment; reorganization plans, their
# runs and the agencies' successors are organization data (a legacy import's attachments go with their
# dossier).
REFERENCE_TABLES = frozenset(
    {
        "signing_documenttemplate",
        "notifications_contactpreference",
        "payments_paymentaccount",
        "reorg_plan",
        "reorg_planrun",
        "reorg_agencysuccession",
    }
)
DISTRIBUTION_KEY = "province_code"
TABLES_BEGIN = "<!-- tables: generated by `python bench/scale.py --tables`; do not edit by hand -->"
TABLES_END = "<!-- end of tables -->"


@dataclass(frozen=True)
class Placement:
    table: str
    placement: str  # distributed, reference or local
    note: str


def placements() -> list[Placement]:
    """Every table of the installed models with where it would live under Citus, in table order."""
    import django

    django.setup()
    from django.apps import apps

    found: dict[str, Placement] = {}
    models = sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.db_table)
    distributed = {
        m._meta.db_table
        for m in models
        if m._meta.app_label in DISTRIBUTED_APPS and m._meta.db_table not in LOCAL_TABLES | REFERENCE_TABLES
    }
    for model in models:
        table, app = model._meta.db_table, model._meta.app_label
        columns = {f.column for f in model._meta.concrete_fields}
        if table in LOCAL_TABLES or app in LOCAL_APPS:
            found[table] = Placement(table, "local", "coordinator only")
        elif table in distributed:
            # A parent of the same app first (a dossier's document goes with its dossier).
            parents = sorted(
                (
                    f.related_model._meta.db_table
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.related_model._meta.db_table in distributed - {table}
                ),
                key=lambda parent: (not parent.startswith(f"{app}_"), parent),
            )
            if DISTRIBUTION_KEY in columns:
                note = f"by {DISTRIBUTION_KEY}"
            elif parents:
                note = f"by {DISTRIBUTION_KEY} (column to add, copied from {parents[0]}), co-located with it"
            else:
                note = f"by {DISTRIBUTION_KEY} (column to add, from its agency or reception point)"
            found[table] = Placement(table, "distributed", note)
        elif app in REFERENCE_APPS or table in REFERENCE_TABLES:
            found[table] = Placement(table, "reference", "on every node")
        else:
            raise LookupError(f"{table} (app {app}): say in bench/scale.py where it lives under Citus")
    return list(found.values())


def tables_markdown() -> str:
    """The table list of docs/scaling.md, between its markers."""
    lines = [TABLES_BEGIN, "", "| table | placement | key, remark |", "|---|---|---|"]
    lines += [f"| `{p.table}` | {p.placement} | {p.note} |" for p in placements()]
    return "\n".join([*lines, "", TABLES_END])


# ---------------------------------------------------------------------------------------------- driver


def one(args: argparse.Namespace) -> None:
    """Child process: build the database if it holds no matching build, then measure it; print the result
    as one JSON line (the parent reads it)."""
    os.environ["DATABASE_URL"] = server_url(args.server, args.database)
    facts = kept_build(args.server, args.database)
    fits = (
        facts is not None
        and facts.get("dossiers") == args.dossiers
        and facts.get("generator") == GENERATOR
        and facts.get("seed") == args.seed
        and facts.get("communes") == args.communes
        and facts.get("in_flight") == args.in_flight
        and not args.rebuild
    )
    if fits:
        print(f"{args.database}: kept build of {args.dossiers:,} dossiers reused", file=sys.stderr)
        migrate_kept(args.database)
    else:
        print(f"{args.database}: building {args.dossiers:,} dossiers", file=sys.stderr)
        recreate(args.server, args.database)
        facts = build(args)
    assert facts is not None
    result = measure(args, facts) if args.repeat else {}
    result["build"] = {k: v for k, v in facts.items() if k != "templates"}
    print("SCALE " + json.dumps(result))


def migrate_kept(database: str) -> None:
    """Bring a kept build to the code's migrations (an index changed since it was built, say), as an
    operator would, and refresh the planner's statistics of what changed."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return
    names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in pending)
    print(f"{database}: applying {len(pending)} migrations to the kept build ({names})", file=sys.stderr)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{database}: migrated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def run_one(args: argparse.Namespace, database: str, dossiers: int, *, repeat: int) -> dict[str, Any]:
    """Build (if needed) and measure one database in a process of its own; its result."""
    command = [
        sys.executable,
        __file__,
        "--one",
        "--server",
        args.server,
        "--database",
        database,
        "--dossiers",
        str(dossiers),
        "--in-flight",
        str(args.in_flight),
        "--seed",
        str(args.seed),
        "--repeat",
        str(repeat),
        "--replay",
        str(args.replay),
        "--communes",
        str(args.communes),
    ] + (["--rebuild"] if args.rebuild else [])
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{database}: the build or the measurement failed (exit {done.returncode})")
    line = next(line for line in done.stdout.splitlines() if line.startswith("SCALE "))
    return json.loads(line[len("SCALE ") :])


def estimate(small: dict[str, Any], dossiers: int) -> tuple[float, float]:
    """Disk (bytes) and build time (seconds) of ``dossiers`` from a smaller build: the cloned tables, their
    indexes and the final VACUUM ANALYZE scaled linearly with the clones (index builds grow a little
    faster), the world, the sample and the staging tables as they were."""
    facts = small["build"]
    factor = (dossiers - facts["sample"]) / max(facts["dossiers"] - facts["sample"], 1)
    sizes = facts["sizes"]
    dossier_bytes = sum(v for k, v in sizes.items() if k.startswith("dossiers_"))
    disk = sizes["database"] - dossier_bytes + dossier_bytes * factor
    parts = facts["clone_parts_s"]
    fixed = facts["world_s"] + facts["sample_s"] + parts["staging"]
    seconds = fixed + (sum(v for k, v in parts.items() if k != "staging") + facts["analyze_s"]) * factor
    return disk, seconds


def report(label: str, result: dict[str, Any]) -> None:
    print(
        f"{label}: {result['dossiers']:>10,} dossiers; inbox of the specialist at {result['agency']} "
        f"({result['inbox']:,} at their step; the ward holds {result['biggest_share'] * 100:.1f} % of the "
        f"dossiers, the average ward {result['average_share'] * 100:.1f} %): "
        f"median {result['median_ms']:.1f} ms (SQL {result['sql_ms']:.1f} ms), {result['queries']} queries"
    )
    for scan in result["seq_scans"]:
        print(f"   SEQUENTIAL SCAN: {scan}")


def measured(args: argparse.Namespace, sizes: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Each database measured in ``ROUNDS`` alternating rounds (a load that comes and goes on the machine
    weighs on both alike); the medians over all the rounds' requests."""
    results: list[dict[str, Any]] = [{} for _ in sizes]
    per_round = max(args.repeat // ROUNDS, 1)
    for _ in range(ROUNDS):
        for i, (database, dossiers) in enumerate(sizes):
            found = run_one(args, database, dossiers, repeat=per_round)
            samples = results[i].get("samples_ms", []) + found["samples_ms"]
            sql = results[i].get("sql_samples_ms", []) + found["sql_samples_ms"]
            results[i] = {**found, "samples_ms": samples, "sql_samples_ms": sql}
    for result in results:
        result["median_ms"] = statistics.median(result["samples_ms"])
        result["sql_ms"] = statistics.median(result["sql_samples_ms"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5_000_000)
    parser.add_argument("--database", default="motcua_scale")
    parser.add_argument("--compare-dossiers", type=int, default=50_000)
    parser.add_argument("--compare-database", default="motcua_scale_50k")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_SCALE_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL (its database part is ignored)",
    )
    parser.add_argument("--in-flight", type=float, default=0.04, help="share of dossiers still handled")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--communes", type=int, default=0, help="sample at the first N communes only (0: all)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed inbox requests per database")
    parser.add_argument("--replay", type=int, default=500, help="random clones whose event log is replayed")
    parser.add_argument("--rebuild", action="store_true", help="build even when a matching build is kept")
    parser.add_argument("--explain", action="store_true", help="print the inbox queries' plans")
    parser.add_argument(
        "--estimate-only", action="store_true", help="build the smaller set, print the estimate, stop"
    )
    parser.add_argument("--tables", action="store_true", help="print docs/scaling.md's table list and stop")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tables:
        print(tables_markdown())
        return
    if args.one:
        one(args)
        return

    small = run_one(args, args.compare_database, args.compare_dossiers, repeat=0)
    disk, seconds = estimate(small, args.dossiers)
    free = free_bytes()
    print(
        f"estimate for {args.dossiers:,} dossiers (from the {args.compare_dossiers:,} build): "
        f"{disk / 2**30:.1f} GiB of disk ({free / 2**30:.1f} GiB free), build {seconds / 60:.0f} min; "
        f"RAM {total_memory() / 2**30:.0f} GiB"
    )
    if args.estimate_only:
        return
    kept = kept_build(args.server, args.database)
    if (kept is None or kept.get("dossiers") != args.dossiers or args.rebuild) and disk * 1.3 > free:
        raise SystemExit("not enough free disk for the build (with 30 % headroom for the indexes and WAL)")
    run_one(args, args.database, args.dossiers, repeat=0)
    small, big = measured(
        args, [(args.compare_database, args.compare_dossiers), (args.database, args.dossiers)]
    )
    print()
    report("small", small)
    report("large", big)
    if args.explain:
        for result in (small, big):
            for plan in result["plans"]:
                print("\n" + plan["sql"][:400])
                for line in plan["plan"]:
                    print("    " + line)
    ratio = big["median_ms"] / small["median_ms"]
    verdict = "ok" if ratio <= TARGET else f"ABOVE the target {TARGET}"
    print(
        f"inbox first page: {big['median_ms']:.1f} ms at {big['dossiers']:,} dossiers ÷ "
        f"{small['median_ms']:.1f} ms at {small['dossiers']:,} = {ratio:.2f} ({verdict}); "
        f"its SQL: {big['sql_ms']:.1f} ms ÷ {small['sql_ms']:.1f} ms = {big['sql_ms'] / small['sql_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
