"""Benchmark: Huế's busiest day compressed into minutes, through gunicorn, with p50/p99 per page kind.

Run: ``MOTCUA_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench
.venv/bin/python bench/surge.py [--dossiers 3425] [--minutes 10] [--background 10000]`` (``make bench`` runs
it; without ``DATABASE_URL`` on a SQLite file under /tmp). It builds a throw-away test database beside
``DATABASE_URL`` like the other benchmarks, seeds ``--background`` dossiers (bench/seed.py), serves the app
with gunicorn (workers = cores) and replays the day of July 2025 when Huế received 3,425 dossiers, 91 %
online, compressed into ``--minutes``:
- arrivals over the first 80 % of the window, with the day's two peaks (morning and afternoon): a citizen
  submits the e-form of 1.004873 on the portal (``--online`` share; after looking the procedure up one time
  in three), or the commune's reception officer receives and accepts it at the counter form;
- each dossier is then walked through its workflow by its agency's officers, one action at a time after a
  pause: the officer holding the step opens the inbox, then the dossier's page, and posts the next action
  the page offers (with the version it shows) until the result is returned;
- meanwhile the citizen opens the dossier's page twice and, for one dossier in two, the public lookup.
Requests are scheduled in advance and sent by ``--clients`` threads over keep-alive connections; a latency
counts from the moment the request was due, so a server (or a client) falling behind shows in the figures.
Printed: requests, p50, p99 and the worst latency per page kind, the errors (status other than expected,
refused connections, timeouts) with the first messages, and whether the surge held (p99 under 500 ms, no
error); appended to docs/performance.md like bench/http_pages.py (``--record ''`` records nothing).
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import http.client
import itertools
import os
import random
import re
import secrets
import shlex
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import seed
from http_pages import ROOT, citizen_session, database_url, machine, record, served, staff_session
from hue_world import hue_database

P99_LIMIT_MS = 500
SIGN_STEP = "sign step (engine, no HTTP)"
# Share of a working day's arrivals per hour from 07:30 (Huế's centers: a morning and an afternoon peak).
DAY_SHAPE = (0.6, 1.6, 1.8, 1.4, 0.7, 0.2, 0.5, 1.2, 1.5, 1.1)
ACTION = re.compile(r'name="action"\s+value="([a-z_]+)"')
VERSION = re.compile(r'name="version"\s+value="(\d+)"')
ALERT = re.compile(r'role="alert"[^>]*>(.*?)</(?:p|div)>', re.S)


def arrival_times(count: int, window: float, rng: random.Random) -> list[float]:
    """``count`` arrival moments in ``[0, window)`` following DAY_SHAPE (piecewise uniform)."""
    total = sum(DAY_SHAPE)
    edges = list(itertools.accumulate(w / total for w in DAY_SHAPE))
    slot = window / len(DAY_SHAPE)
    times = []
    for _ in range(count):
        hour = min(bisect.bisect(edges, rng.random()), len(DAY_SHAPE) - 1)
        times.append((hour + rng.random()) * slot)
    return sorted(times)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    messages: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    late_ms: float = 0.0  # the most a request started after it was due

    def add(self, kind: str, ms: float, error: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(ms)
            if error:
                self.errors[kind] += 1
                if len(self.messages) < 10:
                    self.messages.append(f"{kind}: {error}")


class Driver:
    """Tasks due at moments (seconds from the start), run by ``clients`` threads, each with its own
    keep-alive connection; a task may schedule more."""

    def __init__(self, base: str, clients: int, stats: Stats) -> None:
        self.host = urlsplit(base).netloc
        self.clients = clients
        self.stats = stats
        self.queue: list[tuple[float, int, Callable[[Any], None]]] = []
        self.serial = itertools.count()
        self.pending = 0
        self.cond = threading.Condition()
        self.started = 0.0

    def at(self, when: float, task: Callable[[Any], None]) -> None:
        with self.cond:
            heapq.heappush(self.queue, (when, next(self.serial), task))
            self.pending += 1
            self.cond.notify()

    def run(self) -> None:
        self.started = time.monotonic()
        threads = [threading.Thread(target=self.work, daemon=True) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def work(self) -> None:
        from django.db import connections

        session = Session(self)
        try:
            self.loop(session)
        finally:
            session.connection.close()
            connections.close_all()  # this thread's database connection (who acts next)

    def loop(self, session: Session) -> None:
        while True:
            with self.cond:
                while True:
                    if self.pending == 0:
                        self.cond.notify_all()
                        return
                    if self.queue:
                        delay = self.queue[0][0] - (time.monotonic() - self.started)
                        if delay <= 0:
                            due, _, task = heapq.heappop(self.queue)
                            break
                        self.cond.wait(delay)
                    else:
                        self.cond.wait(1)
            session.due = due
            try:
                task(session)
            finally:
                with self.cond:
                    self.pending -= 1
                    self.cond.notify_all()


class Session:
    """One client thread's connection; ``call`` times a request from the moment its task was due."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.connection = http.client.HTTPConnection(driver.host, timeout=30)
        self.due = 0.0

    def call(
        self,
        kind: str,
        path: str,
        *,
        cookies: dict[str, str],
        form: dict[str, str] | None = None,
        expect: int = 200,
    ) -> tuple[int, str, str]:
        """(status, body, Location) of one request; a wrong status or a failure is an error of ``kind``."""
        driver = self.driver
        start = time.monotonic() - driver.started
        late = (start - self.due) * 1000
        if late > driver.stats.late_ms:
            driver.stats.late_ms = late
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request("POST" if form is not None else "GET", path, body=body, headers=headers)
            answer = self.connection.getresponse()
            text = answer.read().decode(errors="replace")
            status, location = answer.status, answer.getheader("Location") or ""
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection(driver.host, timeout=30)
            status, text, location = 0, f"{type(error).__name__}: {error}", ""
        ms = (time.monotonic() - driver.started - self.due) * 1000
        error_text = ""
        if status != expect:
            plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))[-300:]
            alert = ALERT.search(text)  # a refusal shown on the page says why; else the page's end
            said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", alert.group(1))).strip() if alert else plain
            error_text = f"{path} answered {status}, not {expect}: {said}"
        driver.stats.add(kind, ms, error_text)
        self.due = time.monotonic() - driver.started  # a follow-up request of the same task is due now
        return status, text, location


@dataclass
class Day:
    """The people of the surge and their sessions."""

    seeded: Any
    csrf: str
    citizens: list[dict[str, str]]  # cookies
    officers: dict[tuple[str, int], dict[str, str]]  # (role, agency id) -> cookies
    points: dict[int, tuple[int, int]]  # commune index -> (reception point id, agency id)

    def officer(self, role: str, agency_id: int) -> dict[str, str]:
        key = (role, agency_id)
        if key not in self.officers:
            from django.utils import timezone

            user = self.seeded.officer(role, agency_id, timezone.localdate())
            self.officers[key] = {**staff_session(user)[1], "csrftoken": self.csrf}
        return self.officers[key]


def prepare(seeded: Any, *, citizens: int) -> Day:
    """Sessions for the citizens who submit and for every officer of every step of the communes."""
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.dossiers import lookups
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Role

    on = timezone.localdate()
    csrf = secrets.token_hex(16)
    users = User.objects.filter(username__startswith="cd:0462").order_by("pk")[:citizens]
    day = Day(
        seeded=seeded,
        csrf=csrf,
        citizens=[{**citizen_session(u)[1], "csrftoken": csrf} for u in users],
        officers={},
        points={},
    )
    for index, unit in enumerate(seeded.communes):
        agency = lookups.commune_committee_for(unit=unit, on=on)
        point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
        day.points[index] = (point.pk, agency.pk)
        for role in (Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.CLERK):
            day.officer(role, agency.pk)
    return day


def schedule(driver: Driver, day: Day, *, dossiers: int, window: float, online: float, rng_seed: int) -> None:
    """Put every arrival on the driver; each arrival schedules its dossier's walk and the citizen's checks."""
    from django.urls import reverse

    from motcua.dossiers.models import Dossier

    rng = random.Random(rng_seed)
    seeded = day.seeded
    procedure = seeded.procedure.code
    lock = threading.Lock()

    def pause() -> float:
        with lock:
            return rng.uniform(0.004, 0.03) * window

    def who_acts(code: str) -> tuple[str, int] | None:
        """The role and agency holding the dossier now (as the officer's inbox shows it to them)."""
        row = Dossier.objects.filter(code=code).values(
            "state", "step_role", "step_agency_id", "receiving_agency_id"
        )
        found = row.first()
        if found is None:
            return None
        if found["state"] == "submitted":
            return "reception_officer", found["receiving_agency_id"]
        if found["step_role"] and found["step_agency_id"]:
            return found["step_role"], found["step_agency_id"]
        return None

    def sign_step(session: Session, code: str, holder: tuple[str, int]) -> None:
        """The leader's signature: over HTTP it takes the leader's second-factor code and then the signing
        worker (bench/signing.py measures both), so the step is passed through the engine here, in this
        process, as bench/seed.py walks it; timed as its own kind, not as a page."""
        from django.utils import timezone

        start = time.monotonic()
        error = ""
        try:
            dossier = Dossier.objects.get(code=code)
            seed._move(dossier=dossier, by=day.seeded.officer(*holder, timezone.localdate()), action="sign")
        except Exception as exc:  # counted as an error of the surge, with its message
            error = f"{code}: {type(exc).__name__}: {exc}"
        driver.stats.add(SIGN_STEP, (time.monotonic() - start) * 1000, error)
        session.due = time.monotonic() - driver.started

    def act(code: str) -> Callable[[Session], None]:
        def task(session: Session) -> None:
            holder = who_acts(code)
            if holder is None:
                return
            cookies = day.officer(*holder)
            session.call("officer inbox", reverse("workspace:inbox"), cookies=cookies)
            page_path = reverse("workspace:dossier", args=[code])
            status, page, _ = session.call("officer dossier page", page_path, cookies=cookies)
            offered = ACTION.findall(page)
            action = next((a for a in seed.MOVES if a in offered), None)
            version = VERSION.search(page)
            if status != 200 or action is None or version is None:
                return
            if action == "sign":
                sign_step(session, code, holder)
                driver.at(session.due + pause(), act(code))
                return
            status, _, _ = session.call(
                "step action (POST)",
                reverse("workspace:dossier_action", args=[code]),
                cookies=cookies,
                form={"csrfmiddlewaretoken": day.csrf, "action": action, "version": version.group(1)},
                expect=302,
            )
            if status == 302 and action != "return_result":
                driver.at(session.due + pause(), act(code))

        return task

    def citizen_checks(code: str, cookies: dict[str, str] | None, when: float) -> None:
        if cookies is not None:
            for _ in range(2):
                driver.at(
                    when + pause() * 3,
                    lambda s: s.call(
                        "citizen dossier page", reverse("portal:my_dossier", args=[code]), cookies=cookies
                    ),
                )
        with lock:
            look = rng.random() < 0.5
        if look:
            id_number = (
                Dossier.objects.filter(code=code).values_list("applicant_id_number", flat=True).first()
            )
            form = {"csrfmiddlewaretoken": day.csrf, "ma_ho_so": code, "so_cuoi": (id_number or "")[-4:]}
            driver.at(
                when + pause() * 2,
                lambda s: s.call(
                    "public lookup (POST)",
                    reverse("portal:lookup"),
                    cookies={"csrftoken": day.csrf},
                    form=form,
                ),
            )

    def arrive(n: int, index: int, channel: str, search: bool) -> Callable[[Session], None]:
        unit = seeded.communes[index]
        point_id, agency_id = day.points[index]
        id_number = f"0463{n:08d}"
        answers = seed.form_data(unit_code=unit.code, name=f"Người nộp {n}", id_number=id_number)

        def task(session: Session) -> None:
            if channel == "online":
                cookies = day.citizens[n % len(day.citizens)]
                if search:
                    session.call(
                        "procedure search",
                        reverse("portal:procedure_search") + "?" + urlencode({"q": "tình trạng hôn nhân"}),
                        cookies={},
                    )
                form = {
                    "csrfmiddlewaretoken": day.csrf,
                    **answers,
                    "applicant_address__unit": unit.code,
                    "permanent_residence_unit__province": "46",
                    "submission_key": f"surge-{n}",
                    "submit": "1",
                }
                path = reverse("portal:eform", args=[procedure])
                status, _, location = session.call(
                    "online submission (POST)", path, cookies=cookies, form=form, expect=302
                )
            else:
                cookies = None
                form = {
                    "csrfmiddlewaretoken": day.csrf,
                    **answers,  # the declaration typed at the counter (workspace.declaration)
                    "declaration": procedure,
                    "point": str(point_id),
                    "procedure": procedure,
                    "place": str(unit.pk),
                    "place_permanent_residence_unit": unit.code,
                    "name": answers["applicant_name"],
                    "id_number": id_number,
                    "address": answers["applicant_address"],
                    "document": "to_khai",
                    "decision": "accept",
                    "idempotency_key": f"surge-{n}",
                }
                status, _, location = session.call(
                    "counter reception + accept (POST)",
                    reverse("workspace:reception"),
                    cookies=day.officer("reception_officer", agency_id),
                    form=form,
                    expect=302,
                )
            found = re.search(r"/ho-so/([^/]+)/", location)
            if status != 302 or found is None:
                return
            code = found.group(1)
            citizen_checks(code, cookies, session.due)
            driver.at(session.due + pause(), act(code))

        return task

    communes = range(len(seeded.communes))
    times = arrival_times(dossiers, window * 0.8, rng)
    for n, when in enumerate(times):
        index = rng.choices(communes, weights=seeded.weights)[0]
        channel = "online" if rng.random() < online else "counter"
        driver.at(when, arrive(n, index, channel, rng.random() < 1 / 3))


def report(
    stats: Stats,
    *,
    vendor: str,
    dossiers: int,
    minutes: float,
    background: int,
    workers: int,
    clients: int,
    elapsed: float,
) -> tuple[str, bool]:
    lines = [
        f"surge on {vendor}: {dossiers:,} dossiers ({background:,} already in the database) in "
        f"{minutes:g} min (took {elapsed / 60:.1f} min); gunicorn {workers} sync workers; "
        f"{clients} client threads",
        "",
        "| page kind | requests | p50 ms | p99 ms | worst ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    worst_p99 = 0.0
    total_errors = 0
    for kind in sorted(stats.latencies):
        samples = sorted(stats.latencies[kind])
        p50 = statistics.median(samples)
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        worst_p99 = max(worst_p99, p99)
        total_errors += stats.errors[kind]
        errors = stats.errors[kind]
        lines.append(f"| {kind} | {len(samples):,} | {p50:.1f} | {p99:.1f} | {samples[-1]:.1f} | {errors} |")
    held = worst_p99 < P99_LIMIT_MS and total_errors == 0 and bool(stats.latencies)
    lines += [
        "",
        f"surge {'held' if held else 'NOT held'}: worst p99 {worst_p99:.1f} ms (limit {P99_LIMIT_MS} ms), "
        f"{total_errors} errors; a request started at most {stats.late_ms:.0f} ms after it was due",
    ]
    if stats.messages:
        lines += ["", "first errors:", *(f"- {m}" for m in stats.messages)]
    return "\n".join(lines), held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=3425, help="dossiers of the day (Huế, July 2025)")
    parser.add_argument("--minutes", type=float, default=10, help="the day compressed into this many minutes")
    parser.add_argument("--online", type=float, default=0.91, help="share submitted online")
    parser.add_argument("--background", type=int, default=10_000, help="dossiers seeded before the day")
    parser.add_argument("--communes", type=int, default=None, help="limit the communes (small test runs)")
    parser.add_argument("--clients", type=int, default=48, help="client threads")
    parser.add_argument("--citizens", type=int, default=300, help="citizen sessions that submit")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: cores)")
    parser.add_argument("--record", default=str(ROOT / "docs" / "performance.md"), help="'' records nothing")
    args = parser.parse_args()
    workers = args.workers or os.cpu_count() or 2
    command = " ".join(["python bench/surge.py", *(shlex.quote(a) for a in sys.argv[1:])])
    host = machine()
    with hue_database():
        from django.conf import settings
        from django.db import connection

        seeded = seed.seed(count=max(args.background, 100), communes=args.communes)
        day = prepare(seeded, citizens=args.citizens)
        vendor = connection.vendor
        print(f"{vendor}: seeded {seeded.count:,} dossiers in {seeded.seconds:.1f} s; the surge starts")
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        url = database_url(connection.settings_dict)
        stats = Stats()
        with served(url, workers) as base:
            driver = Driver(base, args.clients, stats)
            schedule(
                driver, day, dossiers=args.dossiers, window=args.minutes * 60, online=args.online, rng_seed=7
            )
            started = time.monotonic()
            driver.run()
            elapsed = time.monotonic() - started
        connection.close()
    table, _ = report(
        stats,
        vendor=vendor,
        dossiers=args.dossiers,
        minutes=args.minutes,
        background=seeded.count,
        workers=workers,
        clients=args.clients,
        elapsed=elapsed,
    )
    print()
    print(table)
    if args.record:
        record(Path(args.record), host=host, command=command, table=table)
        print(f"\nappended to {args.record}")


if __name__ == "__main__":
    main()
