"""The payment platform as an outbox destination (``payments``): a ``payment.order`` message opens the
dossier's payment here (reference, amount, beneficiary account) and sends the payment order to the gateway.

The national portal's payment platform and a provincial gateway have this shape: an order created with an API
key (``POST {url}/api/orders``, idempotent on ``Idempotency-Key``), the payment made by the citizen (here a
VietQR bank transfer), and a signed callback per transfer to our ``/thanh-toan/thong-bao/`` (motcua.payments
.views.callback). Outcomes: 200/201 delivered, 409 duplicate, other 4xx rejected, 5xx or no answer retried.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import requests
from django.conf import settings

from motcua.core.errors import DomainError
from motcua.outbox.adapters import HttpAdapter, Outcome, PeriodicJob, Result
from motcua.payments import services

logger = logging.getLogger(__name__)

RECONCILE_JOB = "payments.reconcile"


class PaymentsAdapter(HttpAdapter):
    """OPTIONS: ``url``, ``api_key``, ``timeout`` (seconds); settings.MOTCUA_PAYMENTS by default."""

    ordered = False  # orders of different dossiers are independent; one dossier has one order
    batch_size = 50

    def _conf(self, name: str, setting: str) -> Any:
        return self.options.get(name) or settings.MOTCUA_PAYMENTS[setting]

    def periodic_jobs(self) -> list[PeriodicJob]:
        """The daily reconciliation of yesterday's payments, in one worker at a time (the lease)."""
        every = float(self._conf("reconcile_every_seconds", "RECONCILE_EVERY_SECONDS"))
        return [PeriodicJob(name=RECONCILE_JOB, every_seconds=every, run=services.reconcile_yesterday)]

    def deliver(self, messages: Sequence[Any], *, worker: str) -> list[Result]:
        return [self._one(message) for message in messages]

    def _one(self, message: Any) -> Result:
        payload = message.payload or {}
        try:
            payment = services.open_payment(dossier=int(payload["dossier_id"]))
        except DomainError as error:
            return Result(message.pk, Outcome.REJECTED, f"{error.code}: {error}")
        except (KeyError, ValueError, TypeError) as error:
            return Result(message.pk, Outcome.REJECTED, f"payload: {error}")
        url = str(self._conf("url", "GATEWAY_URL")).rstrip("/")
        if not url:
            return Result(message.pk, Outcome.RETRY, "no payment gateway configured")
        order = {
            "reference": payment.reference,
            "amount": int(payment.amount_due),
            "currency": "VND",
            "description": f"{payment.reference} {payload.get('dossier_code', '')}"[:140],
            "dossier_code": payload.get("dossier_code", ""),
            "bank_bin": payment.bank_bin,
            "account_number": payment.account_number,
            "account_name": payment.account_name,
        }
        try:
            answer = self.session().post(
                f"{url}/api/orders",
                json=order,
                headers={"X-Api-Key": str(self._conf("api_key", "API_KEY")), "Idempotency-Key": message.key},
                timeout=float(self._conf("timeout", "TIMEOUT_SECONDS")),
            )
        except requests.RequestException as error:
            return Result(message.pk, Outcome.RETRY, f"orders: {error}")
        status = answer.status_code
        if status in (200, 201, 409):
            try:
                order_id = str(answer.json().get("order_id") or "")
            except ValueError:
                order_id = ""
            if order_id:
                services.mark_ordered(payment_id=payment.pk, order_id=order_id)
            outcome = Outcome.DUPLICATE if status == 409 else Outcome.DELIVERED
            return Result(message.pk, outcome, http_status=status)
        error_text = f"orders: HTTP {status} {answer.text[:300]}"
        if 400 <= status < 500 and status not in (408, 429):
            return Result(message.pk, Outcome.REJECTED, error_text, status)
        return Result(message.pk, Outcome.RETRY, error_text, status)
