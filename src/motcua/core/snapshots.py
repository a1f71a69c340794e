"""Versioned in-process snapshots of the data that changes rarely: organization, catalog, calendar, geography.

A page or a service that reads the same agencies, procedure versions, workflows or positions as the
request before it gets them from memory::

    version = snapshots.remember("catalog", ("version_in_force", procedure_id, on), lambda: ...)

A value is valid while its domain's token (a row of ``core_snapshotversion``) is unchanged. Database triggers
on every table of the domain draw a new random token whenever a row changes, in the writer's transaction
(``core.snapshot_triggers``), so ``save()``, ``bulk_create``, ``update()``, raw SQL and other processes all
invalidate. Tokens are read in ONE query, at most once per HTTP request or service call
(``core.request_cache``; a logged-in request's session query carries them: :func:`prime`) and on every call
outside one (commands, workers), so query counts never depend on timing. A model save or delete in this
process drops the request's tokens, so a unit of work that changes the organization and then reads it sees the
change; after ``update()``, ``bulk_create`` or raw SQL followed by a read in the same unit of work, call
:func:`changed`.

A value computed inside a transaction that changed its domain is stored under the token that transaction drew;
if it rolls back, that token never becomes the committed one, so the value is never used again.

Returned values are shared between requests and threads: callers treat them as read-only (tuples, frozen
dataclasses; model instances are acceptable if never mutated, with every relation they read
``select_related``, so that reading one never fills a cache lazily).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL

from motcua.core import request_cache

DOMAINS = ("org", "catalog", "calendar", "geo")

# The values of one token are dropped together when they pass this many (keys such as (staff, day)
# accumulate in a long-lived process); they are recomputed on use.
MAX_VALUES = 50_000

_TOKENS = "core.snapshots.tokens"  # request_cache key


class _Memo:
    __slots__ = ("token", "values")

    def __init__(self, token: str) -> None:
        self.token = token
        self.values: dict[Hashable, Any] = {}


_memos: dict[tuple[str, ...], _Memo] = {}
_lock = threading.Lock()


def _read_tokens() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT domain, token FROM core_snapshotversion")
        return dict(cursor.fetchall())


# Every domain's token as one JSON object, a column another query of the request can carry (``prime``).
_TOKENS_COLUMN = {
    "postgresql": "SELECT json_object_agg(domain, token)::text FROM core_snapshotversion",
    "sqlite": "SELECT json_group_object(domain, token) FROM core_snapshotversion",
}


def tokens_column(vendor: str) -> RawSQL | None:
    """The tokens as a column (a subquery) for a query that runs at the start of a request anyway, such as
    the session's (``accounts.session_store``): its value given to :func:`prime` spares the request the
    tokens' own round trip. None on a database without a JSON aggregate."""
    sql = _TOKENS_COLUMN.get(vendor)
    return None if sql is None else RawSQL(sql, (), output_field=TextField())


def prime(column: str | None) -> None:
    """The request's tokens as :func:`tokens_column` read them, unless the request read them already. Read
    on the default database only: the tokens are read there (``_read_tokens``)."""
    request_cache.remember(_TOKENS, lambda: dict(json.loads(column)) if column else {})


def tokens() -> Mapping[str, str]:
    """The current token of every domain: one query, once per request or service call, every call outside
    one. A domain without a row (a database just flushed) is missing: its values are not remembered."""
    return request_cache.remember(_TOKENS, _read_tokens)


def changed() -> None:
    """Read the tokens again at the next use: after this unit of work wrote a domain's table without a model
    signal (``update()``, ``bulk_create``, raw SQL) and before it reads that domain again."""
    request_cache.discard(_TOKENS)


def remember[T](domain: str | tuple[str, ...], key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered by this process for ``key`` while the token of ``domain`` (or of every
    domain of a tuple, for a value read from several) is unchanged. The value is shared: read-only."""
    domains = (domain,) if isinstance(domain, str) else domain
    current = tokens()
    try:
        token = "|".join(current[name] for name in domains)
    except KeyError:
        if not set(domains) <= set(DOMAINS):
            raise ValueError(f"unknown snapshot domain in {domains!r}") from None
        return compute()
    memo = _memos.get(domains)
    if memo is None or memo.token != token:
        memo = _Memo(token)
        with _lock:
            _memos[domains] = memo
    try:
        return memo.values[key]  # type: ignore[no-any-return]
    except KeyError:
        pass
    value = compute()
    if len(memo.values) >= MAX_VALUES:
        memo.values.clear()
    memo.values[key] = value
    return value


def clear() -> None:
    """Forget every value of this process (tests that change a domain behind the triggers' back)."""
    with _lock:
        _memos.clear()
    changed()
