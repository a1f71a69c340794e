"""The citizen's own dossiers: the list, a dossier's page with its timeline and slips, and what the
citizen does there (answer a supplement request, withdraw, rate)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, http_status
from motcua.dossiers import access, files, formview
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.access import Act
from motcua.dossiers.models import Channel, RatingChannel, Satisfaction
from motcua.portal import submissions, tracking
from motcua.portal.forms import NoteForm, RatingForm, read
from motcua.signing import selectors as signing_selectors

LOGIN_URL = reverse_lazy("portal:login")


def own_dossier(request: HttpRequest, code: str) -> Any:
    """The citizen's own dossier; anything else is a 404."""
    try:
        return tracking.my_dossier(code=code, user=request.user, on=timezone.localdate())
    except DomainError as error:
        raise Http404(code) from error


@login_required(login_url=LOGIN_URL)
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = tracking.my_dossiers(user=request.user, on=timezone.localdate())
    to_confirm = tracking.awaiting_my_confirmation(user=request.user)
    return render(request, "portal/my_dossiers.html", {"dossiers": dossiers, "to_confirm": to_confirm})


@login_required(login_url=LOGIN_URL)
@require_GET
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    return _dossier_page(request, own_dossier(request, code))


def _dossier_page(
    request: HttpRequest,
    dossier: Any,
    *,
    error: DomainError | None = None,
    status: int = 200,
    error_target: str = "",
) -> HttpResponse:
    timeline = dossier_selectors.timeline_for(dossier=dossier, user=request.user)
    return render(
        request,
        "portal/my_dossier.html",
        {
            "dossier": dossier,
            "timeline": timeline,
            "supplement": tracking.supplement_request(dossier=dossier),
            "can_withdraw": access.may(request.user, Act.WITHDRAW, dossier, on=timezone.localdate()),
            "withdrawal": dossier_selectors.pending_withdrawal(dossier=dossier),
            "withdrawal_sent": request.GET.get("da_yeu_cau_rut") == "1",
            "stop_notice": dossier_selectors.signed_stop_notice(dossier=dossier),
            "issued_documents": signing_selectors.issued_list_for_applicant(dossier=dossier),
            "error": error,
            "error_target": error_target,  # the input the error summary links the refusal to
            "supplied": request.GET.get("da_bo_sung") == "1",
            "rated": request.GET.get("da_danh_gia") == "1",
            "form_entries": formview.form_entries(dossier),
            "can_rate": dossier_selectors.can_rate(dossier=dossier, user=request.user),
            "satisfaction_levels": Satisfaction.choices,
            "accept": files.ACCEPT,
        },
        status=status,
    )


def _refused(request: HttpRequest, dossier: Any, error: DomainError, *, target: str = "") -> HttpResponse:
    """The dossier's page again with the refusal (linked to the input ``target``); nothing was changed."""
    return _dossier_page(request, dossier, error=error, status=http_status(error), error_target=target)


@login_required(login_url=LOGIN_URL)
@require_POST
def supply(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a supplement request in place: upload the requested documents."""
    dossier = own_dossier(request, code)
    uploads = {name.removeprefix("doc_"): f for name, f in request.FILES.items() if name.startswith("doc_")}
    try:
        submissions.supply(
            user=request.user, dossier=dossier, uploads=uploads, note=read(NoteForm(request.POST))["note"]
        )
    except DomainError as error:
        asked = tracking.supplement_request(dossier=dossier)
        first = next(iter(uploads), "") or (asked.documents[0].code if asked and asked.documents else "")
        return _refused(request, dossier, error, target=f"sup-{first}" if first else "")
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]) + "?da_bo_sung=1")


@login_required(login_url=LOGIN_URL)
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """Đã nộp hồ sơ: the confirmation panel after an online submission (the code, what happens next and when,
    the fee, how the result comes) and the submission receipt to download at once. Online dossiers only."""
    dossier = own_dossier(request, code)
    if dossier.channel != Channel.ONLINE:
        raise Http404(code)
    return render(
        request,
        "portal/submitted.html",
        {"dossier": dossier, "confirmation": tracking.submission_confirmation(dossier=dossier)},
    )


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Yêu cầu rút hồ sơ behind its own page: GET says what withdrawing means and asks the reason; POST sends
    the request (the competent agency decides; national status 7 meanwhile, the appointment stays) and
    returns to the dossier's page saying it was sent. A dossier that can no longer be withdrawn gets the
    reason, no form, and nothing changes."""
    dossier = own_dossier(request, code)
    reason = ""
    error = access.refusal(request.user, Act.WITHDRAW, dossier, on=timezone.localdate())
    if request.method == "POST" and error is None:
        reason = read(NoteForm(request.POST))["reason"]
        try:
            dossier_services.request_withdrawal(
                dossier=dossier, by=request.user, reason=reason, origin="portal"
            )
        except DomainError as exc:
            error = exc
        else:
            return HttpResponseRedirect(
                reverse("portal:my_dossier", args=[dossier.code]) + "?da_yeu_cau_rut=1"
            )
    return render(
        request,
        "portal/withdraw.html",
        {
            "dossier": dossier,
            "error": error,
            "reason": reason,
            "can_withdraw": access.may(request.user, Act.WITHDRAW, dossier, on=timezone.localdate()),
        },
        status=http_status(error) if error else 200,
    )


@login_required(login_url=LOGIN_URL)
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """Đánh giá mức độ hài lòng: once, after the result (or the refusal)."""
    dossier = own_dossier(request, code)
    rating = read(RatingForm(request.POST))
    try:
        dossier_services.rate(
            dossier=dossier,
            by=request.user,
            level=rating["level"],
            comment=rating["comment"],
            channel=RatingChannel.PORTAL,
            origin="portal",
        )
    except DomainError as error:
        target = f"level-{Satisfaction.values[0]}" if error.code == "rating.level" else ""
        return _refused(request, dossier, error, target=target)
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]) + "?da_danh_gia=1")


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Xác nhận hồ sơ: the dossier a reception officer filled in with the citizen (assisted submission,
    Directive 24/CT-TTg) is read, then confirmed and submitted; only by the identity whose ID number it
    carries (another person: not found)."""
    today = timezone.localdate()
    try:
        dossier = dossier_selectors.dossier_to_confirm(code=code, user=request.user, on=today)
    except DomainError as not_found:
        raise Http404(code) from not_found
    error: DomainError | None = None
    if request.method == "POST":
        try:
            dossier = dossier_services.confirm_submission(dossier=dossier, by=request.user, origin="portal")
        except DomainError as exc:
            error = exc
        else:
            return HttpResponseRedirect(reverse("portal:submitted", args=[dossier.code]))
    return render(
        request,
        "portal/confirm_dossier.html",
        {
            "dossier": dossier,
            "form_entries": formview.form_entries(dossier),
            "documents": dossier.documents.all(),
            "error": error,
        },
        status=http_status(error) if error else 200,
    )
