"""Start, stop and drive the reference registries as a child process (tests, demo scripts, benchmarks)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..idp.process import free_port, wait_until_up
from .app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_CONTROL_SECRET


class RunningRegistry:
    """A registries process on a loopback port, with helpers over its test controls."""

    def __init__(
        self,
        *,
        port: int | None = None,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        control_secret: str = DEFAULT_CONTROL_SECRET,
        threads: int = 16,
    ) -> None:
        self.port = port or free_port()
        self.client_id = client_id
        self.client_secret = client_secret
        self.control_secret = control_secret
        self.threads = threads
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start (or restart after ``stop()``) on the same port."""
        if self.running:
            return
        repo_root = Path(__file__).resolve().parents[2]
        python_path = os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))
        command = [
            sys.executable,
            "-m",
            "refservices.registries",
            "--port",
            str(self.port),
            "--client-id",
            self.client_id,
            "--client-secret",
            self.client_secret,
            "--control-secret",
            self.control_secret,
            "--threads",
            str(self.threads),
        ]
        self._process = subprocess.Popen(
            command, env={**os.environ, "PYTHONPATH": python_path}, stdout=subprocess.DEVNULL
        )
        try:
            wait_until_up(f"{self.url}/healthz", process=self._process)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (SIGTERM, then a kill if it lingers)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # Helpers over the test controls -----------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "X-Control-Secret": self.control_secret},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def faults(self, **switches: float) -> dict[str, float]:
        """Set the fault switches (replacing the previous ones): delay_seconds, fail_status, fail_count,
        trickle_seconds."""
        return self._call("POST", "/_control/faults", switches)["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/_control/faults")

    def requests(self) -> list[dict[str, Any]]:
        """The API calls received, oldest first (kind, identifier, fields, purpose, requester, status)."""
        return self._call("GET", "/_control/requests")["data"]

    def forget_requests(self) -> None:
        self._call("DELETE", "/_control/requests")


@contextmanager
def running_registry(port: int | None = None, **options: Any) -> Iterator[RunningRegistry]:
    """Run ``python -m refservices.registries`` on a loopback port for the duration of the block.

    ``options``: client_id, client_secret, control_secret, threads.
    """
    registry = RunningRegistry(port=port, **options)
    try:
        registry.start()
        yield registry
    finally:
        registry.stop()
