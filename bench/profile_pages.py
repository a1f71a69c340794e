"""Benchmark: CPU per request of the hottest pages, in-process, next to the trivial view.

Run: ``MOTCUA_ENV=test [DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>] .venv/bin/python
bench/profile_pages.py [--dossiers 300] [--requests 200] [--profile [--only inbox] [--top 30]]``.

It builds the throw-away database of bench/http_pages.py (Huế, the demo organization, the sample catalog, a
small seeded mix of dossiers: bench/seed.py, ``--communes`` communes), with the same sessions and the same
pages, then calls the WSGI application (``motcua.wsgi.application``, as gunicorn does: every middleware,
the session row, the template) ``--requests`` times per page in turn and prints, for each, the mean CPU time
of this process per request (``time.process_time``: the Python that serves it, not the database server's),
the wall time, and the ratio of the trivial view's CPU time to the page's — the figure issue 13 sets at
0.15 or more for the officer's dossier page and inbox. Other processes share the machine, so compare the
ratios of one run, never absolute figures across runs. ``--profile`` adds a cProfile of each page (or of the
``--only`` ones), its ``--top`` functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import http_pages
from hue_world import hue_database

# The pages measured, by the names bench/http_pages.py gives its scenarios (GET only).
PAGES = {
    "trivial": "trivial view /healthz",
    "home": "home page /",
    "search": "procedure search",
    "inbox": "officer inbox, first page",
    "dossier": "officer dossier page",
    "citizen": "citizen dossier page",
}


@dataclass
class Page:
    key: str
    path: str
    cookies: dict[str, str]
    cpu_ms: float = 0.0
    wall_ms: float = 0.0
    db_ms: float | None = None  # CPU of the PostgreSQL backend serving this process (same machine)


def backend_cpu() -> tuple[int, float] | None:
    """The PostgreSQL backend of this process's connection and the seconds of CPU it has used (``/proc``:
    the server runs on this machine), None on SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def environ_for(page: Page) -> Callable[[], dict[str, Any]]:
    """A WSGI environ for a GET of ``page`` from 127.0.0.1, as gunicorn builds it (a fresh dict each call)."""
    url = urlsplit(page.path)
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())

    def make() -> dict[str, Any]:
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": url.path,
            "QUERY_STRING": url.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT": "text/html",
            "HTTP_USER_AGENT": "profile_pages",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        return environ

    return make


def call(application: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    """One request through the WSGI application, its body read and closed (as the server does)."""
    answer: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        answer.append(status)

    body = application(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return answer[0], content


def with_csrf_cookie(application: Any, page: Page) -> None:
    """Request ``page`` once and keep the ``csrftoken`` cookie its answer sets, as a browser does: its next
    requests carry it, so the CSRF middleware reuses that secret instead of drawing a new one each time."""
    headers: list[tuple[str, str]] = []

    def start_response(status: str, response_headers: Any, exc_info: Any = None) -> None:
        headers.extend(response_headers)

    body = application(environ_for(page)(), start_response)
    try:
        b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    for name, value in headers:
        cookie = value.split(";", 1)[0].strip()  # Django writes " csrftoken=…; expires=…"
        if name.lower() == "set-cookie" and cookie.startswith("csrftoken="):
            page.cookies = {**page.cookies, "csrftoken": cookie.split("=", 1)[1]}


def measure(application: Any, pages: list[Page], requests: int, rounds: int) -> None:
    """Each page ``requests`` times, in ``rounds`` interleaved rounds (the machine's load spreads over all
    pages alike); the mean CPU and wall time per request of each."""
    makers = {p.key: environ_for(p) for p in pages}
    cpu = dict.fromkeys(makers, 0.0)
    wall = dict.fromkeys(makers, 0.0)
    db: dict[str, float | None] = dict.fromkeys(makers, 0.0)
    db_requests = dict.fromkeys(makers, 0)
    per_round = max(requests // rounds, 1)
    for _ in range(rounds):
        for page in pages:
            make = makers[page.key]
            environs = [make() for _ in range(per_round)]
            started_db = backend_cpu()
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            for environ in environs:
                call(application, environ)
            cpu[page.key] += time.process_time() - started_cpu
            wall[page.key] += time.perf_counter() - started_wall
            ended_db = backend_cpu()  # a persistent connection (CONN_MAX_AGE) keeps one backend…
            if started_db is None or ended_db is None or db[page.key] is None:
                db[page.key] = None
            elif started_db[0] == ended_db[0]:  # … except when it reconnected: that round is not counted
                db[page.key] = (db[page.key] or 0.0) + ended_db[1] - started_db[1]
                db_requests[page.key] += per_round
    for page in pages:
        page.cpu_ms = 1000 * cpu[page.key] / (per_round * rounds)
        page.wall_ms = 1000 * wall[page.key] / (per_round * rounds)
        spent = db[page.key]
        counted = db_requests[page.key]
        page.db_ms = None if spent is None or not counted else 1000 * spent / counted


def profile(application: Any, page: Page, requests: int, top: int, dump: str = "") -> str:
    make = environ_for(page)
    environs = [make() for _ in range(requests)]
    profiler = cProfile.Profile(time.process_time)  # CPU: waiting for the database is not counted
    profiler.enable()
    for environ in environs:
        call(application, environ)
    profiler.disable()
    if dump:
        profiler.dump_stats(f"{dump}.{page.key}.pstats")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"\n=== {page.key} ({page.path}), {requests} requests: top {top} by own time\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"=== {page.key}: top {top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=300, help="dossiers seeded (bench/seed.py)")
    parser.add_argument("--communes", type=int, default=3, help="communes the dossiers are spread over")
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved rounds the requests are split into"
    )
    parser.add_argument("--profile", action="store_true", help="a cProfile of each page afterwards")
    parser.add_argument("--only", action="append", choices=sorted(PAGES), help="pages to profile")
    parser.add_argument("--top", type=int, default=30, help="functions listed per profile")
    parser.add_argument("--dump", default="", help="also write each profile to <DUMP>.<page>.pstats")
    args = parser.parse_args()

    with hue_database():
        from django.db import connection
        from django.test.utils import teardown_test_environment

        bench = http_pages.build(dossiers=args.dossiers, writes=8, step_pool=3, communes=args.communes)
        by_name = {s.name: s for s in bench.scenarios}
        pages = [
            Page(key=key, path=by_name[name].path, cookies=by_name[name].cookies)
            for key, name in PAGES.items()
        ]
        # Served as gunicorn serves it: no test instrumentation of template rendering, the WSGI module's own
        # set-up (URL patterns imported, the start-up heap frozen out of the collector's sight).
        teardown_test_environment()
        connection.close()
        from motcua.wsgi import application

        for page in pages:  # warm the process's caches; every page must answer 200
            with_csrf_cookie(application, page)  # a browser's second request carries the cookie it got
            for _ in range(3):
                status, content = call(application, environ_for(page)())
            if not status.startswith("200"):
                raise SystemExit(f"{page.key}: {page.path} answers {status}: {content[-1500:]!r}")
        gc.collect()
        measure(application, pages, args.requests, args.rounds)

        trivial = pages[0].cpu_ms
        print(
            f"\n{connection.vendor}, {args.dossiers} dossiers, {args.requests} requests per page "
            f"(in-process WSGI; CPU: this process; DB CPU: its PostgreSQL backend)\n"
        )
        print(
            f"{'page':<10} {'path':<44} {'CPU ms':>7} {'wall ms':>8} {'DB CPU ms':>9} "
            f"{'× trivial (CPU)':>15} {'× trivial (CPU+DB)':>18}"
        )
        for page in pages:
            both = page.cpu_ms + (page.db_ms or 0.0)
            trivial_both = trivial + (pages[0].db_ms or 0.0)
            db_ms = f"{page.db_ms:9.2f}" if page.db_ms is not None else f"{'':>9}"
            print(
                f"{page.key:<10} {page.path[:44]:<44} {page.cpu_ms:7.2f} {page.wall_ms:8.2f} {db_ms} "
                f"{trivial / page.cpu_ms:15.3f} {trivial_both / both:18.3f}"
            )
        if args.profile:
            for page in pages:
                if args.only and page.key not in args.only:
                    continue
                print(profile(application, page, args.requests, args.top, args.dump))


if __name__ == "__main__":
    main()
