"""``/healthz``: a liveness answer for load balancers, and the trivial view `make bench` measures against."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok"}`` without touching the database or the session: the process answers requests."""
    return JsonResponse({"status": "ok"})
