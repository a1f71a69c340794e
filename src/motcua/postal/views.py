"""The postal service's signed status callback, and the printable hand-over record (biên bản giao nhận)."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import DomainError, http_status
from motcua.postal import selectors, services, signatures

logger = logging.getLogger(__name__)


@csrf_exempt  # a server-to-server call, authenticated by its HMAC signature instead of a session
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    """Bưu điện báo trạng thái bưu gửi. A bad signature, an old body, a replay or an unknown shipment
    changes nothing: a 4xx with the reason's code, and a warning in the log."""
    body = request.body
    try:
        data = signatures.verified_body(body, request.headers.get(signatures.HEADER, ""))
        event = services.apply_status_update(data=data)
    except DomainError as error:
        logger.warning(
            "postal callback refused: %s (%s bytes from %s): %s",
            error.code,
            len(body),
            request.META.get("REMOTE_ADDR", ""),
            error,
        )
        return JsonResponse({"error": error.code, "message": str(error)}, status=http_status(error))
    return JsonResponse({"ok": True, "shipment": event.shipment.tracking_number, "status": event.status})


@require_GET
@login_required
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    """Biên bản giao nhận (Decision 45/2016/QĐ-TTg), printable: for the applicant and the involved staff."""
    shipment = selectors.visible_shipment(user=request.user, pk=pk)
    if shipment is None:
        raise Http404
    events = list(shipment.events.order_by("at", "id"))
    return render(
        request,
        "postal/handover.html",
        {"shipment": shipment, "dossier": shipment.dossier, "events": events},
    )
