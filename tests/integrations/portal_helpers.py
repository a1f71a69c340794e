"""Helpers of the national portal tests: drain the outbox to the portal in-process, look a dossier up."""

from __future__ import annotations

from typing import Any

import requests
from django.utils import timezone

from motcua.outbox import dispatcher, registry
from motcua.outbox.models import OutboxMessage, Status

DESTINATION = "national_portal"


def adapter():
    found = registry.adapter_for(DESTINATION)
    assert found is not None, "the national portal adapter is not configured"
    return found


def drain(*, worker: str = "test-worker", rounds: int = 200) -> dispatcher.BatchReport:
    """``motcua deliver --once`` for the portal, in-process: the dispatcher's batches until nothing is
    deliverable now (a retried message waits for its backoff)."""
    total = dispatcher.BatchReport(destination=DESTINATION)
    for _round in range(rounds):
        report = dispatcher.deliver_batch(worker=worker, destination=DESTINATION, adapter=adapter())
        if not report.claimed:
            return total
        for name in ("claimed", "delivered", "duplicates", "retried", "dead", "stale"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
    raise AssertionError("the outbox did not drain")


def due_now() -> None:
    """Make the messages waiting for their backoff deliverable now."""
    OutboxMessage.objects.filter(destination=DESTINATION, status=Status.PENDING).update(
        available_at=timezone.now()
    )


def call(portal, service: str, body: dict[str, Any]) -> Any:
    """A service of the portal as any client would call it; the answer's data."""
    session = requests.post(
        f"{portal.url}/api/dang-nhap",
        json={"username": portal.username, "password": portal.password},
        timeout=10,
    ).json()["session"]
    answer = requests.post(
        f"{portal.url}/api/{service}", json=body, headers={"Authorization": f"Bearer {session}"}, timeout=10
    ).json()
    assert answer["error_code"] == "00", answer
    return answer["data"]


def lookup(portal, code: str) -> dict[str, Any]:
    """TraCuuHoSo: the dossier's last record, its status history and progress."""
    return call(portal, "TraCuuHoSo", {"MaHoSo": code})


def pending_codes(portal) -> list[str]:
    """The submissions LayHoSoMoi still lists (not yet acknowledged by a sync record or a refusal)."""
    return [item["MaHoSoQuocGia"] for item in call(portal, "LayHoSoMoi", {"MaTinh": "46", "SoLuong": 50})]
