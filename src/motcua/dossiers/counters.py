"""Numbers drawn inside a reception's transaction: the dossier code of the day, the line of the register.

One statement per number (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35):
the counter row is created or incremented in place, so it stays locked until commit; concurrent receptions
queue on it, a reception that rolls back gives its number back, and a number is never given twice.

A number that is written at once into a row of another table (the register's line, ``draw_into``) is drawn
by the same statement on PostgreSQL: the upsert runs in a data-modifying ``WITH`` and the row's INSERT reads
the number from it. SQLite has no data-modifying ``WITH``: there the same two statements run one after the
other (it runs one writer at a time, so nothing comes between them)."""

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
    ``number`` from the book's ``last``). Returns the ``returning`` columns of the counter and the new row's
    primary key; one statement on PostgreSQL, two on SQLite."""
    needed = tuple(dict.fromkeys([*returning, *drawn.values()]))
    given = _params(row, values)
    shape = (model, row, tuple(values), tuple(drawn.items()), tuple(returning))
    if connection.vendor != "postgresql":
        counted = dict(
            zip(needed, draw(model, key=key, returning=needed, counter=counter, fill=fill), strict=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(_row_sql(*shape, None), [*given, *(counted[name] for name in drawn.values())])
            (pk,) = cursor.fetchone()
        return tuple(counted[name] for name in returning), pk
    upsert, params = _upsert(model, key=key, returning=needed, counter=counter, fill=fill)
    with connection.cursor() as cursor:
        cursor.execute(_row_sql(*shape, upsert), [*params, *given])
        pk, *kept = cursor.fetchone()
    return tuple(kept), pk
