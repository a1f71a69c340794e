"""``motcua deliver`` beside the served test server: the background worker the browser stories watch
(notifications, payment orders, shipments, the national portal's sync), polling fast, stopped after them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

FAST_POLLING = {
    "MOTCUA_OUTBOX_POLL_SECONDS": "0.2",
    "MOTCUA_OUTBOX_BACKOFF_SECONDS": "0.5",
    "MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS": "2",
}


@contextmanager
def running_delivery_worker(
    env: Mapping[str, str], folder: Path, *, worker_id: str, max_seconds: int
) -> Iterator[None]:
    """One ``motcua deliver`` with ``env`` (plus fast polling), its output in ``folder/worker.log``."""
    with (folder / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "motcua.cli",
                "deliver",
                "--worker-id",
                worker_id,
                "--max-seconds",
                str(max_seconds),
            ],
            env={**env, **FAST_POLLING},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
