"""Start, stop and drive the reference postal service as a child process (tests, demo scripts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..child import ChildServer
from .app import DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET


class RunningPostal(ChildServer):
    module = "refservices.postal"
    health_path = "/_test/faults"

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

    def advance(self, tracking_number: str, status: str, **facts: Any) -> dict[str, Any]:
        """Move a shipment on; returns the callback the service made (``body``, ``headers``, ``posted``)."""
        return self._call("POST", f"/_test/shipments/{tracking_number}/advance", {"status": status, **facts})[
            "callback"
        ]

    def callbacks(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_test/callbacks")["data"]

    def faults(self, **switches: float) -> dict[str, float]:
        return self._call("POST", "/_test/faults", switches)["faults"]

    def reset(self) -> None:
        self._call("POST", "/_test/reset", {})
        self._call("DELETE", "/_test/faults")


@contextmanager
def running_postal(port: int | None = None, **options: Any) -> Iterator[RunningPostal]:
    """Run ``python -m refservices.postal`` on a loopback port for the duration of the block."""
    postal = RunningPostal(port=port, **options)
    try:
        postal.start()
        yield postal
    finally:
        postal.stop()
