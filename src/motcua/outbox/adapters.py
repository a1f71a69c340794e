"""The adapter interface: how a destination receives outbox messages (docs/integrations.md "Delivery").

An adapter is configured per installation in ``settings.MOTCUA_OUTBOX_ADAPTERS`` (motcua.outbox.registry) and
called by the delivery workers (motcua.outbox.dispatcher) with batches of claimed messages. It sends each
message's ``key`` as the idempotency key, so a redelivery is recorded once by the receiver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from motcua.outbox.models import OutboxMessage


class Outcome(StrEnum):
    DELIVERED = "delivered"  # receiver recorded the effect
    DUPLICATE = "duplicate"  # receiver had it already (idempotency key): counts as delivered + redelivery
    RETRY = "retry"  # transient (network, 5xx, timeout, session): back off and try again
    REJECTED = "rejected"  # receiver refused the content (validation, illegal transition): dead letter now


@dataclass(frozen=True)
class Result:
    message_id: int
    outcome: Outcome
    error: str = ""
    http_status: int | None = None


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # lease name, e.g. "national_portal.intake"
    every_seconds: float
    run: Callable[[], object]  # runs in the delivery worker under the lease


class Adapter:
    """Base class. Subclasses set ``ordered`` and implement ``deliver``."""

    ordered: bool = True  # per-stream ordering for this destination
    batch_size: int = 100  # at most this many messages per deliver() call

    def __init__(self, destination: str, options: dict[str, Any]) -> None:
        self.destination = destination
        self.options = dict(options)

    def deliver(self, messages: Sequence[OutboxMessage], *, worker: str) -> list[Result]:
        """One Result per message. Raising = every message RETRY with the exception text."""
        raise NotImplementedError

    def periodic_jobs(self) -> list[PeriodicJob]:
        return []

    def close(self) -> None:
        """Release connections and sessions; called when the worker stops."""


class HttpAdapter(Adapter):
    """An adapter that talks HTTP to its receiver: one ``requests`` session per process, opened at the first
    ``session()`` (in ``deliver``: the constructor does no I/O) and closed by ``close``."""

    def __init__(self, destination: str, options: dict[str, Any]) -> None:
        super().__init__(destination, options)
        self._session: requests.Session | None = None

    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
