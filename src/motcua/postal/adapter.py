"""The postal service as an outbox destination (``postal``): each ``post.shipment`` message asks it to pick a
dossier up from the citizen or to carry a result to them, and the answer (waybill number, fee) is recorded as
a ``Shipment`` with the dossier's ``shipment_created`` event.

Unordered: shipments of different dossiers are independent, and one dossier has at most one open shipment
per direction (a second request for it is answered from the first). The message's key is the idempotency
key at the postal service, so a redelivery returns the same shipment. No answer, a timeout, 5xx, 401 (a key
being rotated) or 429: RETRY; 4xx about the content (422, 400): REJECTED, a dead letter an operator reads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import requests
from django.conf import settings

from motcua.dossiers.models import Dossier
from motcua.outbox.adapters import HttpAdapter, Outcome, Result
from motcua.postal import services
from motcua.postal.models import Direction

logger = logging.getLogger(__name__)

# The weight declared for a shipment: a paper result (a few sheets in an envelope) and a picked-up dossier.
WEIGHT_GRAMS = {Direction.RESULT: 100, Direction.PICKUP: 250}


class PostalAdapter(HttpAdapter):
    """OPTIONS (each defaults to ``settings.MOTCUA_POSTAL``): ``url``, ``api_key``, ``timeout``,
    ``callback_url``."""

    ordered = False
    batch_size = 20

    def _option(self, name: str, setting: str) -> Any:
        return self.options.get(name) or settings.MOTCUA_POSTAL.get(setting)

    def callback_url(self) -> str:
        explicit = self._option("callback_url", "CALLBACK_URL")
        if explicit:
            return str(explicit)
        return f"{settings.MOTCUA_PUBLIC_BASE_URL}/buu-chinh/callback/"

    def deliver(self, messages: Sequence[Any], *, worker: str) -> list[Result]:
        ids = {_dossier_id(m) for m in messages}
        dossiers = Dossier.objects.select_related("receiving_agency", "reception_point").in_bulk(ids)
        return [self._one(message, dossiers.get(_dossier_id(message))) for message in messages]

    def _one(self, message: Any, dossier: Dossier | None) -> Result:
        payload = message.payload
        direction = payload.get("direction")
        if dossier is None or direction not in Direction.values:
            return Result(message.pk, Outcome.REJECTED, "payload: no such dossier or direction")
        existing = services.open_shipment(dossier_id=dossier.pk, direction=direction)
        if existing is not None and existing.request_key != message.key:
            return Result(message.pk, Outcome.DELIVERED, f"already shipped as {existing.tracking_number}")
        weight = WEIGHT_GRAMS[Direction(direction)]
        sender = settings.MOTCUA_POSTAL.get("SENDER") or dossier.receiving_agency.name
        body = {
            "direction": direction,
            "reference": dossier.code,
            "sender": {"name": sender, "address": dossier.reception_point.name},
            "addressee": {
                "name": payload.get("addressee_name") or dossier.applicant_name,
                "address": payload.get("address") or dossier.applicant_address,
                "phone": payload.get("phone") or dossier.applicant_phone,
            },
            "weight_grams": weight,
            "callback_url": self.callback_url(),
        }
        url = str(self._option("url", "URL")).rstrip("/")
        try:
            answer = self.session().post(
                f"{url}/api/v1/shipments",
                json=body,
                headers={
                    "X-Api-Key": str(self._option("api_key", "API_KEY")),
                    "Idempotency-Key": message.key,
                },
                timeout=float(self._option("timeout", "TIMEOUT_SECONDS") or 10),
            )
        except requests.RequestException as error:
            return Result(message.pk, Outcome.RETRY, f"postal service: {error}")
        status = answer.status_code
        if status in (200, 201):
            try:
                data = answer.json()
                services.record_created(
                    dossier=dossier,
                    request_key=message.key,
                    direction=direction,
                    addressee_name=str(body["addressee"]["name"]),
                    address=str(body["addressee"]["address"]),
                    phone=str(body["addressee"]["phone"] or ""),
                    tracking_number=str(data["tracking_number"]),
                    fee=int(data["fee"]),
                    weight_grams=int(data.get("weight_grams") or weight),
                )
            except (ValueError, KeyError, TypeError) as error:
                return Result(message.pk, Outcome.RETRY, f"postal service answer: {error}", status)
            outcome = Outcome.DUPLICATE if status == 200 else Outcome.DELIVERED
            return Result(message.pk, outcome, http_status=status)
        if 400 <= status < 500 and status not in (401, 408, 429):
            return Result(message.pk, Outcome.REJECTED, answer.text[:500], status)
        return Result(message.pk, Outcome.RETRY, answer.text[:500], status)


def _dossier_id(message: Any) -> int:
    """The dossier a ``post.shipment`` message is about: its aggregate."""
    try:
        return int(message.aggregate_id) if message.aggregate_type == "dossier" else 0
    except (TypeError, ValueError):
        return 0
