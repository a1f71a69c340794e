"""Benchmark: pages and writes through gunicorn under wrk next to a trivial view; writes next to raw SQL.

Run: ``MOTCUA_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench
.venv/bin/python bench/http_pages.py [--dossiers 50000] [--writes 200] [--duration 10] [--connections 16]``
(``make bench`` runs it on SQLite and on PostgreSQL; without ``DATABASE_URL`` it measures on a SQLite file
under /tmp and skips pgbench). It builds a throw-away test database beside ``DATABASE_URL`` (``test_<name>``,
dropped afterwards) with Huế's geography, the demo organization and the sample catalog, then:
- seeds ``--dossiers`` dossiers, a realistic mix (bench/seed.py: most finished, a few % in flight, 91 %
  online), with a one-line progress counter;
- writes through the services, no HTTP: ``--writes`` walk-in marriage registrations (1.000894) received
  and accepted at one commune's counter in one intention (``receive_and_decide``, as the counter form does),
  then forwarded by the reception officer (one step action each): per second, and SQL queries of one
  reception + accept and of one step action;
- raw PostgreSQL: bench/raw_reception.sql, the same writes as reception + accept in plain SQL, by pgbench
  (4 clients, ``--duration`` seconds): transactions per second and the ratio reception+accept ÷ raw;
- pages and writes over HTTP: serves the app with gunicorn (``python -m motcua serve``, workers = cores) on
  a free port of 127.0.0.1 and drives each scenario with wrk for ``--duration`` seconds over
  ``--connections`` connections: /healthz (the trivial view), home, procedure search, public lookup (POST),
  officer inbox first page, a deep page (¾ down), with filters, the officer dossier page, the citizen's
  dossier page, then the writes, each request a new one (wrk's Lua gives each its own serial and path): a
  counter reception + accept through the counter form (its own idempotency key), a step action (forward)
  on the next of ``--step-pool`` dossiers waiting at the reception step, and an online submission through
  the portal's e-form where MOTCUA_CITIZEN_SUBMISSION is on. For each: requests per second, p50/p95/p99,
  HTTP errors (status 400 or more: a write answers with a redirect) and socket errors, SQL queries of one
  request (the second of two, by Django's test client against the same database: identical for a page, a
  new one for a write, whose effect is checked) and the ratio to the trivial view.
Sessions are made as the logins make them: the officer's with a verified TOTP device (django-otp's session
key), the citizen's as after the e-ID login. The figures are printed as a table and appended, with the
machine, the date and the command, to docs/performance.md (``--record`` another file, ``--record ''``
none). wrk is Debian's package, installed with apt-get when missing and run as root.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pgbench
import seed
from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TEST_SQLITE", "/tmp/motcua-bench-http.sqlite3")

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 8 September 2025, 08:00: marriage registration still took paper dossiers at the counter (online only
# from 1 October 2025, Directive 24/CT-TTg), as in bench/dossiers_throughput.py.
START = dt.datetime(2025, 9, 8, 8, 0, tzinfo=TZ)
CITIZEN_ID = seed.CITIZEN_ID
SERIAL = "XSERIALX"  # in a write's form: replaced by a serial of its own in each request
# Printed by wrk's done() (the Lua script below): one machine-readable line after wrk's own report.
WRK_LUA = """
{request}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Scenario:
    name: str
    path: str
    cookies: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # a POST with this body
    expect: str = ""  # text the page must show (a lookup that finds nothing is a 200 too)
    paths: list[str] = field(default_factory=list)  # one path per request, in turn (writes on many dossiers)
    status: int = 200  # the answer every request must get (a write redirects: 302)
    client: Any = None  # Django's test client with the same session, to count the queries
    effect: Any = None  # for a write: a count that each request must raise by one (e.g. dossiers)
    queries: int | None = None

    def request(self, n: int, serial: str = "") -> tuple[str, dict[str, str] | None]:
        """The ``n``-th request: its path and its form, ``SERIAL`` in the form made unique."""
        path = self.paths[n % len(self.paths)] if self.paths else self.path
        if self.form is None:
            return path, None
        return path, {k: v.replace(SERIAL, f"{serial}{n}") for k, v in self.form.items()}


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    model = ""
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = f" ({found.group(1).strip()})" if found else ""
    except OSError:
        pass
    load = ""
    with contextlib.suppress(OSError, IndexError):
        load = f"; load average at the start {Path('/proc/loadavg').read_text().split()[0]}"
    return f"{os.cpu_count()} cores{model}{memory}; {platform.system()} {platform.release()}{load}"


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's wrk")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, timeout=300)
        return shutil.which("wrk")
    print("wrk not found: install Debian's package (sudo apt-get install wrk); page scenarios skipped")
    return None


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the database Django is connected to now (the test database), for the server and pgbench."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgresql://{at}{host}{port}/{settings_dict['NAME']}"


def staff_session(user: Any) -> tuple[Any, dict[str, str]]:
    """A test client and cookies for ``user`` logged in with a verified TOTP device, as the workspace
    login leaves them (tests/otp_sessions.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    device = TOTPDevice.objects.create(user=user, name="bench phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, {"sessionid": session.session_key}


def citizen_session(user: Any) -> tuple[Any, dict[str, str]]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client, {"sessionid": client.session.session_key}


def count_queries(scenario: Scenario) -> None:
    """SQL queries of the second of two identical requests (the first warms the process's caches); a write
    makes a new one each time (its own key, the next dossier of its pool)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = scenario.client

    def once(n: int) -> Any:
        path, form = scenario.request(n, "count-")
        if form is None:
            return client.get(path)
        if "csrftoken" in scenario.cookies:
            client.cookies["csrftoken"] = scenario.cookies["csrftoken"]
        return client.post(path, form)

    before = scenario.effect() if scenario.effect else 0
    once(0)
    with CaptureQueriesContext(connection) as captured:
        response = once(1)
    scenario.queries = len(captured.captured_queries)
    text = response.content.decode()
    if scenario.effect and scenario.effect() != before + 2:
        raise SystemExit(
            f"{scenario.name}: two requests did not write twice ({before} -> {scenario.effect()})"
        )
    if response.status_code != scenario.status or (scenario.expect and scenario.expect not in text):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
        raise SystemExit(
            f"{scenario.name}: {scenario.request(1)[0]} answers {response.status_code} "
            f"(expected {scenario.status}{f' showing {scenario.expect!r}' if scenario.expect else ''}): "
            f"{text[-1500:]}"
        )


def serve(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MOTCUA_ENV": "test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        "-m",
        "motcua",
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def served(url: str, workers: int) -> Iterator[str]:
    """gunicorn (``python -m motcua serve``) on a free port of 127.0.0.1 for the database at ``url``; yields
    its base URL once /healthz answers, stops it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="motcua-bench-gunicorn-", suffix=".log")[1])
    server = serve(url, port, workers, log)
    try:
        wait_ready(base, server, log)
        yield base
    finally:
        stop(server)
        log.unlink(missing_ok=True)


def check_over_http(base: str, scenario: Scenario) -> int:
    """The status one request gets from the real server (a redirect to a login page would fool wrk)."""
    cookie = "; ".join(f"{k}={v}" for k, v in scenario.cookies.items())
    path, form = scenario.request(2, "check-")
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(f"{base}{path}", data=data, headers={"Cookie": cookie})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_request(scenario: Scenario, *, threads: int) -> str:
    """wrk's Lua: the same request each time (wrk builds it once: the trivial view is not slowed down by
    the script), or, for a write, a ``request()`` that gives each request its own path (the scenario's
    paths after the three the checks used, in turn) and its own serial in the body (thread and count)."""
    headers = {}
    if scenario.cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in scenario.cookies.items())
    if scenario.form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    paths = scenario.paths[3:] or [scenario.paths[0] if scenario.paths else scenario.path]
    body = urlencode(scenario.form) if scenario.form is not None else ""
    if len(paths) == 1 and SERIAL not in body:
        lines = [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
        if scenario.form is not None:
            lines += ['wrk.method = "POST"', f"wrk.body = {lua_string(body)}"]
        return "\n".join(lines)
    return "\n".join(
        [
            f"local method = {lua_string('POST' if scenario.form is not None else 'GET')}",
            "local headers = {"
            + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
            + "}",
            "local paths = {" + ", ".join(lua_string(p) for p in paths) + "}",
            f"local body = {lua_string(body) if body else 'nil'}",
            f"local threads = {threads}",
            "local counter = 0",
            "local next_id = 0",
            "setup = function(thread) thread:set('id', next_id); next_id = next_id + 1 end",
            "request = function()",
            "  counter = counter + 1",
            "  local n = counter * threads + (id or 0)",
            "  local path = paths[(n % #paths) + 1]",
            "  local text = nil",
            f"  if body then text = (body:gsub({lua_string(SERIAL)}, 'wrk' .. n)) end",
            "  return wrk.format(method, path, headers, text)",
            "end",
        ]
    )


def drive(
    wrk: str, base: str, scenario: Scenario, *, duration: int, connections: int, threads: int
) -> Figures:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA.format(request=lua_request(scenario, threads=threads)))
    try:
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            f"{base}{scenario.request(0)[0]}",
        ]
        output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60).stdout
    finally:
        os.unlink(script.name)
    line = next((x for x in output.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures for {scenario.name}:\n{output}")
    requests, micros, connect, read, write, status, timeout, p50, p95, p99 = (
        int(x) for x in line.split()[1:]
    )
    return Figures(
        rps=requests / (micros / 1e6),
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        p99_ms=p99 / 1000,
        requests=requests,
        non_2xx=status,
        socket_errors=connect + read + write + timeout,
    )


@dataclass
class Bench:
    """The seeded database and the scenarios to drive (``build``), before any server runs."""

    vendor: str
    seeded: Any
    scenarios: list[Scenario]
    writes: tuple[float, int, float, int]  # reception + accept per s, its queries, step per s, its queries


def build(*, dossiers: int, writes: int, step_pool: int, communes: int | None = None) -> Bench:
    """Seed ``dossiers`` (bench/seed.py), measure ``writes`` receptions + accepts and step actions through
    the services, and list the scenarios (each with the test client that counts its queries)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from motcua.catalog import forms
    from motcua.catalog.models import Procedure
    from motcua.dossiers import lookups, selectors, services
    from motcua.geo.models import AdministrativeUnit
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Role
    from motcua.portal import conf as portal_conf
    from motcua.workspace import paging

    vendor = connection.vendor
    seeded = seed.seed(count=dossiers, communes=communes)
    print(f"{vendor}: seeded {dossiers:,} dossiers in {seeded.seconds:.1f} s")
    citizen = seeded.citizen

    on = START.date()
    procedure = Procedure.objects.get(code="1.000894")
    version = lookups.version_in_force(procedure=procedure, on=on)
    documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
    place = (
        AdministrativeUnit.objects.valid_on(on)
        .filter(province_code="46", level="commune")
        .order_by("code")
        .first()
    )
    agency = lookups.commune_committee_for(unit=place, on=on)
    point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
    reception = org_selectors.staff_with_role(role=Role.RECEPTION_OFFICER, agency=agency, on=on).first().user
    # The declaration the counter officer types (the engine checks it is complete to accept: issue 17).
    declaration = forms.sample_declaration(
        version,
        unit_code=place.code,
        applicant_id_number="046195001234",
        applicant_phone="0914000111",
        partner_id_number="046196001234",
    )

    # Writes through the services: reception + accept as the counter form does it (``receive_and_decide``,
    # one intention, the shape of bench/raw_reception.sql), then one step action (forward) per dossier.
    def receive(n: int) -> Any:
        now = START + dt.timedelta(seconds=n)
        mine = n % 50 == 0  # one dossier in 50 is the bench citizen's (their dossier page)
        return services.receive_and_decide(
            by=reception,
            decision=services.CounterDecision.ACCEPT,
            reception_point=point,
            procedure=procedure,
            place_unit=place,
            applicant=citizen if mine else None,
            applicant_info=services.ApplicantInfo(
                name="Phan Thị Mai" if mine else f"Người nộp {n}",
                id_number=CITIZEN_ID if mine else f"046195{n:06d}",
            ),
            documents=documents,
            form_data=declaration,
            now=now,
        )

    received = [receive(0)]
    with CaptureQueriesContext(connection) as captured:
        received.append(receive(1))
    reception_queries = len(captured.captured_queries)
    started = time.perf_counter()
    for n in range(2, writes):
        received.append(receive(n))
    reception_rate = (writes - 2) / max(time.perf_counter() - started, 1e-9)

    forwarded = []
    later = START + dt.timedelta(hours=1)
    forwarded.append(services.perform(dossier=received[0], by=reception, action="forward", now=later))
    with CaptureQueriesContext(connection) as captured:
        forwarded.append(services.perform(dossier=received[1], by=reception, action="forward", now=later))
    step_queries = len(captured.captured_queries)
    started = time.perf_counter()
    for dossier in received[2:]:
        forwarded.append(services.perform(dossier=dossier, by=reception, action="forward", now=later))
    step_rate = (len(received) - 2) / max(time.perf_counter() - started, 1e-9)
    print(
        f"{vendor}: reception + accept {reception_rate:.1f}/s ({reception_queries} queries); "
        f"step action {step_rate:.1f}/s ({step_queries} queries)"
    )

    # Who reads: the specialist of the step, the citizen; what: the deep page's cursor, a lookup.
    step = forwarded[-1].current_step
    specialist = org_selectors.staff_with_role(role=step.role, agency=step.agency, on=on).first().user
    officer_client, officer_cookies = staff_session(specialist)
    citizen_client, citizen_cookies = citizen_session(citizen)
    now = dt.datetime.now(tz=TZ)
    queue = selectors.inbox_for(user=specialist, now=now).order_by(*selectors.INBOX_ORDER)
    depth = (queue.count() * 3) // 4
    anchor = queue[depth]
    deep = paging.encode(paging.Cursor(selectors.inbox_key(anchor), forward=True, number=depth // 25 + 2))
    officer_dossier = forwarded[len(forwarded) // 2]
    citizen_dossier = next(d for d in forwarded if d.applicant_id == citizen.pk)
    csrf = secrets.token_hex(16)  # an unmasked 32-character secret: cookie and form carry the same one
    inbox = reverse("workspace:inbox")
    anonymous = Client(enforce_csrf_checks=True)
    scenarios = [
        Scenario("trivial view /healthz", reverse("healthz"), client=anonymous),
        Scenario("home page /", reverse("org:home"), client=anonymous),
        Scenario(
            "procedure search",
            reverse("portal:procedure_search") + "?" + urlencode({"q": "kết hôn"}),
            client=anonymous,
        ),
        Scenario(
            "public lookup (POST)",
            reverse("portal:lookup"),
            cookies={"csrftoken": csrf},
            form={"csrfmiddlewaretoken": csrf, "ma_ho_so": citizen_dossier.code, "so_cuoi": CITIZEN_ID[-4:]},
            expect="Trạng thái",  # the found dossier's status, not the form alone
            client=anonymous,
        ),
        Scenario("officer inbox, first page", inbox, officer_cookies, client=officer_client),
        Scenario(
            f"officer inbox, deep page (row {depth})",
            inbox + "?" + urlencode({"cursor": deep}),
            officer_cookies,
            client=officer_client,
        ),
        Scenario(
            "officer inbox with filters",
            inbox + "?" + urlencode({"procedure": procedure.code, "channel": "counter", "q": "Người nộp 1"}),
            officer_cookies,
            client=officer_client,
        ),
        Scenario(
            "officer dossier page",
            reverse("workspace:dossier", args=[officer_dossier.code]),
            officer_cookies,
            client=officer_client,
        ),
        Scenario(
            "citizen dossier page",
            reverse("portal:my_dossier", args=[citizen_dossier.code]),
            citizen_cookies,
            client=citizen_client,
        ),
        *write_scenarios(seeded, csrf=csrf, step_pool=step_pool, citizen=(citizen_client, citizen_cookies)),
    ]
    if not portal_conf.citizen_submission():
        scenarios = [s for s in scenarios if not s.name.startswith("online submission")]
    # A page's requests carry a csrftoken cookie as a browser's do after its first page (the pages' forms
    # take their token from it): without one, every request would draw a new secret, which no browser's
    # second request costs.
    for scenario in scenarios:
        if scenario.form is None:
            scenario.cookies = {**scenario.cookies, "csrftoken": csrf}
    return Bench(
        vendor=vendor,
        seeded=seeded,
        scenarios=scenarios,
        writes=(reception_rate, reception_queries, step_rate, step_queries),
    )


def write_scenarios(
    seeded: Any, *, csrf: str, step_pool: int, citizen: tuple[Any, dict[str, str]]
) -> list[Scenario]:
    """The writes over HTTP, each request a new one: a counter reception + accept (the counter form, its own
    idempotency key), a step action (forward) on the next of ``step_pool`` dossiers at the reception step,
    and an online submission (the e-form, its own submission key) by the bench citizen."""
    from django.urls import reverse
    from django.utils import timezone

    from motcua.dossiers import lookups, services
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Role

    now = timezone.now()
    on = timezone.localdate(now)
    unit = seeded.communes[0]
    agency = lookups.commune_committee_for(unit=unit, on=on)
    point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
    officer = seeded.officer(Role.RECEPTION_OFFICER, agency.pk, on)
    counter_client, counter_cookies = staff_session(officer)
    answers = seed.form_data(unit_code=unit.code, name="Phan Thị Mai", id_number=CITIZEN_ID)
    # The step pool: one dossier accepted through the services at the reception step, copied.
    template = services.receive_at_counter(
        by=officer,
        reception_point=point,
        procedure=seeded.procedure,
        place_unit=unit,
        applicant_info=services.ApplicantInfo(name="Người nộp mẫu", id_number="046195999999"),
        documents=[services.DocumentInput(code="to_khai")],
        form_data=answers,
        now=now,
    )
    template = services.accept(dossier=template, by=officer, now=now)
    pool = seed.copy_dossiers(
        seed.snapshot(template.pk),
        [
            seed.Copy(
                code=f"{template.code}-S{n:06d}", shift=dt.timedelta(), applicant=(None, f"Người {n}", "")
            )
            for n in range(step_pool)
        ],
    )
    from motcua.dossiers.models import Dossier, DossierStep

    codes = list(Dossier.objects.filter(pk__in=pool).order_by("pk").values_list("code", flat=True))
    procedure = seeded.procedure.code
    client, cookies = citizen
    return [
        Scenario(
            "counter reception + accept (POST)",
            reverse("workspace:reception"),
            {**counter_cookies, "csrftoken": csrf},
            form={
                "csrfmiddlewaretoken": csrf,
                # The declaration typed at the counter (workspace.declaration): the same answers as online.
                **answers,
                "declaration": procedure,
                "point": str(point.pk),
                "procedure": procedure,
                "place": str(unit.pk),
                "place_permanent_residence_unit": unit.code,
                "name": "Phan Thị Mai",
                "id_number": CITIZEN_ID,
                "phone": "0914000111",
                "address": answers["applicant_address"],
                "document": "to_khai",
                "decision": "accept",
                "idempotency_key": f"bench-{SERIAL}",
            },
            status=302,
            client=counter_client,
            effect=Dossier.objects.count,
        ),
        Scenario(
            "step action forward (POST)",
            "",
            {**counter_cookies, "csrftoken": csrf},
            form={"csrfmiddlewaretoken": csrf, "action": "forward", "version": str(template.version)},
            paths=[reverse("workspace:dossier_action", args=[code]) for code in codes],
            status=302,
            client=counter_client,
            effect=DossierStep.objects.count,  # forward opens the next step
        ),
        Scenario(
            "online submission (POST)",
            reverse("portal:eform", args=[procedure]),
            {**cookies, "csrftoken": csrf},
            form={
                "csrfmiddlewaretoken": csrf,
                **answers,
                "applicant_address__unit": unit.code,
                "permanent_residence_unit__province": "46",
                "submission_key": f"bench-{SERIAL}",
                "submit": "1",
            },
            status=302,
            client=client,
            effect=Dossier.objects.count,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=50_000, help="dossiers seeded (bench/seed.py)")
    parser.add_argument("--writes", type=int, default=200, help="receptions + accepts through the services")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk scenario and for pgbench")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--raw-clients", type=int, default=4, help="pgbench clients")
    parser.add_argument(
        "--step-pool", type=int, default=None, help="dossiers for the step action (default 300 × duration)"
    )
    parser.add_argument("--record", default=str(ROOT / "docs" / "performance.md"), help="'' records nothing")
    args = parser.parse_args()
    if args.writes < 8 or args.dossiers < 100:
        parser.error("--writes must be at least 8 and --dossiers at least 100")
    command = " ".join(["python bench/http_pages.py", *(shlex.quote(a) for a in sys.argv[1:])])
    host = machine()  # before the run loads the machine

    with hue_database():
        from django.conf import settings
        from django.db import connection

        bench = build(
            dossiers=args.dossiers, writes=args.writes, step_pool=args.step_pool or 300 * args.duration
        )
        vendor, scenarios = bench.vendor, bench.scenarios
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # as `serve` collects it (no warning)
        for scenario in scenarios:
            count_queries(scenario)
        url = database_url(connection.settings_dict)
        connection.close()

        raw_tps = None
        if vendor == "postgresql":
            raw_tps = pgbench.raw_reception(url, clients=args.raw_clients, seconds=args.duration)

        results: list[tuple[Scenario, Figures]] = []
        wrk = ensure_wrk()
        if wrk is not None:
            with served(url, args.workers) as base:
                for scenario in scenarios:
                    status = check_over_http(base, scenario)
                    if status != scenario.status:
                        raise SystemExit(
                            f"{scenario.name}: the server answers {status}, not {scenario.status}"
                        )
                    figures = drive(
                        wrk,
                        base,
                        scenario,
                        duration=args.duration,
                        connections=args.connections,
                        threads=min(2, args.connections),
                    )
                    results.append((scenario, figures))
                    print(
                        f"  {scenario.name:<44} {figures.rps:8.1f} req/s  p50 {figures.p50_ms:7.1f} ms  "
                        f"p99 {figures.p99_ms:7.1f} ms  ({scenario.queries} queries)",
                        flush=True,
                    )

    table = report(
        vendor=vendor,
        dossiers=args.dossiers,
        workers=args.workers,
        connections=args.connections,
        duration=args.duration,
        results=results,
        writes=bench.writes,
        raw=(raw_tps, args.raw_clients),
    )
    print()
    print(table)
    if args.record:
        record(Path(args.record), host=host, command=command, table=table)
        print(f"\nappended to {args.record}")


def report(
    *,
    vendor: str,
    dossiers: int,
    workers: int,
    connections: int,
    duration: int,
    results: list[tuple[Scenario, Figures]],
    writes: tuple[float, int, float, int],
    raw: tuple[float | None, int],
) -> str:
    lines = [
        f"{vendor}, {dossiers} dossiers; gunicorn {workers} sync workers; wrk {connections} connections, "
        f"{duration} s per scenario",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | HTTP errors | socket errors | SQL queries "
        "| × trivial view |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    trivial = results[0][1].rps if results else None
    for scenario, f in results:
        ratio = f"{f.rps / trivial:.3f}" if trivial else ""
        lines.append(
            f"| {scenario.name} | {f.rps:.1f} | {f.p50_ms:.1f} | {f.p95_ms:.1f} | {f.p99_ms:.1f} | "
            f"{f.non_2xx} | {f.socket_errors} | {scenario.queries} | {ratio} |"
        )
    reception_rate, reception_queries, step_rate, step_queries = writes
    raw_tps, raw_clients = raw
    lines += [
        "",
        "| write (services, no HTTP, 1 client) | per second | SQL queries | × raw PostgreSQL |",
        "|---|---:|---:|---:|",
        f"| counter reception + accept | {reception_rate:.1f} | {reception_queries} | "
        f"{f'{reception_rate / raw_tps:.4f}' if raw_tps else ''} |",
        f"| one step action (forward) | {step_rate:.1f} | {step_queries} | |",
    ]
    if raw_tps:
        lines.append(
            f"| raw PostgreSQL, bench/raw_reception.sql (pgbench, {raw_clients} clients, one transaction) "
            f"| {raw_tps:.1f} | — | 1 |"
        )
    return "\n".join(lines)


def record(path: Path, *, host: str, command: str, table: str) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# Performance\n\nFigures printed by `make bench` (bench/http_pages.py, bench/surge.py), "
            "one section per run and database, newest last.\n"
        )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with path.open("a") as out:
        out.write(f"\n## {now}\n\n- machine: {host}\n- command: `{command}`\n\n{table}\n")


if __name__ == "__main__":
    main()
