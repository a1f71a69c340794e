"""Start, stop and read the SMTP stand-in as a child process (tests, demo scripts)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..child import ChildServer
from ..idp.process import free_port


class RunningSmtp(ChildServer):
    """The SMTP server on ``smtp_port`` and its read API on ``port`` (both loopback)."""

    module = "refservices.smtp"
    health_path = "/healthz"

    def __init__(self, *, port: int | None = None, smtp_port: int | None = None) -> None:
        super().__init__(port=port)
        self.smtp_port = smtp_port or free_port()

    def arguments(self) -> list[str]:
        return ["--smtp-port", str(self.smtp_port)]

    def messages(self, to: str = "") -> list[dict[str, Any]]:
        query = f"?{urllib.parse.urlencode({'to': to})}" if to else ""
        with urllib.request.urlopen(f"{self.url}/messages{query}", timeout=10) as response:
            return json.load(response)

    def clear(self) -> None:
        self._call("DELETE", "/messages")

    def set_faults(self, *, reject: tuple[str, ...] = (), fail: bool = False) -> None:
        self._call("POST", "/_control/faults", {"reject": list(reject), "fail": fail})


@contextmanager
def running_smtp(**options: Any) -> Iterator[RunningSmtp]:
    """Run ``python -m refservices.smtp`` on loopback ports for the duration of the block."""
    server = RunningSmtp(**options)
    try:
        server.start()
        yield server
    finally:
        server.stop()
