"""Hot queries run as server-side prepared statements on PostgreSQL: parsed and planned once per connection.

The pages' big reads (a dossier with all its children as JSON, an inbox page, a session with its account)
are compiled to SQL once per process; PostgreSQL would still parse and plan each of them on every request
(a dossier page's query: several milliseconds of the database server's CPU, more than it takes to run), and
psycopg would re-scan the text of a long query for its placeholders every time. ``fetchone``/``fetchall``
``PREPARE`` the statement the first time a connection runs it and ``EXECUTE`` it by name afterwards, with
the values passed as usual (as literals by Django's client-side binding cursor).

A prepared statement belongs to the database session and survives a rolled-back transaction; a new
connection (``CONN_MAX_AGE``, a health check that reconnects) prepares again. Behind a connection pooler
that shares server sessions between clients (PgBouncer in transaction mode) set
``MOTCUA_PREPARED_STATEMENTS=false``: the queries then run as plain statements. SQLite caches its own
compiled statements (``sqlite3``'s statement cache), so it runs them plainly too.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections

# Statements prepared on each PostgreSQL connection (keyed by psycopg's connection object, so a reconnect
# starts afresh), and the most kept on one before they are all deallocated.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
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
        done = _prepared[raw] = set()
    if name not in done:
        if len(done) >= MAX_PER_CONNECTION:
            cursor.execute("DEALLOCATE ALL")
            done.clear()
        cursor.execute(f"PREPARE {name} AS {text}")
        done.add(name)
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


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
