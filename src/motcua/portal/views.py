"""Citizen portal pages: home, procedure search, procedure page, login with the national e-ID, logout."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
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
    today = timezone.localdate()
    sectors = selectors.sectors(on=today)
    form = ProcedureSearchForm(sector_choices=[(s.code, s.name) for s in sectors])
    context = {"form": form, "sectors": sectors, "featured": selectors.featured_procedures(on=today)}
    return render(request, "portal/home.html", context)


@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sectors = selectors.sectors(on=today)
    form = ProcedureSearchForm(request.GET, sector_choices=[(s.code, s.name) for s in sectors])
    data = form.cleaned_data if form.is_valid() else {}
    agency = selectors.agency_named(code=data.get("agency", ""), on=today)
    procedures = selectors.search_procedures(
        text=data.get("q", ""),
        field_code=data.get("field", ""),
        level=data.get("level", ""),
        # An agency code that names no agency in force filters nothing out rather than everything.
        agency_code=agency.code if agency else "",
        on=today,
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
            "agency": agency,
            "unknown_agency": "" if agency else data.get("agency", ""),
            "query": query.urlencode(),
            "unfiltered_query": _without(query, "agency"),
            "searched": bool(request.GET),
        },
    )


def _without(query: QueryDict, key: str) -> str:
    rest = query.copy()
    rest.pop(key, None)
    return rest.urlencode()


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


def safe_next(url: str | None, *, fallback: str) -> str:
    """Where to go after the e-ID login: a path on this site only ("/dich-vu-cong/thu-tuc/…/nop/"), never
    another host, a scheme, a protocol-relative "//host" or a backslash trick ("/\\host"): an open
    redirect would let a phishing link send a freshly logged-in citizen anywhere (OWASP, Unvalidated
    Redirects and Forwards)."""
    if (
        url
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and not any(ord(c) < 32 or c == "\\" for c in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    ):
        return url
    return fallback


@require_GET
def login_start(request: HttpRequest) -> HttpResponse:
    """Send the citizen to the national e-ID provider."""
    # Kept in the session across the round trip to the provider, checked both on the way out and back.
    request.session[NEXT_KEY] = safe_next(request.GET.get("next"), fallback=reverse("portal:home"))
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
    return HttpResponseRedirect(safe_next(next_url, fallback=reverse("portal:home")))


def _login_failed(request: HttpRequest, error: DomainError, *, status: int) -> HttpResponse:
    # The header's login and language links must not carry the failed callback's query (code, state,
    # the provider's error text).
    context = {"error": error, "return_path": reverse("portal:home")}
    return render(request, "portal/login_failed.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:home"))
