"""Benchmark: round trips and wall time per request with Django's health check (SELECT 1) and motcua's.

motcua.core.db.postgresql skips the ``SELECT 1`` Django's ``CONN_HEALTH_CHECKS`` sends at each request's
first query while the connection's socket is quiet. This script calls pages through the WSGI application (so
Django's ``close_old_connections`` runs at each request's start and end, as under gunicorn), alternately with
Django's check and motcua's, on one persistent connection, and prints per page: the round trips to the
server per request (libpq's protocol trace: one ReadyForQuery per query message) and the median wall time.

Run on the kept database of bench/instructions_pages.py (its ``build`` step, same ``DATABASE_URL``):
``MOTCUA_ENV=test DATABASE_URL=postgres://…/<name> python bench/health_check.py [--requests 200]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from unittest import mock

from instructions_pages import STATE
from profile_pages import Page, call, environ_for, with_csrf_cookie


def round_trips(application: Any, page: Page) -> int:
    """Round trips to the server of one request of ``page`` (the connection is open and kept)."""
    from django.db import connection
    from psycopg import pq

    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            call(application, environ_for(page)())
        finally:
            pgconn.untrace()
        trace.seek(0)
        return trace.read().count(b"\tReadyForQuery\t")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per page and check")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds of the requests")
    parser.add_argument("--only", action="append", help="pages measured (bench/profile_pages.py's names)")
    args = parser.parse_args()
    state = json.loads(STATE.read_text())
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = state["database"]
    django.setup()
    from django.db import connection, connections
    from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

    from motcua.core.db.postgresql.base import DatabaseWrapper
    from motcua.wsgi import application

    if not isinstance(connections["default"], DatabaseWrapper):
        raise SystemExit(f"needs PostgreSQL through motcua.core.db.postgresql, not {connection.vendor}")
    checks: dict[str, Callable[[], AbstractContextManager[Any]]] = {
        "django": lambda: mock.patch.object(
            DatabaseWrapper, "close_if_health_check_failed", DjangoWrapper.close_if_health_check_failed
        ),
        "motcua": contextlib.nullcontext,
    }
    pages = [
        Page(key=k, path=p["path"], cookies=p["cookies"])
        for k, p in state["pages"].items()
        if not args.only or k in args.only
    ]
    for page in pages:  # warm the caches; keep the csrftoken the page sets
        with_csrf_cookie(application, page)
        for _ in range(3):
            status, _content = call(application, environ_for(page)())
            if not status.startswith("200"):
                raise SystemExit(f"{page.key}: {page.path} answers {status}")
    per_round = max(1, args.requests // args.rounds)
    print(f"{'page':<10} {'check':<7} {'round trips':>11} {'median ms':>10}")
    for page in pages:
        wall: dict[str, list[float]] = {name: [] for name in checks}
        trips: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, check in checks.items():
                with check():
                    trips[name] = round_trips(application, page)
                    for _ in range(per_round):
                        environ = environ_for(page)()
                        start = time.perf_counter()
                        call(application, environ)
                        wall[name].append((time.perf_counter() - start) * 1000)
        for name in checks:
            print(f"{page.key:<10} {name:<7} {trips[name]:>11} {statistics.median(wall[name]):>10.3f}")


if __name__ == "__main__":
    main()
