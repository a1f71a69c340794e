"""Numbers drawn inside a reception's transaction: the dossier code of the day, the line of the register.

One statement per number (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35):
the counter row is created or incremented in place, so it stays locked until commit; concurrent receptions
queue on it, a reception that rolls back gives its number back, and a number is never given twice.

A number that is written at once into a row of another table (the register's line, ``draw_into``) is drawn
by the same statement on PostgreSQL: the upsert runs in a data-modifying ``WITH`` and the row's INSERT reads
the number from it. SQLite has no data-modifying ``WITH``: there the same two statements run one after the
other (it runs one writer at a time, so nothing comes between them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def _upsert(
    model: type[models.Model],
    *,
    key: Mapping[str, Any],
    returning: Sequence[str],
    counter: str,
    fill: Mapping[str, Any] | None,
) -> tuple[str, list[Any]]:
    """The counter's ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` and its parameters."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    values = {**key, **(fill or {}), counter: 1}
    columns = [_column(model, name) for name in values]
    params = [_field(model, name).get_db_prep_save(value, connection) for name, value in values.items()]
    conflict = ", ".join(_column(model, name) for name in key)
    last = _column(model, counter)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {', '.join(_column(model, name) for name in returning)}"
    )
    return sql, params


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(str(_field(model, name).column))


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
    quote = connection.ops.quote_name
    row_table = quote(row._meta.db_table)
    row_pk = quote(str(row._meta.pk.column))
    needed = list(dict.fromkeys([*returning, *drawn.values()]))
    given = [
        (_column(row, name), _field(row, name).get_db_prep_save(value, connection))
        for name, value in values.items()
    ]
    columns = ", ".join([*(column for column, _ in given), *(_column(row, name) for name in drawn)])
    if connection.vendor != "postgresql":
        counted = dict(
            zip(needed, draw(model, key=key, returning=needed, counter=counter, fill=fill), strict=True)
        )
        params = [*(param for _, param in given), *(counted[name] for name in drawn.values())]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {row_table} ({columns}) VALUES ({', '.join(['%s'] * len(params))}) "
                f"RETURNING {row_pk}",
                params,
            )
            (pk,) = cursor.fetchone()
        return tuple(counted[name] for name in returning), pk
    upsert, params = _upsert(model, key=key, returning=needed, counter=counter, fill=fill)
    selected = ", ".join(
        [*(["%s"] * len(given)), *(f"drawn.{_column(model, name)}" for name in drawn.values())]
    )
    kept = ", ".join(f"(SELECT drawn.{_column(model, name)} FROM drawn)" for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH drawn AS ({upsert}) INSERT INTO {row_table} ({columns}) SELECT {selected} FROM drawn "
            f"RETURNING {row_pk}, {kept}",
            [*params, *(param for _, param in given)],
        )
        pk, *kept_values = cursor.fetchone()
    return tuple(kept_values), pk
