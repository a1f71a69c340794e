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
from typing import Any, NamedTuple

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


class _Shape(NamedTuple):
    """What a ``draw_into`` statement is built from (column names only; the values are parameters)."""

    model: type[models.Model]  # the counter
    row: type[models.Model]  # the row that carries the number
    names: tuple[str, ...]  # the row's fields given as values
    drawn: tuple[tuple[str, str], ...]  # (the row's field, the counter's column it takes)
    returning: tuple[str, ...]  # the counter's columns returned
    counter: str  # the counter's column incremented

    def into(self) -> str:
        """``table (columns)`` of the row's INSERT: its ``names``, then its ``drawn`` fields."""
        columns = [
            *(_column(self.row, name) for name in self.names),
            *(_column(self.row, n) for n, _ in self.drawn),
        ]
        return f"{connection.ops.quote_name(self.row._meta.db_table)} ({', '.join(columns)})"

    def taking(self, source: str) -> str:
        """The column of the row that takes the counter's ``source`` column."""
        found = [name for name, taken in self.drawn if taken == source]
        assert found, f"draw_into: no field of the row takes {self.model.__name__}.{source}"
        return _column(self.row, found[0])

    def trigger(self) -> str:
        return f"motcua_draw_{self.row._meta.db_table}"


@functools.cache
def _row_sql(shape: _Shape, upsert: str | None) -> str:
    """The row's INSERT: its ``names`` columns as parameters, the ``drawn`` ones from the counter; reading
    them from the ``upsert`` run in a data-modifying WITH (PostgreSQL), or as parameters too (SQLite, when
    the counter row is created)."""
    pk = connection.ops.quote_name(str(shape.row._meta.pk.column))
    if upsert is None:
        placeholders = ", ".join(["%s"] * (len(shape.names) + len(shape.drawn)))
        return f"INSERT INTO {shape.into()} VALUES ({placeholders}) RETURNING {pk}"
    selected = ", ".join(
        [
            *(["%s"] * len(shape.names)),
            *(f"drawn.{_column(shape.model, source)}" for _, source in shape.drawn),
        ]
    )
    kept = ", ".join(f"(SELECT drawn.{_column(shape.model, name)} FROM drawn)" for name in shape.returning)
    return (
        f"WITH drawn AS ({upsert}) INSERT INTO {shape.into()} SELECT {selected} FROM drawn "
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
    shape = _Shape(model, row, tuple(values), tuple(drawn.items()), tuple(returning), counter)
    if connection.vendor == "postgresql":
        upsert, params = _upsert(model, key=key, returning=needed, counter=counter, fill=fill)
        with connection.cursor() as cursor:
            cursor.execute(_row_sql(shape, upsert), [*params, *given])
            pk, *kept = cursor.fetchone()
        return tuple(kept), pk
    with connection.cursor() as cursor:
        cursor.execute(_next_row_sql(shape, tuple(key)), [*given, *_params(model, key)])
        found = cursor.fetchone()
        if found is not None:
            pk, counter_pk, number, *kept, triggered = found
            if not triggered:
                # The first draw on this connection: the trigger, and this number written back by hand.
                cursor.execute(_trigger_sql(shape))
                cursor.execute(_write_back_sql(shape), [number, counter_pk])
            return tuple(kept), pk
    # No counter row yet: the upsert creates it, then the row (the trigger too, for the next draws).
    counted = dict(
        zip(needed, draw(model, key=key, returning=needed, counter=counter, fill=fill), strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(_trigger_sql(shape))
        cursor.execute(_row_sql(shape, None), [*given, *(counted[name] for name in drawn.values())])
        (pk,) = cursor.fetchone()
    return tuple(counted[name] for name in returning), pk


@functools.cache
def _next_row_sql(shape: _Shape, key: tuple[str, ...]) -> str:
    """SQLite: the row's ``INSERT … SELECT`` from the existing counter row (named by its ``key`` fields),
    its ``counter`` column plus one. Returns the row's primary key, the counter row's key and the number
    drawn, the counter's ``returning`` columns after the draw, and whether the write-back trigger exists;
    no row when the counter row does not exist."""
    quote = connection.ops.quote_name
    model, table = shape.model, quote(shape.row._meta.db_table)
    source, pk = quote(model._meta.db_table), str(model._meta.pk.attname)
    link = shape.taking(pk)
    taken = [
        f"counter.{_column(model, name)}" + (" + 1" if name == shape.counter else "")
        for _, name in shape.drawn
    ]
    where = " AND ".join(f"counter.{_column(model, name)} = %s" for name in key)
    kept = ", ".join(
        f"{table}.{shape.taking(name)}"
        if name in dict(shape.drawn).values()
        else f"(SELECT kept.{_column(model, name)} FROM {source} AS kept "
        f"WHERE kept.{quote(pk)} = {table}.{link})"
        for name in shape.returning
    )
    return (
        f"INSERT INTO {shape.into()} SELECT {', '.join([*(['%s'] * len(shape.names)), *taken])} "
        f"FROM {source} AS counter WHERE {where} "
        f"RETURNING {table}.{quote(str(shape.row._meta.pk.column))}, {table}.{link}, "
        f"{table}.{shape.taking(shape.counter)}, {kept}, "
        f"(SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger' AND name = '{shape.trigger()}')"
    )


@functools.cache
def _trigger_sql(shape: _Shape) -> str:
    """SQLite: the connection's TEMP trigger that writes the number of each new row back into its counter
    row (never lowering it)."""
    quote = connection.ops.quote_name
    pk = str(shape.model._meta.pk.attname)
    last, number = _column(shape.model, shape.counter), shape.taking(shape.counter)
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS {quote(shape.trigger())} "
        f"AFTER INSERT ON main.{quote(shape.row._meta.db_table)} BEGIN "
        f"UPDATE {quote(shape.model._meta.db_table)} SET {last} = max({last}, NEW.{number}) "
        f"WHERE {quote(pk)} = NEW.{shape.taking(pk)}; END"
    )


@functools.cache
def _write_back_sql(shape: _Shape) -> str:
    """SQLite: what the trigger does, by hand (the number, then the counter row's primary key)."""
    quote = connection.ops.quote_name
    last = _column(shape.model, shape.counter)
    return (
        f"UPDATE {quote(shape.model._meta.db_table)} SET {last} = max({last}, %s) "
        f"WHERE {quote(str(shape.model._meta.pk.attname))} = %s"
    )
