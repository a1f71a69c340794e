"""Citizen portal pages: home, procedure search, procedure page, login with the national e-ID, logout."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import DomainError, http_status
from motcua.portal import errors as portal_errors  # noqa: F401  (declares the portal's codes)

from . import conf, oidc, selectors, services
from .forms import ProcedureSearchForm

NEXT_KEY = "portal_login_next"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    sectors = selectors.sectors(on=timezone.localdate())
    form = ProcedureSearchForm(sector_choices=[(s.code, s.name) for s in sectors])
    return render(request, "portal/home.html", {"form": form, "sectors": sectors})


@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sectors = selectors.sectors(on=today)
    form = ProcedureSearchForm(request.GET, sector_choices=[(s.code, s.name) for s in sectors])
    data = form.cleaned_data if form.is_valid() else {}
    procedures = selectors.search_procedures(
        text=data.get("q", ""), field_code=data.get("field", ""), level=data.get("level", ""), on=today
    )
    page = Paginator(procedures, conf.page_size()).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": bool(request.GET),
        },
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    page = selectors.find_procedure(code=code, on=today)
    if page is None:
        raise Http404(code)
    return render(
        request,
        "portal/procedure.html",
        {
            "page": page,
            "version": page.version,
            "citizen_submission": conf.citizen_submission(),
            "national_portal": conf.NATIONAL_PORTAL_URL,
            # Directive 24/CT-TTg: no paper dossier at the centres; they help the citizen submit online.
            "online_only": page.version.is_online_only(today),
        },
    )


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("portal:home")


@require_GET
def login_start(request: HttpRequest) -> HttpResponse:
    """Send the citizen to the national e-ID provider."""
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    try:
        callback = request.build_absolute_uri(reverse("portal:login_callback"))
        return oidc.start_login(request, redirect_uri=callback)
    except DomainError as error:
        return _login_failed(request, error, status=503)


@require_GET
def login_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the citizen back here with a code; on success the citizen is logged in."""
    try:
        identity = oidc.finish_login(request)
        user = services.sign_in_citizen(
            national_id=identity.national_id,
            full_name=identity.full_name,
            birthdate=identity.claims.get("birthdate"),
            gender=identity.claims.get("gender"),
        )
    except DomainError as error:
        return _login_failed(request, error, status=http_status(error))
    next_url = request.session.pop(NEXT_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session["portal_acr"] = identity.acr
    return HttpResponseRedirect(_safe_next(request, next_url))


def _login_failed(request: HttpRequest, error: DomainError, *, status: int) -> HttpResponse:
    # The header's login and language links must not carry the failed callback's query (code, state,
    # the provider's error text).
    context = {"error": error, "return_path": reverse("portal:home")}
    return render(request, "portal/login_failed.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:home"))
