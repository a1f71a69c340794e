"""Helpers of the national portal tests: drain the outbox to the portal in-process, look a dossier up."""

from __future__ import annotations

from typing import Any

import requests
from django.utils import timezone

from motcua.outbox import registry
from motcua.outbox.adapters import Outcome
from motcua.outbox.models import OutboxMessage, Status

DESTINATION = "national_portal"


def adapter():
    found = registry.adapter_for(DESTINATION)
    assert found is not None, "the national portal adapter is not configured"
    return found


def drain(*, worker: str = "test-worker", rounds: int = 200) -> list[Any]:
    """Deliver every pending message of the portal's destination, stream heads first as the dispatcher does;
    stops at the first round where a message must be retried. Returns every Result."""
    results: list[Any] = []
    for _round in range(rounds):
        open_rows = OutboxMessage.objects.filter(
            destination=DESTINATION, status__in=[Status.PENDING, Status.DEAD]
        ).order_by("id")
        heads: dict[str, OutboxMessage] = {}
        for message in open_rows:
            heads.setdefault(message.stream, message)
        batch = [m for m in heads.values() if m.status == Status.PENDING]
        if not batch:
            return results
        outcomes = adapter().deliver(batch, worker=worker)
        results += outcomes
        by_id = {m.pk: m for m in batch}
        retry = False
        for result in outcomes:
            message = by_id[result.message_id]
            message.attempts += 1
            if result.outcome in (Outcome.DELIVERED, Outcome.DUPLICATE):
                message.status, message.delivered_at = Status.DELIVERED, timezone.now()
            elif result.outcome == Outcome.REJECTED:
                message.status, message.dead_at, message.last_error = Status.DEAD, timezone.now(), result.error
            else:
                message.last_error, retry = result.error, True
            message.save(update_fields=["status", "delivered_at", "dead_at", "last_error", "attempts"])
        if retry:
            return results
    raise AssertionError("the outbox did not drain")


def lookup(portal, code: str) -> dict[str, Any]:
    """TraCuuHoSo as any client would call it."""
    session = requests.post(
        f"{portal.url}/api/dang-nhap", json={"username": portal.username, "password": portal.password}, timeout=10
    ).json()["session"]
    answer = requests.post(
        f"{portal.url}/api/TraCuuHoSo",
        json={"MaHoSo": code},
        headers={"Authorization": f"Bearer {session}"},
        timeout=10,
    ).json()
    assert answer["error_code"] == "00", answer
    return answer["data"]
