"""Benchmark: registry prefill latency against the reference registries at their full scale.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/registry_prefill.py [--lookups 2000] [--concurrency 1,8]
[--service-lookups 300] [--url URL]`` (``make bench`` runs it; the database is the test database of the
configured ``DATABASE_URL``, created and dropped here).

1. It starts the reference registries (refservices/registries, one gunicorn gthread worker) unless ``--url``
   names a running one.
2. Adapter: ``--lookups`` population lookups of the fields an e-form prefills, for people drawn at random
   (seeded) across all 100,000, through motcua's client (HTTP Basic, purpose header, timeout, retries,
   circuit breaker; the answer cache off), at each ``--concurrency`` (threads). Prints p50, p95, p99, max
   and lookups per second.
3. Service: ``--service-lookups`` prefills as the portal does them, one after the other: the citizen's
   consent stored, then ``registries.services.lookup`` (consent checked, registry asked, audit row written).
   Prints p50, p95, max of the two together. ``--service-lookups 0`` skips it (no database needed).

Tests run it once with tiny numbers (tests/registries/test_bench_smoke.py); they never assert on time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")

FIELDS = ["full_name", "birth_date", "sex", "permanent_address", "current_address"]
PURPOSE = "Điền sẵn tờ khai (benchmark)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lookups", type=int, default=2000, help="adapter lookups per concurrency level")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated thread counts")
    parser.add_argument("--service-lookups", type=int, default=300, help="consent, lookup, audit")
    parser.add_argument("--url", default="", help="a running registries service (default: start one)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=3.0, help="the lookup timeout (TIMEOUT_SECONDS)")
    return parser.parse_args(argv)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(label: str, millis: list[float], seconds: float, failures: int) -> str:
    rate = len(millis) / seconds if seconds > 0 else float("nan")
    return (
        f"{label:<34} n={len(millis):>6}  p50={percentile(millis, 50):7.2f} ms"
        f"  p95={percentile(millis, 95):7.2f} ms"
        f"  p99={percentile(millis, 99):7.2f} ms  max={max(millis, default=float('nan')):7.2f} ms"
        f"  {rate:8.1f}/s  failures={failures}"
    )


def adapter_run(ids: list[str], threads: int) -> tuple[list[float], float, int]:
    from motcua.registries.adapters import RegistryError, client_for

    client = client_for("population")

    def one(identifier: str) -> float | None:
        started = time.perf_counter()
        try:
            client.fetch(identifier, purpose=PURPOSE, fields=FIELDS)
        except RegistryError:
            return None
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(one, ids))
    elapsed = time.perf_counter() - started
    millis = [r for r in results if r is not None]
    return millis, elapsed, len(results) - len(millis)


def service_run(ids: list[str]) -> tuple[list[float], float, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from motcua.core.errors import DomainError
    from motcua.registries import services

    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"cd:{i}", national_id=i, full_name="Benchmark") for i in dict.fromkeys(ids)],
        ignore_conflicts=True,
    )
    users = {u.national_id: u for u in User.objects.filter(national_id__in=ids)}
    text = services.consent_text(registry="population", fields=FIELDS, purpose=PURPOSE)
    millis: list[float] = []
    failures = 0
    started_all = time.perf_counter()
    for identifier in ids:
        started = time.perf_counter()
        try:
            consent = services.record_consent(
                by=users[identifier],
                subject_id=identifier,
                registry="population",
                fields=FIELDS,
                purpose=PURPOSE,
                text=text,
            )
            services.lookup(
                actor=users[identifier],
                registry="population",
                identifier=identifier,
                fields=FIELDS,
                purpose=PURPOSE,
                consent=consent,
            )
        except DomainError:
            failures += 1
            continue
        millis.append((time.perf_counter() - started) * 1000)
    elapsed = time.perf_counter() - started_all
    print(f"  database: {connection.vendor}", flush=True)
    return millis, elapsed, failures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings

    from motcua.registries import adapters
    from refservices.registries import records
    from refservices.registries.process import RunningRegistry, running_registry

    rng = random.Random(args.seed)
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    print(
        f"registry prefill: {records.PEOPLE:,} people, {records.BUSINESSES:,} businesses; "
        f"fields {','.join(FIELDS)}; cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with ExitStack() as stack:
        if args.url:
            registry = RunningRegistry()
            registry.url = args.url.rstrip("/")
        else:
            registry = stack.enter_context(running_registry())
        settings.MOTCUA_REGISTRIES = {
            **settings.MOTCUA_REGISTRIES,
            "URL": registry.url,
            "CLIENT_ID": registry.client_id,
            "CLIENT_SECRET": registry.client_secret,
            "TIMEOUT_SECONDS": args.timeout,
            "CACHE_SECONDS": 0,
            "BREAKER_FAILURES": 1_000_000,
        }
        adapters.reset_breakers()
        # Warm the connection and the server's imports.
        adapter_run([records.person_id(0)] * 5, 1)
        for threads in levels:
            ids = [records.person_id(rng.randrange(records.PEOPLE)) for _ in range(args.lookups)]
            millis, elapsed, failures = adapter_run(ids, threads)
            print(summary(f"adapter, {threads} thread(s)", millis, elapsed, failures), flush=True)
        if args.service_lookups > 0:
            from django.db import connection
            from django.test.utils import setup_test_environment

            setup_test_environment()
            test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
            try:
                ids = [records.person_id(rng.randrange(records.PEOPLE)) for _ in range(args.service_lookups)]
                millis, elapsed, failures = service_run(ids)
                print(summary("consent + lookup + audit row", millis, elapsed, failures), flush=True)
            finally:
                connection.creation.destroy_test_db(test_db, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
