"""`motcua deliver` end to end on a real HTTP receiver, and `motcua worker` running both workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.outbox.models import AttemptOutcome, DeliveryAttempt, OutboxMessage, Status

from .conftest import DESTINATION, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_deliver_once_sends_every_message_once_in_order_per_stream(receiver):
    write(1, "a1", "a2", "a3")
    write(2, "b1", "b2")
    out = StringIO()
    call_command("deliver", "--once", "--worker-id", "test-worker", stdout=out)
    assert "5 delivered" in out.getvalue()
    assert sorted(receiver.effects) == ["a1", "a2", "a3", "b1", "b2"]
    assert [k for k in receiver.effects if k.startswith("a")] == ["a1", "a2", "a3"]
    assert set(OutboxMessage.objects.filter(destination=DESTINATION).values_list("status", flat=True)) == {
        Status.DELIVERED
    }
    assert set(receiver.workers) == {"test-worker"}


@pytest.mark.django_db
def test_a_receiver_answering_503_is_retried_and_the_failures_are_recorded(receiver):
    write(1, "a1")
    write(2, "b1")
    receiver.fail(503, count=2)
    call_command("deliver", "--once", stdout=StringIO())
    assert sorted(receiver.effects) == ["a1", "b1"]
    failed = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.FAILED)
    assert failed.count() == 4 and set(failed.values_list("http_status", flat=True)) == {503}
    assert OutboxMessage.objects.get(key="a1").failures == 2


@pytest.mark.django_db
def test_a_rejected_message_stops_its_stream_but_not_the_others(receiver):
    receiver.reject_keys = {"a1"}
    write(1, "a1", "a2")
    write(2, "b1")
    call_command("deliver", "--once", stdout=StringIO())
    assert receiver.effects == ["b1"]
    assert OutboxMessage.objects.get(key="a1").status == Status.DEAD
    assert OutboxMessage.objects.get(key="a2").status == Status.PENDING


@pytest.mark.django_db
def test_max_messages_stops_the_worker_and_an_unknown_destination_is_refused(receiver):
    for stream in range(5):
        write(stream, f"k{stream}")
    call_command("deliver", "--max-messages", "2", stdout=StringIO())
    assert len(receiver.effects) == 2
    with pytest.raises(CommandError, match="no adapter configured for nowhere"):
        call_command("deliver", "--destination", "nowhere", "--once")


def _children(pid: int) -> dict[str, int]:
    listing = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    found = {}
    for line in listing.splitlines():
        child, _, args = line.strip().partition(" ")
        for name in ("db_worker", "deliver"):
            if f"motcua {name}" in args:
                found[name] = int(child)
    return found


def _start_worker(env: dict[str, str]) -> tuple[subprocess.Popen, dict[str, int]]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "motcua", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: dict[str, int] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children) < 2:
        time.sleep(0.5)
        children = _children(worker.pid)
    return worker, children


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_motcua_worker_runs_db_worker_and_deliver_and_stops_with_either(tmp_path):
    env = {
        **os.environ,
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "MOTCUA_OUTBOX_POLL_SECONDS": "0.2",
    }
    env.pop("DATABASE_URL", None)  # its own SQLite file under tmp_path
    subprocess.run([sys.executable, "-m", "motcua", "migrate", "-v0"], env=env, check=True, timeout=300)
    started: list[tuple[subprocess.Popen, dict[str, int]]] = []
    try:
        # SIGTERM is forwarded: both children stop and the worker exits cleanly.
        worker, children = _start_worker(env)
        started.append((worker, children))
        assert set(children) == {"db_worker", "deliver"}
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        assert all(_gone(pid) for pid in children.values())

        # A child that dies takes the worker down with it (the supervisor restarts the whole worker).
        worker, children = _start_worker(env)
        started.append((worker, children))
        os.kill(children["deliver"], signal.SIGKILL)
        assert worker.wait(timeout=60) == 1
        deadline = time.monotonic() + 30
        while not _gone(children["db_worker"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _gone(children["db_worker"])
    finally:
        for worker, children in started:
            for pid in [worker.pid, *children.values()]:
                if not _gone(pid):
                    os.kill(pid, signal.SIGKILL)
            worker.wait()
