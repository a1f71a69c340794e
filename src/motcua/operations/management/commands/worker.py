"""`motcua worker`: the background worker: django-tasks' db_worker (every queue of ``TASK_QUEUES``, the
signing worker's "signing" among them) and the outbox delivery worker (`motcua deliver`) as two child
processes; signals are forwarded and the worker stops when either child exits."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

NAMES = ("db_worker", "deliver")


class Command(BaseCommand):
    help = "Run the background task worker (db_worker) and the outbox delivery worker (deliver) side by side."

    def handle(self, *args: Any, **options: Any) -> None:
        # Own process groups: a Ctrl-C in the terminal reaches the children once, through this process.
        arguments = {"db_worker": ["--queue-name", ",".join(settings.TASK_QUEUES)], "deliver": []}
        children = [
            subprocess.Popen([sys.executable, "-m", "motcua", name, *arguments[name]], process_group=0)
            for name in NAMES
        ]
        stopping: list[int] = []

        def forward(signum: int, frame: object) -> None:
            stopping.append(signum)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.2)
            # One child ended (or we were told to stop): stop the other one too.
            for child in children:
                if child.poll() is None:
                    child.send_signal(stopping[-1] if stopping else signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        if not stopping:
            codes = ", ".join(f"{name}: {c.returncode}" for name, c in zip(NAMES, children, strict=True))
            self.stderr.write(f"a worker process ended ({codes}); stopping")
            sys.exit(1)
