"""Numbers drawn inside a reception's transaction: the dossier code of the day, the line of the register.

One statement per number (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35):
the counter row is created or incremented in place, so it stays locked until commit; concurrent receptions
queue on it, a reception that rolls back gives its number back, and a number is never given twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


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
    meta = model._meta
    quote = connection.ops.quote_name

    def field(name: str) -> models.Field[Any, Any]:
        found = meta.get_field(name)
        assert isinstance(found, models.Field)
        return found

    def column(name: str) -> str:
        return quote(str(field(name).column))

    table = quote(meta.db_table)
    values = {**key, **(fill or {}), counter: 1}
    columns = [column(name) for name in values]
    params = [field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    conflict = ", ".join(column(name) for name in key)
    last = column(counter)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {', '.join(column(name) for name in returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row)
