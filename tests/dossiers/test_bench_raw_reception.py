"""bench/raw_reception.sql, the raw SQL ``make bench`` measures reception + accept against, stays in step:
its tables and columns are the models', it fills every required column, it writes the tables the services
write for a reception + accept, and (PostgreSQL) it runs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierRegisterEntry, DossierStep

from .dossier_world import COMPLETE, T0, accepted, walk_in_px_for_pv

RAW_SQL = Path(__file__).resolve().parents[2] / "bench" / "raw_reception.sql"
# A write of a statement: at its start, or inside a data-modifying WITH (``counters.draw_into``); an upsert's
# ``DO UPDATE SET`` is not one.
WRITE = re.compile(r'(?:^\s*|\bAS \(\s*|\)\s*)(?:INSERT INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def parts(sql: str) -> list[str]:
    """A statement's writes, one string each: ``WITH a AS (INSERT …) INSERT …`` gives two."""
    flat = " ".join(sql.split())
    if not flat.upper().startswith("WITH "):
        return [flat]
    return [p.strip() for p in re.split(r"(?=\bINSERT INTO \w+ |(?<!DO )\bUPDATE \w+ )", flat)[1:]]


def statements() -> list[str]:
    """The script's SQL statements (pgbench meta-commands and comments removed, ``\\gset`` kept)."""
    text = "\n".join(
        line for line in RAW_SQL.read_text().splitlines() if not line.startswith(("--", "\\set"))
    )
    found = []
    for part in re.finditer(r"(.*?)(;\s*\n|\\gset\s*\n|$)", text + "\n", re.DOTALL):
        body = part.group(1).strip()
        if body:
            found.append(body + (" \\gset" if "gset" in part.group(2) else ""))
    return found


def split_top_level(text: str) -> list[str]:
    """``a = f(x, y), b = c`` -> [``a = f(x, y)``, ``b = c``]: commas outside parentheses and quotes."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in text:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def written() -> dict[str, set[str]]:
    """Table -> the columns the script writes (INSERT column lists, UPDATE and ON CONFLICT ... SET)."""
    columns: dict[str, set[str]] = {}
    for flat in (part for sql in statements() for part in parts(sql)):
        insert = re.match(r"INSERT INTO (\w+) \(([^)]*)\)", flat, re.IGNORECASE)
        if insert:
            table = insert.group(1)
            columns.setdefault(table, set()).update(c.strip() for c in insert.group(2).split(","))
            conflict = re.search(r"ON CONFLICT \(([^)]*)\) DO UPDATE SET (.*?)(?: RETURNING|$)", flat)
            if conflict:
                columns[table].update(c.strip() for c in conflict.group(1).split(","))
                columns[table].update(a.split("=")[0].strip() for a in split_top_level(conflict.group(2)))
            continue
        update = re.match(r"UPDATE (\w+) SET (.*?)(?: FROM | WHERE |$)", flat, re.IGNORECASE)
        if update:
            assigned = {a.split("=")[0].strip() for a in split_top_level(update.group(2))}
            columns.setdefault(update.group(1), set()).update(assigned)
    return columns


def models_by_table() -> dict[str, type]:
    return {model._meta.db_table: model for model in apps.get_models()}


def test_the_script_writes_only_tables_and_columns_of_the_models():
    tables = models_by_table()
    columns = written()
    assert {"dossiers_dossier", "dossiers_dossierstep", "integrations_outboxmessage"} <= set(columns)
    for table, used in columns.items():
        assert table in tables, f"bench/raw_reception.sql writes {table}, which no model has"
        known = {f.column for f in tables[table]._meta.concrete_fields}
        assert used <= known, f"{table}: no such columns {sorted(used - known)}"


def test_the_script_fills_every_required_column_of_the_rows_it_inserts():
    """A required column added to a model makes the raw INSERT fail: the test names it first."""
    tables = models_by_table()
    for part in (part for sql in statements() for part in parts(sql)):
        insert = re.match(r"INSERT INTO (\w+) \(([^)]*)\)", part, re.IGNORECASE)
        if not insert:
            continue
        given = {c.strip() for c in insert.group(2).split(",")}
        model = tables[insert.group(1)]
        required = {
            f.column
            for f in model._meta.concrete_fields
            if not f.null and not f.primary_key and not f.has_db_default()
        }
        assert required <= given, f"{insert.group(1)}: the script leaves out {sorted(required - given)}"


def writes_per_table(sqls: list[str]) -> Counter[str]:
    return Counter(m.group(1) for sql in sqls for m in WRITE.finditer(" ".join(sql.split())))


@pytest.mark.django_db
def test_the_script_writes_what_the_counter_intention_writes(world):
    """The same tables with as many statements each as ``receive_and_decide`` (accept): the dossier written
    once in its final state, one INSERT for the events and one for their outbox messages. Counted on the
    second reception at the point (the script's register book exists, as on any day but the first)."""

    def receive():
        services.receive_and_decide(
            **walk_in_px_for_pv(world), decision=services.CounterDecision.ACCEPT, documents=COMPLETE, now=T0
        )

    receive()
    with CaptureQueriesContext(connection) as captured:
        receive()
    by_services = writes_per_table([q["sql"] for q in captured.captured_queries])
    if connection.vendor == "sqlite":
        # The line's INSERT writes the book too, by the connection's trigger (dossiers.counters.draw_into).
        by_services["dossiers_dossierregister"] += by_services["dossiers_dossierregisterentry"]
    assert by_services == writes_per_table(statements())
    assert by_services["dossiers_dossier"] == by_services["dossiers_dossierevent"] == 1


@pytest.mark.django_db
def test_the_script_writes_the_tables_of_a_reception_then_accept(world):
    with CaptureQueriesContext(connection) as captured:
        accepted(world)
    by_services = set(writes_per_table([q["sql"] for q in captured.captured_queries]))
    assert by_services == set(written())


@pytest.mark.django_db
def test_the_script_runs_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("bench/raw_reception.sql is PostgreSQL's SQL (pgbench)")
    accepted(world)  # the dossier and step the script copies its foreign keys from
    before = Dossier.objects.count(), DossierStep.objects.count(), DossierRegisterEntry.objects.count()
    values: dict[str, object] = {"client_id": 0, "n": 12345}
    with connection.cursor() as cursor:
        for sql in statements():
            if sql.upper() in {"BEGIN", "COMMIT"}:
                continue  # the test's own transaction holds them
            gset = sql.endswith("\\gset")
            sql = sql.removesuffix("\\gset")
            sql = re.sub(r"(?<!:):(\w+)", lambda m: str(values[m.group(1)]), sql)
            cursor.execute(sql.replace("%", "%%"))
            if gset:
                row = cursor.fetchone()
                values.update(zip([d.name for d in cursor.description], row, strict=True))
    after = Dossier.objects.count(), DossierStep.objects.count(), DossierRegisterEntry.objects.count()
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    dossier = Dossier.objects.get(pk=values["dossier_id"])
    assert dossier.current_step_id == values["step_row"]
    assert dossier.form_data and len(str(dossier.form_data)) > 800  # ~1 KB of form JSON
