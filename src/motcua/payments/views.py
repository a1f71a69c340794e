"""The gateway's callback (signed, idempotent) and the fee receipt page (the citizen's and the officer's)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.fees import MAX_AMOUNT
from motcua.core import callbacks
from motcua.core.errors import DomainError, http_status
from motcua.payments import errors, selectors, services, signatures

logger = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


@csrf_exempt  # a server-to-server call: the HMAC signature is its authentication
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    """``POST /thanh-toan/thong-bao/``: one transfer the gateway reports. 200 recorded (with the matching
    outcome); 400 bad body; 401 bad signature or stale timestamp; 404 an order we do not have; 409 replayed.
    A refused callback changes nothing and is logged."""
    body = request.body[: MAX_BODY + 1]
    headers = request.headers
    try:
        if len(body) > MAX_BODY:
            raise DomainError(errors.BAD_CALLBACK, "body too large")
        signatures.verify(
            body,
            signature=headers.get(signatures.SIGNATURE_HEADER, ""),
            timestamp=headers.get(signatures.TIMESTAMP_HEADER, ""),
        )
        transfer = _parse(body, headers.get(signatures.EVENT_HEADER, ""))
        row = services.record_transfer(provider=settings.MOTCUA_PAYMENTS["PROVIDER"], transfer=transfer)
    except DomainError as error:
        logger.warning(
            "payment callback refused: %s (event %r, from %s)",
            error.code,
            headers.get(signatures.EVENT_HEADER, ""),
            request.META.get("REMOTE_ADDR", ""),
        )
        return JsonResponse({"error": error.code, "message": str(error)}, status=http_status(error))
    logger.info("payment callback recorded: event %s, %s", row.event_id, row.outcome)
    return JsonResponse({"status": "recorded", "outcome": row.outcome, "event_id": row.event_id})


def _parse(body: bytes, header_event: str) -> services.ReportedTransfer:
    try:
        data: Any = json.loads(body)
        if not isinstance(data, dict) or callbacks.holds_nul(data):
            raise ValueError("not an object, or a NUL in it")
        event_id = str(data["event_id"])
        amount = Decimal(str(data["amount"]))
        at = parse_datetime(str(data.get("at") or "")) or timezone.now()
    except (ValueError, KeyError, InvalidOperation, TypeError) as error:
        raise DomainError(errors.BAD_CALLBACK, f"bad callback body: {error}") from None
    if not event_id or len(event_id) > 80 or (header_event and header_event != event_id):
        raise DomainError(errors.BAD_CALLBACK, "event id missing, too long or not the header's")
    if not (amount.is_finite() and 0 < amount <= MAX_AMOUNT and amount == amount.to_integral_value()):
        raise DomainError(errors.BAD_CALLBACK, "amount must be a whole number of đồng, 1 to 10^14 - 1")
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return services.ReportedTransfer(
        event_id=event_id,
        amount=amount,
        content=str(data.get("content") or ""),
        at=at,
        transaction_id=str(data.get("transaction_id") or ""),
        payer_name=str(data.get("payer_name") or ""),
        payer_account=str(data.get("payer_account") or ""),
        reference=str(data.get("order_reference") or ""),
    )


@login_required
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Biên lai điện tử of the dossier ``code`` (HTML, printable), for its applicant and its officers."""
    try:
        payment = selectors.visible_payment(code=code, user=request.user, on=timezone.localdate())
    except DomainError as error:
        raise Http404(code) from error
    found = getattr(payment, "receipt", None)
    if found is None:
        raise Http404(code)
    return render(request, "payments/receipt.html", {"payment": payment, "receipt": found})
