"""Benchmark: instructions per request of the hottest pages through the WSGI application (callgrind).

Time per request on a loaded machine is noise; the instructions the Python process executes for one request
are not. Two steps, one kept PostgreSQL database (``DATABASE_URL``; the pages are read from Django's test
database of that name, ``test_<name>``, built once):

1. ``MOTCUA_ENV=test DATABASE_URL=postgres://…/<name> python bench/instructions_pages.py build`` — Huế and
   the seeded dossiers of bench/profile_pages.py (bench/http_pages.py's build), the pages and their cookies
   written to ``var/instructions_pages.json``; the database is kept.
2. ``PYTHONHASHSEED=0 valgrind --tool=callgrind --dump-before=getppid --callgrind-out-file=var/cg.out python
   bench/instructions_pages.py measure [--requests 15]`` — each page warmed, then called ``--requests`` times
   between two ``os.getppid()`` marks (each mark makes callgrind write the counts since the previous one);
   ``python bench/instructions_pages.py report var/cg.out`` prints instructions per request and × trivial.

``measure --only PAGE`` measures the trivial view and the pages named; ``measure --profile PAGE`` prints
a cProfile of one page (and writes ``var/profile.PAGE.pstats``) instead. ``measure --html DIR`` (without
valgrind) writes each page's body with its CSRF token blanked: render before and after a change from the
same database and compare the files (``diff -r``).

Like a browser's second request, each request carries the ``csrftoken`` cookie the page's first answer set.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
from pathlib import Path

import http_pages
from profile_pages import PAGES, Page, call, environ_for, with_csrf_cookie
from profile_pages import profile as profile_page

STATE = Path(os.environ.get("MOTCUA_VAR_DIR", "var")) / "instructions_pages.json"


def build(dossiers: int, communes: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from motcua.catalog.services import import_sample_catalog
    from motcua.geo.services import load_units
    from motcua.org.demo import generate_demo_organization

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    load_units(provinces=["46"])
    generate_demo_organization(province_code="46")
    import_sample_catalog()
    bench = http_pages.build(dossiers=dossiers, writes=8, step_pool=3, communes=communes)
    by_name = {s.name: s for s in bench.scenarios}
    pages = {key: {"path": by_name[n].path, "cookies": by_name[n].cookies} for key, n in PAGES.items()}
    STATE.write_text(json.dumps({"database": name, "pages": pages}, ensure_ascii=False, indent=1))
    print(f"kept database {name}; pages in {STATE}")


def measure(requests: int, html: str, profile: str = "", only: list[str] | None = None) -> None:
    state = json.loads(STATE.read_text())
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = state["database"]
    django.setup()
    from motcua.wsgi import application

    pages = [
        Page(key=k, path=p["path"], cookies=p["cookies"])
        for k, p in state["pages"].items()
        if not only or k in only or k == "trivial"
    ]
    for page in pages:  # warm the caches; every page must answer 200; keep the csrftoken the page sets
        with_csrf_cookie(application, page)
        for _ in range(3):
            status, content = call(application, environ_for(page)())
        if not status.startswith("200"):
            raise SystemExit(f"{page.key}: {page.path} answers {status}")
        if html:
            Path(html).mkdir(parents=True, exist_ok=True)
            text = re.sub(
                rb'(name="csrfmiddlewaretoken" value=|csrf[-_]token["\']?[:=] ?)"[^"]*"', rb'\1""', content
            )
            text = re.sub(rb'(<meta name="csrf-token" content=)"[^"]*"', rb'\1""', text)
            (Path(html) / f"{page.key}.html").write_bytes(text)
    if html:
        return
    if profile:  # a cProfile of one page instead (profile_pages.profile), by own and cumulative time
        page = next(p for p in pages if p.key == profile)
        print(profile_page(application, page, requests, 40, dump=str(STATE.parent / "profile")))
        return
    gc.collect()
    for page in pages:
        environs = [environ_for(page)() for _ in range(requests)]
        os.getppid()  # mark: callgrind dumps what came before
        for environ in environs:
            call(application, environ)
        os.getppid()  # mark: this dump holds the page's requests
        print(page.key, file=sys.stderr)
    Path(str(STATE) + ".order").write_text(json.dumps([p.key for p in pages] + [requests]))


def report(prefix: str) -> None:
    *keys, requests = json.loads(Path(str(STATE) + ".order").read_text())
    dumps = sorted(Path(prefix).parent.glob(Path(prefix).name + ".*"), key=lambda p: int(p.suffix[1:]))
    totals = []
    for dump in dumps:
        match = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(errors="replace"), re.M)
        totals.append(int(match.group(1)) if match else 0)
    # dump 1: start-up and warming; then per page: its loop (dump before the second mark), the gap
    per_page = {key: totals[1 + 2 * i] / requests for i, key in enumerate(keys)}
    trivial = per_page["trivial"]
    for key in keys:
        ratio = trivial / per_page[key]
        print(f"{key:<10} {per_page[key] / 1e6:7.2f} M instructions/request  × trivial {ratio:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=["build", "measure", "report"])
    parser.add_argument("out", nargs="?", default="var/cg.out", help="report: callgrind's output file")
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--communes", type=int, default=3)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument(
        "--profile", default="", choices=["", *PAGES], help="measure: a cProfile of this page"
    )
    parser.add_argument(
        "--only", action="append", choices=sorted(PAGES), help="measure: these pages (and trivial)"
    )
    parser.add_argument("--html", default="", help="measure: write the pages' HTML here instead")
    args = parser.parse_args()
    if args.step == "build":
        build(args.dossiers, args.communes)
    elif args.step == "measure":
        measure(args.requests, args.html, args.profile, args.only)
    else:
        report(args.out)


if __name__ == "__main__":
    main()
