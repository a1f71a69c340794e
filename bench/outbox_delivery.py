"""Benchmark: two delivery workers drain a burst of 10,000 outbox messages into the reference national portal.

Run: ``MOTCUA_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_outbox .venv/bin/python
bench/outbox_delivery.py [--messages 10000] [--workers 2] [--portal-workers 3] [--max-seconds 120]``
(``make bench`` runs it on a fresh PostgreSQL database). Several workers need PostgreSQL (row locks with
SKIP LOCKED); on SQLite the benchmark runs one worker.

1. It builds a throw-away test database with Huế's geography, the demo organization and the sample catalog
   and writes the messages through the real writer: dossiers received at the communes' centers, accepted
   and taken through their workflow to the returned result with the engine's services, each change writing
   its status (and progress) messages for the national portal, until ``--messages`` are pending.
2. It starts the reference national portal (gunicorn, ``--portal-workers``) and the delivery workers
   (``python -m motcua deliver``), holds the burst back until the workers are up (``available_at``), then
   releases every message at the same instant.
3. It prints messages per second (release to the last delivery), the delay from availability to delivery
   (``delivered_at`` minus the later of ``created_at`` and the release: p50, p99, max), what each worker
   delivered, and the machine's limits (cores, load). ``--profile`` runs the first worker under cProfile
   and prints where its time went.

Bounded: the workers stop by themselves after ``--max-seconds``, and the benchmark kills what it started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
os.environ.setdefault("MOTCUA_TEST_SQLITE", "/tmp/motcua-bench-outbox.sqlite3")

REPO_ROOT = Path(__file__).resolve().parents[1]
DESTINATION = "national_portal"
# A procedure the counter receives on paper (not online-only), at commune level, on a short workflow.
PROCEDURE = "1.001266"
MOVES = ("forward", "approve", "sign", "issue_number", "return_result")


def _move(*, dossier: Any, by: Any, action: str, **options: Any) -> Any:
    """One movement of the walk: ``sign`` through the engine's sign step (the signing service's path; the
    signature itself is not what this measures), the others through ``perform`` (which refuses ``sign``)."""
    from motcua.dossiers import services
    from motcua.dossiers.services.signature_step import pass_sign_step

    if action == "sign":
        return pass_sign_step(dossier=dossier, by=by, **options)
    return services.perform(dossier=dossier, by=by, action=action, **options)


RELEASE_AFTER_SECONDS = 4.0
PHONE = "0914000111"


def database_url() -> str:
    """The benchmark database (Django's test database) as a DATABASE_URL for the worker processes."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = quote(str(s.get("USER") or ""), safe="")
    password = quote(str(s.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def pending() -> int:
    from motcua.outbox.models import OutboxMessage, Status

    return OutboxMessage.objects.filter(destination=DESTINATION, status=Status.PENDING).count()


def e_form(properties: dict[str, Any], *, unit: str, id_number: str) -> dict[str, Any]:
    """The e-form as the officer fills it: the schema's sample values, the place, the applicant's numbers."""
    from motcua.catalog import forms

    data = forms.sample_data({"type": "object", "properties": properties}) or {}
    for name, schema in properties.items():
        pattern = str(schema.get("pattern", ""))
        if pattern == "^[0-9]{5}$":
            data[name] = unit
        elif pattern == "^[0-9]{12}$":
            data[name] = id_number
        elif pattern.startswith("^[0-9+ ]"):
            data[name] = PHONE
    return data


def write_messages(target: int) -> tuple[int, int, float]:
    """Dossiers through their workflows until ``target`` messages wait: (dossiers, messages, seconds)."""
    from django.utils import timezone

    from motcua.catalog.models import Procedure
    from motcua.dossiers import lookups, services
    from motcua.geo.models import AdministrativeUnit
    from motcua.org import selectors as org_selectors
    from motcua.org.models import ReceptionPoint

    today = timezone.localdate()
    procedure = Procedure.objects.get(code=PROCEDURE)
    version = lookups.version_in_force(procedure=procedure, on=today)
    documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
    properties = (version.form_schema or {}).get("properties") or {}
    communes = list(AdministrativeUnit.objects.valid_on(today).filter(province_code="46", level="commune"))
    desks = []
    for unit in communes:
        committee = lookups.commune_committee_for(unit=unit, on=today)
        point = ReceptionPoint.objects.valid_on(today).filter(agency=committee).order_by("code").first()
        if committee is not None and point is not None:
            desks.append((unit, committee, point))
    staff: dict[tuple[str, int], Any] = {}

    def member(role: str, agency: Any) -> Any:
        if (role, agency.pk) not in staff:
            found = org_selectors.staff_with_role(role=role, agency=agency, on=today).first()
            staff[(role, agency.pk)] = found.user
        return staff[(role, agency.pk)]

    started = time.perf_counter()
    dossiers = 0
    while pending() < target:
        for unit, committee, point in desks:
            id_number = f"046{dossiers:09d}"
            form = e_form(properties, unit=unit.code, id_number=id_number)
            dossier = services.receive_at_counter(
                by=member("reception_officer", committee),
                reception_point=point,
                procedure=procedure,
                place_unit=unit,
                applicant_info=services.ApplicantInfo(
                    name=f"Nguyễn Văn {dossiers}", id_number=id_number, phone=PHONE
                ),
                documents=documents,
                form_data=form,
            )
            dossier = services.accept(dossier=dossier, by=member("reception_officer", committee))
            while dossier.current_step is not None:
                current = dossier.current_step
                action = next(a for a in MOVES if a in current.step.actions)
                dossier = _move(dossier=dossier, by=member(current.role, current.agency), action=action)
            dossiers += 1
            if dossiers % 100 == 0:
                print(f"  {dossiers} dossiers, {pending()} messages for the portal", flush=True)
            if pending() >= target:
                break
    return dossiers, pending(), time.perf_counter() - started


def machine() -> str:
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", memory {pages / 2**30:.1f} GiB"
    except (OSError, ValueError):
        pass
    return f"machine: {cores} cores ({usable} usable by this process){memory}, load average {load}"


def start_worker(n: int, env: dict[str, str], out: Path, max_seconds: float, profile: Path | None) -> Any:
    args = [
        "deliver",
        "--worker-id",
        f"bench-{n}",
        "--destination",
        DESTINATION,
        "--max-seconds",
        str(max_seconds),
    ]
    python = [sys.executable]
    if profile is not None:
        python += ["-m", "cProfile", "-o", str(profile)]
    command = [*python, "-m", "motcua", *args]
    return subprocess.Popen(command, env=env, stdout=out.open("w"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def close_other_connections() -> None:
    """A worker killed in the middle of a query leaves its server process running it: end those, so the
    database can be dropped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def drain(*, count: int, workers: int, portal_workers: int, max_seconds: float, profile: bool) -> None:
    """Release the pending messages at one instant to ``workers`` delivery workers and print the figures."""
    from django.db.models import Count
    from django.utils import timezone

    from motcua.outbox.models import DeliveryAttempt, OutboxMessage, Status
    from refservices.national_portal.process import running_national_portal

    scratch = Path(tempfile.mkdtemp(prefix="motcua-bench-outbox-"))
    profile_path = scratch / "worker-1.prof" if profile else None
    with running_national_portal(scratch / "portal", workers=portal_workers) as portal:
        env = {
            **os.environ,
            "MOTCUA_ENV": "test",
            "MOTCUA_VAR_DIR": str(scratch / "var"),
            "DATABASE_URL": database_url(),
            "MOTCUA_NATIONAL_PORTAL_URL": portal.url,
            "MOTCUA_NATIONAL_PORTAL_USERNAME": portal.username,
            "MOTCUA_NATIONAL_PORTAL_PASSWORD": portal.password,
            "MOTCUA_OUTBOX_POLL_SECONDS": "0.05",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO_ROOT / "src"), str(REPO_ROOT), os.environ.get("PYTHONPATH")])
            ),
            "LOG_LEVEL": "WARNING",
        }
        # Hold the burst back until the workers are up, then release it at one instant.
        release = timezone.now() + dt.timedelta(seconds=RELEASE_AFTER_SECONDS)
        OutboxMessage.objects.filter(destination=DESTINATION, status=Status.PENDING).update(
            available_at=release
        )
        processes = [
            start_worker(n, env, scratch / f"worker-{n}.log", max_seconds, profile_path if n == 1 else None)
            for n in range(1, workers + 1)
        ]
        try:
            deadline = time.monotonic() + RELEASE_AFTER_SECONDS + max_seconds
            while pending() and time.monotonic() < deadline:
                if all(p.poll() is not None for p in processes):
                    break
                time.sleep(0.2)
        finally:
            for process in processes:
                stop(process)
            close_other_connections()
        left = pending()

    rows = list(
        OutboxMessage.objects.filter(destination=DESTINATION, status=Status.DELIVERED).values_list(
            "created_at", "delivered_at"
        )
    )
    delivered = len(rows)
    if not delivered:
        for n in range(1, workers + 1):
            print(f"--- worker {n}:\n{(scratch / f'worker-{n}.log').read_text()[-3000:]}")
        raise SystemExit("nothing was delivered")
    last = max(d for _c, d in rows)
    elapsed = (last - release).total_seconds()
    delays = [(d - max(c, release)).total_seconds() for c, d in rows]
    print(
        f"delivered: {delivered} of {count} in {elapsed:.2f} s after the release: "
        f"{delivered / elapsed:.0f} messages/s with {workers} worker{'s' if workers > 1 else ''} "
        f"(target ≥ 1000/s); {left} left pending"
    )
    print(
        f"delay from availability to delivery: p50 {percentile(delays, 0.5):.2f} s, "
        f"p99 {percentile(delays, 0.99):.2f} s, max {max(delays):.2f} s "
        f"(mean {statistics.fmean(delays):.2f} s)"
    )
    per_worker = (
        DeliveryAttempt.objects.filter(message__destination=DESTINATION)
        .values("worker", "outcome")
        .annotate(n=Count("id"))
        .order_by("worker", "outcome")
    )
    print("attempts: " + ", ".join(f"{r['worker']} {r['outcome']} {r['n']}" for r in per_worker))
    dead = OutboxMessage.objects.filter(destination=DESTINATION, status=Status.DEAD).count()
    redelivered = OutboxMessage.objects.filter(destination=DESTINATION, redeliveries__gt=0).count()
    print(f"dead letters: {dead}; messages sent more than once: {redelivered}")
    print(machine())
    if profile_path is not None and profile_path.exists():
        print(f"--- worker 1 under cProfile ({profile_path}): top 40 by cumulative time")
        pstats.Stats(str(profile_path)).sort_stats("cumulative").print_stats(40)
        print("--- top 30 by own time")
        pstats.Stats(str(profile_path)).sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--portal-workers", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--profile", action="store_true", help="run the first worker under cProfile")
    args = parser.parse_args()

    print(machine())
    with hue_database() as t0:
        from django.db import connection

        workers = args.workers
        if connection.vendor != "postgresql" and workers > 1:
            print(f"{connection.vendor}: one delivery worker (several need PostgreSQL)")
            workers = 1
        print(f"database: {connection.vendor}; Huế world loaded in {time.perf_counter() - t0:.1f} s")
        dossiers, count, seconds = write_messages(args.messages)
        print(
            f"written: {count} messages for the portal from {dossiers} dossiers in {seconds:.1f} s "
            f"({count / seconds:.0f} messages/s through the engine's services)"
        )
        drain(
            count=count,
            workers=workers,
            portal_workers=args.portal_workers,
            max_seconds=args.max_seconds,
            profile=args.profile,
        )


if __name__ == "__main__":
    main()
