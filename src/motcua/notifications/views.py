"""The SMS gateway's delivery receipts (a signed callback, no session, no CSRF token: the signature is the
authentication)."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.core import callbacks
from motcua.notifications import services
from motcua.notifications.constants import Channel
from motcua.notifications.signatures import SIGNATURE_HEADER, signature_ok, timestamp_ok

logger = logging.getLogger(__name__)

MAX_BODY = 16 * 1024


def _refuse(status: int, reason: str) -> JsonResponse:
    logger.warning("SMS delivery receipt refused (%s): %s", status, reason)
    return JsonResponse({"error": reason}, status=status)


@csrf_exempt
@require_POST
def sms_receipt(request: HttpRequest) -> JsonResponse:
    options = settings.MOTCUA_NOTIFICATIONS
    body = request.body
    if len(body) > MAX_BODY:
        return _refuse(413, "receipt too large")
    if options.get("SMS_VERIFY_SIGNATURES", True) and not signature_ok(
        body, request.headers.get(SIGNATURE_HEADER, ""), options.get("SMS_CALLBACK_SECRET", "")
    ):
        return _refuse(401, "bad signature")
    try:
        receipt = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _refuse(400, "not JSON")
    if not isinstance(receipt, dict) or callbacks.holds_nul(receipt):
        return _refuse(400, "not a JSON object, or a NUL in it")
    if options.get("SMS_VERIFY_SIGNATURES", True) and not timestamp_ok(
        receipt.get("timestamp"), window_seconds=float(options.get("CALLBACK_WINDOW_SECONDS") or 300)
    ):
        return _refuse(401, "timestamp outside the window")
    try:
        notification = services.record_receipt(channel=Channel.SMS, receipt=receipt)
    except services.ReceiptRefused as refused:
        return _refuse(refused.status, refused.reason)
    return JsonResponse({"recorded": True, "status": notification.status})
