"""Start and stop the reference identity provider as a child process (tests, demo scripts)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .__main__ import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET


@dataclass(frozen=True)
class RunningIdp:
    issuer: str
    port: int
    client_id: str
    client_secret: str
    pid: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str, *, timeout: float = 20.0, process: subprocess.Popen | None = None, expect_json: bool = True
) -> Any:
    """Poll ``url`` till it answers (JSON unless ``expect_json`` is false); fail early if ``process`` dies."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response) if expect_json else response.read()
        except OSError as exc:
            last = exc
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s: {last}")


@contextmanager
def running_idp(
    *,
    state_dir: Path,
    port: int | None = None,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
) -> Iterator[RunningIdp]:
    """Run ``python -m refservices.idp`` on a free loopback port for the duration of the block."""
    port = port or free_port()
    repo_root = Path(__file__).resolve().parents[2]
    python_path = os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": python_path}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "refservices.idp",
            "--port",
            str(port),
            "--state-dir",
            str(state_dir),
            "--client-id",
            client_id,
            "--client-secret",
            client_secret,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        issuer = f"http://127.0.0.1:{port}"
        wait_until_up(f"{issuer}/.well-known/openid-configuration", process=process)
        yield RunningIdp(
            issuer=issuer, port=port, client_id=client_id, client_secret=client_secret, pid=process.pid
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
