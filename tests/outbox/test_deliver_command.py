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


def test_motcua_worker_runs_db_worker_and_deliver_and_stops_both_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "MOTCUA_OUTBOX_POLL_SECONDS": "0.2",
    }
    env.pop("DATABASE_URL", None)  # its own SQLite file under tmp_path
    subprocess.run([sys.executable, "-m", "motcua", "migrate", "-v0"], env=env, check=True, timeout=300)
    worker = subprocess.Popen(
        [sys.executable, "-m", "motcua", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        children: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(children) < 2:
            time.sleep(0.5)
            listing = subprocess.run(
                ["ps", "-o", "args=", "--ppid", str(worker.pid)], capture_output=True, text=True
            ).stdout
            children = [line for line in listing.splitlines() if "motcua" in line]
        assert any("db_worker" in c for c in children) and any("deliver" in c for c in children)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        if worker.stdout:
            worker.stdout.close()
