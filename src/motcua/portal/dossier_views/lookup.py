"""Tra cứu hồ sơ: the public lookup of a dossier's status by its code and the last 4 digits of the ID,
and rating from there by someone without an account."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DEFAULT_STATUS, DomainError, http_status
from motcua.dossiers import codes
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import RatingChannel, Satisfaction
from motcua.portal import errors as portal_errors  # noqa: F401  (declares the portal's codes in the registry)
from motcua.portal import tracking
from motcua.portal.forms import LOOKUP_INPUTS, LookupForm, RatingForm, lookup_errors, read

# The first choice of the rating (the error summary links a missing level to it).
RATING_INPUT = f"level-{Satisfaction.values[0]}"


def _lookup_page(
    request: HttpRequest,
    *,
    code: str,
    last4: str,
    result: tracking.PublicStatus | None,
    error: DomainError | None,
    rated: bool = False,
    status: int = 200,
    field_errors: dict[str, str] | None = None,
    error_target: str = "",
) -> HttpResponse:
    field_errors = field_errors or {}
    return render(
        request,
        "portal/lookup.html",
        {
            "code": code,
            "last4": last4,
            "result": result,
            "error": error,
            "rated": rated,
            "satisfaction_levels": Satisfaction.choices,
            # The GOV.UK error pattern: the summary links each message to its input.
            "field_errors": field_errors,
            "error_links": [(LOOKUP_INPUTS[name], message) for name, message in field_errors.items()],
            "error_target": error_target,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Public lookup: status and appointment of a dossier by its code and the last 4 digits of the ID.

    The form is sent by POST (CSRF-protected): the ID digits never travel in the address, which proxies
    and access logs keep. GET shows the form; ``?ma=`` (the link and QR code printed on the receipts) fills
    in the code only, put in its form (``dossiers.codes``); any other parameter is ignored."""
    if request.method != "POST":
        code = codes.normalize(request.GET.get("ma", ""))
        return _lookup_page(request, code=code, last4="", result=None, error=None)
    asked = read(LookupForm(request.POST))
    code, last4 = asked["ma_ho_so"], asked["so_cuoi"]
    result = None
    error: DomainError | None = None
    missing = lookup_errors(asked)
    if missing:  # nothing is looked up (nor counted against the visitor) until both are typed right
        return _lookup_page(
            request, code=code, last4=last4, result=None, error=None, field_errors=missing, status=400
        )
    if code or last4:
        try:
            result = tracking.public_lookup(code=code, id_last4=last4, client=client_address(request))
        except DomainError as exc:
            error = exc
    # A lookup that finds nothing is a page with its message (200); a throttled one answers 429.
    status = 200 if error is None or http_status(error) == DEFAULT_STATUS else http_status(error)
    # Nothing found: the summary links to the code, the first thing to check.
    target = "l-code" if error is not None and status == 200 else ""
    return _lookup_page(
        request, code=code, last4=last4, result=result, error=error, status=status, error_target=target
    )


@require_POST
def lookup_rate(request: HttpRequest) -> HttpResponse:
    """Rating by someone without an account: the code and ID ending are checked again, then rated once."""
    asked = read(LookupForm(request.POST))
    code, last4, client = asked["ma_ho_so"], asked["so_cuoi"], client_address(request)
    try:
        dossier = tracking.find_public_dossier(code=code, id_last4=last4, client=client)
    except DomainError as error:
        status = http_status(error)
        return _lookup_page(request, code=code, last4=last4, result=None, error=error, status=status)
    rating = read(RatingForm(request.POST))
    try:
        dossier_services.rate(
            dossier=dossier,
            by=None,
            level=rating["level"],
            comment=rating["comment"],
            channel=RatingChannel.LOOKUP,
            origin="lookup",
        )
    except DomainError as error:
        result = tracking.public_lookup(code=code, id_last4=last4, client=client)
        return _lookup_page(
            request,
            code=code,
            last4=last4,
            result=result,
            error=error,
            status=http_status(error),
            error_target=RATING_INPUT if error.code == "rating.level" else "",
        )
    result = tracking.public_lookup(code=code, id_last4=last4, client=client)
    return _lookup_page(request, code=code, last4=last4, result=result, error=None, rated=True)
