"""Numbers drawn inside a reception's transaction: the dossier code of the day, the line of the register.

One statement per number (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35):
the counter row is created or incremented in place, so it stays locked until commit; concurrent receptions
queue on it, a reception that rolls back gives its number back, and a number is never given twice.

A number that is written at once into a row of another table (the register's line, ``draw_into``) is drawn
by the same statement that writes the row. On PostgreSQL the upsert runs in a data-modifying ``WITH`` and the
row's INSERT reads the number from it. SQLite has no data-modifying ``WITH``, and one of its statements writes
one table: there the row's ``INSERT … SELECT`` reads the counter's next number, and a TEMP trigger of the
connection (``AFTER INSERT`` on the row's table) writes it back into the counter, in the same statement.
SQLite runs one writer at a time and a write statement holds the write lock from its first read, so nothing
comes between the read and the write-back. The trigger is created by the first draw on a connection (its
statement reports whether the trigger was there, and the counter is then set by hand once); a TEMP trigger
is not part of the schema, lives as long as the connection, and vanishes with a transaction that rolls back
its creation, after which the next draw creates it again. A counter row that does not exist yet (the first
number of a book) is created by the two-statement path: the upsert, then the row."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(str(_field(model, name).column))


def _params(model: type[models.Model], values: Mapping[str, Any]) -> list[Any]:
    return [_field(model, name).get_db_prep_save(value, connection) for name, value in values.items()]


# The statements are built once per shape (they hold column names only; the values are parameters).


@functools.cache
def _upsert_sql(
    model: type[models.Model],
    names: tuple[str, ...],
    key: tuple[str, ...],
    returning: tuple[str, ...],
    counter: str,
) -> str:
    """The counter's ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` of the ``names`` columns."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(model, name) for name in names)
    conflict = ", ".join(_column(model, name) for name in key)
    last = _column(model, counter)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {', '.join(_column(model, name) for name in returning)}"
    )


def _upsert(
    model: type[models.Model],
    *,
    key: Mapping[str, Any],
    returning: Sequence[str],
    counter: str,
    fill: Mapping[str, Any] | None,
) -> tuple[str, list[Any]]:
    """The counter's upsert and its parameters."""
    values = {**key, **(fill or {}), counter: 1}
    sql = _upsert_sql(model, tuple(values), tuple(key), tuple(returning), counter)
    return sql, _params(model, values)


def draw(
    model: type[models.Model],
    *,
    key: Mapping[str, Any],
    returning: Sequence[str] = ("last",),
    counter: str = "last",
    fill: Mapping[str, Any] | None = None,
) -> tuple[Any, ...]:
    """Increment ``counter`` of the ``model`` row named by ``key`` (created at 1, with the ``fill`` values,
    when missing) and return the ``returning`` columns of the row after it. ``key`` names the fields of the
    model's unique constraint."""
    sql, params = _upsert(model, key=key, returning=returning, counter=counter, fill=fill)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row)


@functools.cache
def _row_sql(
    model: type[models.Model],
    row: type[models.Model],
    names: tuple[str, ...],
    drawn: tuple[tuple[str, str], ...],
    returning: tuple[str, ...],
    upsert: str | None,
) -> str:
    """The row's INSERT: its ``names`` columns as parameters, the ``drawn`` ones from the counter; reading
    them from the ``upsert`` run in a data-modifying WITH (PostgreSQL), or as parameters too (SQLite)."""
    quote = connection.ops.quote_name
    table = quote(row._meta.db_table)
    pk = quote(str(row._meta.pk.column))
    columns = ", ".join([*(_column(row, name) for name in names), *(_column(row, name) for name, _ in drawn)])
    if upsert is None:
        placeholders = ", ".join(["%s"] * (len(names) + len(drawn)))
        return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"
    selected = ", ".join(
        [*(["%s"] * len(names)), *(f"drawn.{_column(model, source)}" for _, source in drawn)]
    )
    kept = ", ".join(f"(SELECT drawn.{_column(model, name)} FROM drawn)" for name in returning)
    return (
        f"WITH drawn AS ({upsert}) INSERT INTO {table} ({columns}) SELECT {selected} FROM drawn "
        f"RETURNING {pk}, {kept}"
    )


def draw_into(
    model: type[models.Model],
    *,
    key: Mapping[str, Any],
    returning: Sequence[str],
    row: type[models.Model],
    values: Mapping[str, Any],
    drawn: Mapping[str, str],
    counter: str = "last",
    fill: Mapping[str, Any] | None = None,
) -> tuple[tuple[Any, ...], Any]:
    """``draw`` a number of ``model`` and INSERT a ``row`` that carries it: ``values`` by field name, and
    ``drawn`` naming for each of the row's fields the counter's column it takes (e.g. the line's
    ``number`` from the book's ``last``, its ``register`` from the book's ``id``). Returns the ``returning``
    columns of the counter and the new row's primary key; one statement on PostgreSQL, and on SQLite once
    the counter row exists (see the module's docstring)."""
    needed = tuple(dict.fromkeys([*returning, *drawn.values()]))
    given = _params(row, values)
    shape = (model, row, tuple(values), tuple(drawn.items()), tuple(returning))
    if connection.vendor == "postgresql":
        upsert, params = _upsert(model, key=key, returning=needed, counter=counter, fill=fill)
        with connection.cursor() as cursor:
            cursor.execute(_row_sql(*shape, upsert), [*params, *given])
            pk, *kept = cursor.fetchone()
        return tuple(kept), pk
    with connection.cursor() as cursor:
        cursor.execute(_next_row_sql(*shape, tuple(key), counter), [*given, *_params(model, key)])
        found = cursor.fetchone()
    if found is not None:
        pk, counter_pk, number, *kept, triggered = found
        if not triggered:
            _create_trigger(*shape, counter, counter_pk=counter_pk, number=number)
        return tuple(kept), pk
    counted = dict(zip(needed, draw(model, key=key, returning=needed, counter=counter, fill=fill), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_trigger_sql(*shape, counter))
        cursor.execute(_row_sql(*shape, None), [*given, *(counted[name] for name in drawn.values())])
        (pk,) = cursor.fetchone()
    return tuple(counted[name] for name in returning), pk


def _link(model: type[models.Model], drawn: tuple[tuple[str, str], ...], source: str) -> str:
    """The row's field that takes the counter's ``source`` column."""
    found = [name for name, taken in drawn if taken == source]
    assert found, f"draw_into: no field of the row takes {model.__name__}.{source}"
    return found[0]


def _trigger_name(row: type[models.Model]) -> str:
    return f"motcua_draw_{row._meta.db_table}"


@functools.cache
def _next_row_sql(
    model: type[models.Model],
    row: type[models.Model],
    names: tuple[str, ...],
    drawn: tuple[tuple[str, str], ...],
    returning: tuple[str, ...],
    key: tuple[str, ...],
    counter: str,
) -> str:
    """SQLite: the row's ``INSERT … SELECT`` from the existing counter row, its ``counter`` column plus one;
    returns the row's primary key, the counter row's key and number drawn, the counter's ``returning``
    columns after the draw and whether the write-back trigger exists (no row when the counter row does
    not)."""
    quote = connection.ops.quote_name
    table = quote(row._meta.db_table)
    source = quote(model._meta.db_table)
    pk = str(model._meta.pk.attname)
    link = _column(row, _link(model, drawn, pk))
    columns = ", ".join([*(_column(row, name) for name in names), *(_column(row, name) for name, _ in drawn)])
    taken = [
        f"counter.{_column(model, name)}" + (" + 1" if name == counter else "") for _, name in drawn
    ]
    where = " AND ".join(f"counter.{_column(model, name)} = %s" for name in key)
    kept = ", ".join(
        f"{table}.{_column(row, _link(model, drawn, name))}"
        if name in dict(drawn).values() or name in {pk, counter}
        else f"(SELECT kept.{_column(model, name)} FROM {source} AS kept WHERE kept.{quote(pk)} = {table}.{link})"
        for name in returning
    )
    return (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join([*(['%s'] * len(names)), *taken])} "
        f"FROM {source} AS counter WHERE {where} "
        f"RETURNING {table}.{quote(str(row._meta.pk.column))}, {table}.{link}, "
        f"{table}.{_column(row, _link(model, drawn, counter))}, {kept}, "
        f"(SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger' AND name = '{_trigger_name(row)}')"
    )


@functools.cache
def _trigger_sql(
    model: type[models.Model],
    row: type[models.Model],
    names: tuple[str, ...],
    drawn: tuple[tuple[str, str], ...],
    returning: tuple[str, ...],
    counter: str,
) -> str:
    """SQLite: the connection's TEMP trigger that writes the number of each new row back into its counter
    row (never lowering it)."""
    quote = connection.ops.quote_name
    pk = str(model._meta.pk.attname)
    last, link = _column(model, counter), _column(row, _link(model, drawn, pk))
    taken = _column(row, _link(model, drawn, counter))
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS {quote(_trigger_name(row))} "
        f"AFTER INSERT ON main.{quote(row._meta.db_table)} BEGIN "
        f"UPDATE {quote(model._meta.db_table)} SET {last} = max({last}, NEW.{taken}) "
        f"WHERE {quote(pk)} = NEW.{link}; END"
    )


def _create_trigger(
    model: type[models.Model],
    row: type[models.Model],
    names: tuple[str, ...],
    drawn: tuple[tuple[str, str], ...],
    returning: tuple[str, ...],
    counter: str,
    *,
    counter_pk: Any,
    number: int,
) -> None:
    """SQLite: create the connection's write-back trigger, and write back by hand the number that the
    statement which found it missing has just drawn."""
    quote = connection.ops.quote_name
    last = _column(model, counter)
    with connection.cursor() as cursor:
        cursor.execute(_trigger_sql(model, row, names, drawn, returning, counter))
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {last} = max({last}, %s) "
            f"WHERE {quote(str(model._meta.pk.attname))} = %s",
            [number, counter_pk],
        )
