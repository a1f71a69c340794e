"""Start, stop and drive the reference payment gateway as a child process (tests, demo scripts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..child import ChildServer
from .app import DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET, DEFAULT_CONTROL_SECRET


class RunningPayments(ChildServer):
    """A payment gateway process on a loopback port, with helpers over its test controls."""

    module = "refservices.payments"
    health_path = "/healthz"

    def __init__(
        self,
        *,
        port: int | None = None,
        api_key: str = DEFAULT_API_KEY,
        callback_secret: str = DEFAULT_CALLBACK_SECRET,
        control_secret: str = DEFAULT_CONTROL_SECRET,
        callback_url: str = "",
    ) -> None:
        super().__init__(port=port)
        self.api_key = api_key
        self.callback_secret = callback_secret
        self.control_secret = control_secret
        self.callback_url = callback_url

    def arguments(self) -> list[str]:
        return [
            "--api-key",
            self.api_key,
            "--callback-secret",
            self.callback_secret,
            "--control-secret",
            self.control_secret,
            "--callback-url",
            self.callback_url,
        ]

    def control_headers(self) -> dict[str, str]:
        return {"X-Control-Secret": self.control_secret}

    def pay(self, **transfer: Any) -> dict[str, Any]:
        """A bank transfer (amount, content, payer_name, order_reference, deliver, timestamp, event_id): the
        signed callback as made (``body``, ``headers``) and the receiver's HTTP status when delivered."""
        return self._call("POST", "/_control/pay", transfer)

    def callbacks(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_control/callbacks")["data"]

    def reset(self) -> None:
        self._call("DELETE", "/_control/state")


@contextmanager
def running_payments(port: int | None = None, **options: Any) -> Iterator[RunningPayments]:
    """Run ``python -m refservices.payments`` on a loopback port for the duration of the block."""
    gateway = RunningPayments(port=port, **options)
    try:
        gateway.start()
        yield gateway
    finally:
        gateway.stop()
