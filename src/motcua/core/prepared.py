"""Hot queries run as server-side prepared statements on PostgreSQL: parsed and planned once per connection.

The pages' big reads (a dossier with all its children as JSON, an inbox page, a session with its account)
are compiled to SQL once per process; PostgreSQL would still parse and plan each of them on every request
(a dossier page's query: several milliseconds of the database server's CPU, more than it takes to run), and
psycopg would re-scan the text of a long query for its placeholders every time. ``fetchone``/``fetchall``
``PREPARE`` the statement the first time a connection runs it — in the same round trip as its first
``EXECUTE``, so a read is one statement whatever the connection ran before (query counts stay deterministic)
— and ``EXECUTE`` it by name afterwards, with the values passed as usual (as literals by Django's client-side
binding cursor). When that first round trip fails, the connection may or may not hold the statement (PREPARE
is not transactional and the failure may have been the EXECUTE's), so the next attempt prepares it afresh
under a new name; a leftover is dropped with the others at ``MAX_PER_CONNECTION``.

PostgreSQL keeps one generic plan per statement only if its estimated cost is close to the plans it makes
for each set of values; otherwise it plans afresh at every ``EXECUTE`` (``plan_cache_mode=auto``), and for
the inbox's statement that planning cost more of the server's CPU than running it (issue 13). Settings set
``plan_cache_mode=force_generic_plan`` for the connection (``MOTCUA_GENERIC_PLANS``, on by default): these
statements read by keys through indexes, where one plan serves every value.

A prepared statement belongs to the database session and survives a rolled-back transaction; a new
connection (``CONN_MAX_AGE``, a health check that reconnects) prepares again. Behind a connection pooler
that shares server sessions between clients (PgBouncer in transaction mode) set
``MOTCUA_PREPARED_STATEMENTS=false``: the queries then run as plain statements. SQLite caches its own
compiled statements (``sqlite3``'s statement cache), so it runs them plainly too.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Statements prepared on each PostgreSQL connection (keyed by psycopg's connection object, so a reconnect
# starts afresh), and the most kept on one before they are all deallocated.
# Maps the statement's name to the name it was prepared under on that connection (a suffix per attempt).
_prepared: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()
_attempts = itertools.count(1)
MAX_PER_CONNECTION = 500
# Statement name and PostgreSQL text ($1, $2, …) of each query text (Django's %s placeholders).
_names: dict[str, tuple[str, str, int]] = {}
_PLACEHOLDER = re.compile(r"%([s%])")


def _positional(sql: str) -> tuple[str, int]:
    """``sql`` with Django's ``%s`` placeholders numbered ``$1``, ``$2``… and ``%%`` made ``%`` again."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql), count


def _statement(sql: str) -> tuple[str, str, int]:
    found = _names.get(sql)
    if found is None:
        text, count = _positional(sql)
        name = "motcua_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
        if len(_names) >= 4 * MAX_PER_CONNECTION:
            _names.clear()
        found = _names[sql] = (name, text, count)
    return found


def readable(executed: str) -> str:
    """The SQL a logged ``EXECUTE <name> (…)`` runs (the text as Django compiled it), for tests and logs that
    read the statements a request sent; any other statement unchanged."""
    if executed.startswith(("EXECUTE motcua_", "PREPARE motcua_")):
        name = executed.split(None, 2)[1].split("_x", 1)[0]
        for sql, (known, _text, _count) in list(_names.items()):
            if known == name:
                return sql
    return executed


def enabled(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql" and bool(
        getattr(settings, "MOTCUA_PREPARED_STATEMENTS", True)
    )


def _execute(cursor: Any, using: str, sql: str, params: Sequence[Any]) -> None:
    if not enabled(using):
        cursor.execute(sql, params)
        return
    name, text, count = _statement(sql)
    if count != len(params):
        raise ValueError(f"{count} placeholders but {len(params)} values")
    raw = connections[using].connection  # open: the cursor connected it
    done = _prepared.get(raw)
    if done is None:
        done = _prepared[raw] = {}
    values = f" ({', '.join(['%s'] * len(params))})" if params else ""
    prepared_as = done.get(name)
    if prepared_as is not None:
        cursor.execute(f"EXECUTE {prepared_as}{values}", params or None)
        return
    if len(done) >= MAX_PER_CONNECTION:
        cursor.execute("DEALLOCATE ALL")
        done.clear()
    prepared_as = f"{name}_x{next(_attempts)}"
    body = text.replace("%", "%%") if params else text  # the cursor reads %s only when given values
    cursor.execute(f"PREPARE {prepared_as} AS {body}; EXECUTE {prepared_as}{values}", params or None)
    cursor.nextset()  # the EXECUTE's rows
    done[name] = prepared_as


def fetchone(sql: str, params: Sequence[Any], using: str = "default") -> tuple[Any, ...] | None:
    """The first row of ``sql`` (Django's placeholders) with ``params``, prepared on PostgreSQL."""
    with connections[using].cursor() as cursor:
        _execute(cursor, using, sql, params)
        return cursor.fetchone()  # type: ignore[no-any-return]


def fetchall(sql: str, params: Sequence[Any], using: str = "default") -> list[tuple[Any, ...]]:
    with connections[using].cursor() as cursor:
        _execute(cursor, using, sql, params)
        return cursor.fetchall()  # type: ignore[no-any-return]


def forget(connection: Any) -> None:
    """Forget what was prepared on ``connection`` (a ``DISCARD ALL`` or ``DEALLOCATE ALL`` ran on it)."""
    _prepared.pop(connection, None)


@dataclass(frozen=True)
class CompiledQuery:
    """A queryset compiled to SQL once (``compile_queryset``) and run again with new values for its
    stand-ins (``first``): the instances are made as Django's own iterator makes them (the model's columns,
    the rows ``select_related`` joined, the converters), without building and compiling the query again."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[str, int, Any], ...]  # stand-in name, index of its parameter, its model field
    model: type[Model]
    columns: tuple[int, int]  # the model's columns: select[start:end]
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]
    annotations: tuple[tuple[str, int], ...]


def _db_value(field: Any, value: Any, connection: Any) -> Any:
    """``value`` as a lookup on ``field`` passes it to the database."""
    return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)


def compile_queryset(
    queryset: QuerySet[Any], stand_ins: Mapping[str, tuple[Any, Any]], using: str = "default"
) -> CompiledQuery:
    """Compile ``queryset``, built with ``stand_ins`` ({name: (stand-in value, model field)}) in place of the
    values that change from one run to the next; each stand-in must be exactly one of its parameters."""
    connection = connections[using]
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    slots = []
    for name, (stand_in, field) in stand_ins.items():
        value = _db_value(field, stand_in, connection)
        where = [n for n, p in enumerate(params) if type(p) is type(value) and p == value]
        if len(where) != 1:
            raise ValueError(f"stand-in {name!r} is {len(where)} of the query's parameters, not one")
        slots.append((name, where[0], field))
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]  # type: ignore[index]
    start, end = fields[0], fields[-1] + 1
    converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
    return CompiledQuery(
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        model=klass_info["model"],  # type: ignore[index]
        columns=(start, end),
        init_list=tuple(s[0].target.attname for s in select[start:end]),
        populators=tuple(get_related_populators(klass_info, select, using)),  # type: ignore[call-arg]
        converters=tuple((n, tuple(c), e) for n, (c, e) in converters.items()),
        annotations=tuple(compiler.annotation_col_map.items()),
    )


def _params(query: CompiledQuery, connection: Any, values: Mapping[str, Any]) -> list[Any]:
    params = list(query.params)
    for name, index, field in query.slots:
        params[index] = _db_value(field, values[name], connection)
    return params


def _instance(
    query: CompiledQuery, found: Sequence[Any], connection: Any, using: str
) -> tuple[Model, dict[str, Any]]:
    row = list(found)
    for index, functions, expression in query.converters:
        value = row[index]
        for function in functions:
            value = function(value, expression, connection)
        row[index] = value
    start, end = query.columns
    obj = query.model.from_db(using, query.init_list, row[start:end])
    for populator in query.populators:
        populator.populate(row, obj)
    return obj, {name: row[index] for name, index in query.annotations}


def first(query: CompiledQuery, using: str = "default", **values: Any) -> tuple[Model, dict[str, Any]] | None:
    """The first instance ``query`` finds with ``values`` for its stand-ins, and its annotations (by name);
    None when it finds none. Prepared on PostgreSQL."""
    connection = connections[using]
    found = fetchone(query.sql, _params(query, connection, values), using)
    return None if found is None else _instance(query, found, connection, using)


def instances(query: CompiledQuery, using: str = "default", **values: Any) -> list[Model]:
    """Every instance ``query`` finds with ``values`` for its stand-ins, in order; prepared on PostgreSQL."""
    connection = connections[using]
    rows = fetchall(query.sql, _params(query, connection, values), using)
    return [_instance(query, row, connection, using)[0] for row in rows]
