"""``/healthz``: a liveness answer for load balancers, and the trivial view `make bench` measures against; the
site's 500 page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok"}`` without touching the database or the session: the process answers requests."""
    return JsonResponse({"status": "ok"})


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The Vietnamese 500 page (``handler500``) in the site layout. Django's own handler renders it without
    the request; this one gives it the request for the language and the layout, and falls back to rendering it
    without when that fails too (the session, the database or a context processor being what broke)."""
    try:
        body = render_to_string("500.html", {"return_path": "/"}, request=request)
    except Exception:
        body = render_to_string("500.html", {"return_path": "/"})
    return HttpResponseServerError(body)
