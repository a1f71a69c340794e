"""The national public service portal as an outbox destination (``national_portal``).

Ordered per dossier: the dispatcher hands over at most the head message of each dossier's stream, so the
portal sees every dossier's statuses in event order (it refuses a smaller ``SoThuTuSuKien``). A batch is
grouped by service, one call each: status records in ``DongBoHoSoMC`` (the submission of a dossier with
``isUpdating`` false, the rest true), progress in ``CapNhatTienDoHoSoMC``, ratings in ``DanhGiaHoSo``,
refused intakes in ``XacNhanHoSoMoi``. Outcomes per record: ``00`` delivered (``duplicate``: already had it),
``03``/``04``/``05`` rejected with the portal's message (a dead letter an operator looks at); no answer, a
timeout or a 5xx: every message of the call is retried later with the same idempotency key.

The periodic job ``national_portal.intake`` pulls new submissions (``intake.pull``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from motcua.integrations.national_portal import client as portal_client
from motcua.integrations.national_portal import payloads
from motcua.integrations.national_portal.client import NationalPortalClient, PortalError, TransportError
from motcua.outbox.adapters import Adapter, Outcome, PeriodicJob, Result

logger = logging.getLogger(__name__)

# Answers about the content: sending the same record again cannot succeed.
REJECTING_CODES = frozenset(
    {portal_client.INVALID_FIELD, portal_client.ILLEGAL_TRANSITION, portal_client.UNKNOWN_OBJECT}
)


class NationalPortalAdapter(Adapter):
    """OPTIONS: ``url``, ``username``, ``password``, ``timeout`` (seconds), ``intake_seconds``, ``province``
    (the MaTinh the intake asks for), ``intake_batch`` (submissions per pull)."""

    ordered = True
    batch_size = 100

    def __init__(self, destination: str, options: dict[str, Any]) -> None:
        super().__init__(destination, options)
        self.batch_size = int(self.options.get("batch_size", self.batch_size))
        self._client: NationalPortalClient | None = None

    # --- the session ---------------------------------------------------------------------------------

    def client(self, worker: str = "") -> NationalPortalClient:
        if self._client is None:
            options = self.options
            self._client = NationalPortalClient(
                url=str(options.get("url") or settings.MOTCUA_NATIONAL_PORTAL_URL),
                username=str(options.get("username") or settings.MOTCUA_NATIONAL_PORTAL_USERNAME),
                password=str(options.get("password") or settings.MOTCUA_NATIONAL_PORTAL_PASSWORD),
                timeout=float(options.get("timeout") or settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS),
            )
        if worker:
            self._client.worker = worker
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def periodic_jobs(self) -> list[PeriodicJob]:
        every = float(self.options.get("intake_seconds") or settings.MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS)
        return [PeriodicJob(name="national_portal.intake", every_seconds=every, run=self.pull_intake)]

    def pull_intake(self) -> object:
        """One pull of new submissions (LayHoSoMoi) into the dossier engine."""
        # Imported here: the intake loads the dossier services, which the adapter registry need not.
        from motcua.integrations.national_portal import intake

        return intake.pull(
            client=self.client("intake"),
            province=str(self.options.get("province") or settings.MOTCUA_PROVINCE_CODE),
            limit=int(self.options.get("intake_batch", 50)),
        )

    # --- delivery ------------------------------------------------------------------------------------

    def deliver(self, messages: Sequence[Any], *, worker: str) -> list[Result]:
        portal = self.client(worker)
        batch = payloads.load(messages)
        outcomes: dict[int, Result] = {}
        for service, items in payloads.build(messages, batch).items():
            ready: list[tuple[Any, dict[str, Any]]] = []
            for message, record in items:
                if isinstance(record, payloads.PayloadError):
                    outcomes[message.pk] = Result(message.pk, Outcome.REJECTED, f"payload: {record}")
                else:
                    ready.append((message, record))
            if not ready:
                continue
            if service == payloads.SERVICE_STATUS:
                first = [item for item in ready if item[0].payload.get("event") == "submitted"]
                updates = [item for item in ready if item[0].payload.get("event") != "submitted"]
                calls = [(first, {"isUpdating": False}), (updates, {"isUpdating": True})]
            else:
                calls = [(ready, {})]
            for group, extra in calls:
                if group:
                    outcomes.update(self._call(portal, service, group, extra))
        return [
            outcomes.get(m.pk) or Result(m.pk, Outcome.RETRY, "no outcome recorded for this message")
            for m in messages
        ]

    def _call(
        self,
        portal: NationalPortalClient,
        service: str,
        group: list[tuple[Any, dict[str, Any]]],
        extra: dict[str, Any],
    ) -> dict[int, Result]:
        body = {**extra, "data": [record for _message, record in group]}
        try:
            answer = portal.call(service, body)
        except TransportError as error:
            return {
                m.pk: Result(m.pk, Outcome.RETRY, f"{service}: {error}", error.http_status) for m, _ in group
            }
        except PortalError as error:
            outcome = Outcome.REJECTED if error.code in REJECTING_CODES else Outcome.RETRY
            return {m.pk: Result(m.pk, outcome, f"{service}: {error}", error.http_status) for m, _ in group}
        return _item_results(service, group, answer)


def _item_results(
    service: str, group: list[tuple[Any, dict[str, Any]]], answer: dict[str, Any]
) -> dict[int, Result]:
    """Per-record outcomes, matched by idempotency key (by position when the portal leaves the key out)."""
    results = answer.get("results")
    if not isinstance(results, list):
        results = []
    by_key = {
        str(r.get("IdempotencyKey")): r for r in results if isinstance(r, dict) and r.get("IdempotencyKey")
    }
    outcomes: dict[int, Result] = {}
    for position, (message, _record) in enumerate(group):
        item = by_key.get(message.key)
        if item is None and position < len(results) and isinstance(results[position], dict):
            candidate = results[position]
            item = candidate if not candidate.get("IdempotencyKey") else None
        if item is None:
            outcomes[message.pk] = Result(message.pk, Outcome.RETRY, f"{service}: no result for this record")
            continue
        code = str(item.get("error_code", ""))
        text = " ".join(
            str(part) for part in (code, item.get("field") or "", item.get("message") or "") if part
        )
        if code == portal_client.OK:
            outcome = Outcome.DUPLICATE if item.get("duplicate") else Outcome.DELIVERED
            outcomes[message.pk] = Result(message.pk, outcome)
        elif code in REJECTING_CODES:
            outcomes[message.pk] = Result(message.pk, Outcome.REJECTED, f"{service}: {text}")
        else:
            outcomes[message.pk] = Result(message.pk, Outcome.RETRY, f"{service}: {text}")
    return outcomes
