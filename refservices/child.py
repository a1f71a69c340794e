"""A reference service run as a child process on a loopback port (tests, demo scripts): start it, wait until
it answers, stop it, call its test controls. Each service's ``process.py`` names its module, its options and
the path that says it is up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from .idp.process import free_port, wait_until_up


class ChildServer:
    module: str  # run as ``python -m <module>``
    health_path: str  # answers once the server is up
    stop_grace_seconds: float = 10.0

    def __init__(self, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def arguments(self) -> list[str]:
        """The command-line options after ``--port``."""
        return []

    def control_headers(self) -> dict[str, str]:
        return {}

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
        repo_root = Path(__file__).resolve().parents[1]
        python_path = os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))
        command = [sys.executable, "-m", self.module, "--port", str(self.port), *self.arguments()]
        self._process = subprocess.Popen(
            command, env={**os.environ, "PYTHONPATH": python_path}, stdout=subprocess.DEVNULL
        )
        try:
            wait_until_up(f"{self.url}{self.health_path}", process=self._process)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (gunicorn's graceful stop on SIGTERM, then a kill if it lingers)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=self.stop_grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        """A test control: JSON in, JSON out."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **self.control_headers()},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
