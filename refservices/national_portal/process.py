"""Start, stop and drive the reference portal as a child process (tests, demo scripts, benchmarks)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..child import ChildServer
from .app import DEFAULT_PASSWORD, DEFAULT_USERNAME

# Command-line options running_national_portal passes on (keyword -> --option).
_OPTIONS = ("province", "session_ttl", "workers", "threads", "timeout")


class RunningNationalPortal(ChildServer):
    """A portal process on a loopback port, with helpers over its test controls."""

    module = "refservices.national_portal"
    health_path = "/_test/faults"
    stop_grace_seconds = 15.0

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
        super().__init__(port=port)
        self.state_dir = Path(state_dir)
        self.username = username
        self.password = password
        self.options = options

    def arguments(self) -> list[str]:
        """The same state on every (re)start."""
        command = ["--state-dir", str(self.state_dir)]
        command += ["--username", self.username, "--password", self.password]
        for name, value in self.options.items():
            command += [f"--{name.replace('_', '-')}", str(value)]
        return command

    # Helpers over the test controls -----------------------------------------------------------

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
