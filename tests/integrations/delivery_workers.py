"""Delivery workers as real processes (``python -m motcua deliver``) on the test database, for fault tests.

The test database must be one a subprocess can open: PostgreSQL's ``test_<name>``, or on SQLite a file
(tests/conftest.py gives the session one when a collected test carries the marker ``subprocess_db``).
Every worker started here is killed when its block ends, whatever happened inside it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

# Small delays so that a fault test takes seconds: retry soon after a failure, poll often when idle.
FAST_DELIVERY = {
    "MOTCUA_OUTBOX_POLL_SECONDS": "0.1",
    "MOTCUA_OUTBOX_BACKOFF_SECONDS": "0.2",
    "MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS": "1",
    # A portal down for a few seconds must not exhaust the retry budget: nothing may end in dead letter.
    "MOTCUA_OUTBOX_MAX_ATTEMPTS": "1000",
}


def subprocess_database_url() -> str:
    """The URL of the database this test runs on, for a subprocess's DATABASE_URL."""
    settings_dict = connection.settings_dict
    name = str(settings_dict["NAME"])
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            pytest.skip("the SQLite test database is in memory: mark the test subprocess_db")
        return f"sqlite:///{name}"
    if connection.vendor != "postgresql":
        pytest.skip(f"delivery workers are tested on SQLite and PostgreSQL, not {connection.vendor}")
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(name, safe='')}"


@dataclass
class Worker:
    worker_id: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no handler runs, no answer is waited for, nothing is recorded by the worker."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def worker_environment(portal: Any, var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(var_dir),
        "DATABASE_URL": subprocess_database_url(),
        "MOTCUA_NATIONAL_PORTAL_URL": portal.url,
        "MOTCUA_NATIONAL_PORTAL_USERNAME": portal.username,
        "MOTCUA_NATIONAL_PORTAL_PASSWORD": portal.password,
        **FAST_DELIVERY,
        **overrides,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def delivering(
    portal: Any, var_dir: Path, *, worker_id: str, max_seconds: float = 50, **overrides: str
) -> Iterator[Worker]:
    """One ``motcua deliver`` worker for the national portal for the duration of the block."""
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / f"{worker_id}.log"
    command = [
        sys.executable,
        "-m",
        "motcua",
        "deliver",
        "--worker-id",
        worker_id,
        "--destination",
        "national_portal",
        "--max-seconds",
        str(max_seconds),
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            env=worker_environment(portal, var_dir, **overrides),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(worker_id=worker_id, process=process, log=log)
    try:
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.kill()


def wait_for(
    condition: Callable[[], Any], *, timeout: float, what: str, workers: tuple[Worker, ...] = ()
) -> Any:
    """Poll ``condition`` until it returns something true; fail with the workers' output after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(
                f"--- {w.worker_id} (exit {w.process.poll()}):\n{w.output()[-3000:]}" for w in workers
            )
            raise AssertionError(f"not within {timeout} s: {what}\n{logs}")
        time.sleep(0.1)
