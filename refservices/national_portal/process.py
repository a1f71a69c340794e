"""Start, stop and drive the reference portal as a child process (tests, demo scripts, benchmarks)."""

from __future__ import annotations

import base64
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
from .app import DEFAULT_PASSWORD, DEFAULT_USERNAME

# Command-line options running_national_portal passes on (keyword -> --option).
_OPTIONS = ("province", "session_ttl", "workers", "threads", "timeout")


class RunningNationalPortal:
    """A portal process on a loopback port, with helpers over its test controls."""

    def __init__(
        self,
        *,
        state_dir: Path,
        port: int | None = None,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        **options: Any,
    ) -> None:
        unknown = set(options) - set(_OPTIONS)
        if unknown:
            raise TypeError(f"unknown portal options: {', '.join(sorted(unknown))}")
        self.state_dir = Path(state_dir)
        self.port = port or free_port()
        self.username = username
        self.password = password
        self.options = options
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start (or restart after ``stop()``) on the same port with the same state."""
        if self._process is not None and self._process.poll() is None:
            return
        repo_root = Path(__file__).resolve().parents[2]
        python_path = os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))
        command = [
            sys.executable,
            "-m",
            "refservices.national_portal",
            "--port",
            str(self.port),
            "--state-dir",
            str(self.state_dir),
            "--username",
            self.username,
            "--password",
            self.password,
        ]
        for name, value in self.options.items():
            command += [f"--{name.replace('_', '-')}", str(value)]
        self._process = subprocess.Popen(
            command, env={**os.environ, "PYTHONPATH": python_path}, stdout=subprocess.DEVNULL
        )
        try:
            wait_until_up(f"{self.url}/_test/faults", process=self._process)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (gunicorn's graceful stop, then a kill if it lingers)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # Helpers over the test controls -----------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def faults(self, **switches: float) -> dict[str, float]:
        """Set the fault switches (replacing the previous ones): fail_status, fail_count, delay_seconds,
        after_commit_delay_seconds, drop_after_commit_count."""
        return self._call("POST", "/_test/faults", switches)["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/_test/faults")

    def received(self) -> list[dict[str, Any]]:
        """Every record received (duplicates and refused ones too), in arrival order."""
        return self._call("GET", "/_test/received")["data"]

    def effects(self) -> list[dict[str, Any]]:
        """The recorded effects, one per idempotency key."""
        return self._call("GET", "/_test/effects")["data"]

    def reset(self) -> None:
        self._call("POST", "/_test/reset", {})

    def submit(self, **fields: Any) -> str:
        """Create a citizen submission (``TaiLieuNop[].NoiDung`` may be bytes); returns its portal code."""
        files = []
        for item in fields.pop("TaiLieuNop", []) or []:
            item = dict(item)
            if isinstance(item.get("NoiDung"), bytes):
                item["NoiDung"] = base64.b64encode(item["NoiDung"]).decode()
            files.append(item)
        return self._call("POST", "/_test/submissions", {**fields, "TaiLieuNop": files})["MaHoSoQuocGia"]


@contextmanager
def running_national_portal(
    state_dir: Path, port: int | None = None, **opts: Any
) -> Iterator[RunningNationalPortal]:
    """Run ``python -m refservices.national_portal`` on a loopback port for the duration of the block.

    ``opts``: username, password, province, session_ttl, workers, threads, timeout.
    """
    portal = RunningNationalPortal(state_dir=state_dir, port=port, **opts)
    try:
        portal.start()
        yield portal
    finally:
        portal.stop()
