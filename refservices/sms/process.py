"""Start, stop and drive the reference SMS gateway as a child process (tests, demo scripts)."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..child import ChildServer
from .app import DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET


class RunningSms(ChildServer):
    module = "refservices.sms"
    health_path = "/healthz"

    def __init__(
        self,
        *,
        port: int | None = None,
        api_key: str = DEFAULT_API_KEY,
        callback_secret: str = DEFAULT_CALLBACK_SECRET,
    ) -> None:
        super().__init__(port=port)
        self.api_key = api_key
        self.callback_secret = callback_secret

    def arguments(self) -> list[str]:
        return ["--api-key", self.api_key, "--callback-secret", self.callback_secret]

    def messages(self, to: str = "") -> list[dict[str, Any]]:
        query = f"?{urllib.parse.urlencode({'to': to})}" if to else ""
        with urllib.request.urlopen(f"{self.url}/_control/messages{query}", timeout=10) as response:
            return json.load(response)

    def receipts(self, *, wait_for: int = 0, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The receipts sent so far; ``wait_for``: wait until at least that many were sent and answered."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._call("GET", "/_control/receipts")
            done = [r for r in found if r["answer_status"] is not None or r["error"] or not r["url"]]
            if len(done) >= wait_for or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def clear(self) -> None:
        self._call("DELETE", "/_control/messages")

    def set_faults(
        self, *, fail: bool = False, reject: tuple[str, ...] = (), undeliverable: tuple[str, ...] = ()
    ) -> None:
        self._call(
            "POST",
            "/_control/faults",
            {"fail": fail, "reject": list(reject), "undeliverable": list(undeliverable)},
        )


@contextmanager
def running_sms(**options: Any) -> Iterator[RunningSms]:
    """Run ``python -m refservices.sms`` on a loopback port for the duration of the block."""
    server = RunningSms(**options)
    try:
        server.start()
        yield server
    finally:
        server.stop()
