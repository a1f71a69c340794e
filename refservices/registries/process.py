"""Start, stop and drive the reference registries as a child process (tests, demo scripts, benchmarks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..child import ChildServer
from .app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_CONTROL_SECRET


class RunningRegistry(ChildServer):
    """A registries process on a loopback port, with helpers over its test controls."""

    module = "refservices.registries"
    health_path = "/healthz"

    def __init__(
        self,
        *,
        port: int | None = None,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        control_secret: str = DEFAULT_CONTROL_SECRET,
        threads: int = 16,
    ) -> None:
        super().__init__(port=port)
        self.client_id = client_id
        self.client_secret = client_secret
        self.control_secret = control_secret
        self.threads = threads

    def arguments(self) -> list[str]:
        return [
            "--client-id",
            self.client_id,
            "--client-secret",
            self.client_secret,
            "--control-secret",
            self.control_secret,
            "--threads",
            str(self.threads),
        ]

    def control_headers(self) -> dict[str, str]:
        return {"X-Control-Secret": self.control_secret}

    # Helpers over the test controls -----------------------------------------------------------

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
