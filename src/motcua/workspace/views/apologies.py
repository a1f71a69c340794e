"""Văn bản xin lỗi in the workspace: the list to sign or draft, drafting one, signing one."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DomainError
from motcua.dossiers import access, selectors, services
from motcua.dossiers.access import Page
from motcua.dossiers.status import time_status
from motcua.org.models import Agency
from motcua.signing import services as signing
from motcua.workspace.access import officer_required, page_required
from motcua.workspace.forms import ApologyDraftForm, SignatureCodeForm, refusal
from motcua.workspace.views.dossier import done, dossier_or_404, refused


@officer_required
@page_required(Page.APOLOGIES)
def apologies(request: HttpRequest) -> HttpResponse:
    """Văn bản xin lỗi: notices waiting for my signature, dossiers of my agencies that need one."""
    now = timezone.now()
    agencies = Agency.objects.filter(pk__in=access.agencies_of(user=request.user, on=timezone.localdate(now)))
    needing = {a.pk: selectors.dossiers_needing_apology(agency_id=a.pk, now=now) for a in agencies}
    prefetch_related_objects([d for rows in needing.values() for d in rows], "procedure")
    return render(
        request,
        "workspace/apologies.html",
        {
            "to_sign": selectors.apologies_to_sign(user=request.user, now=now),
            "agencies": [
                {
                    "agency": agency,
                    "rows": [
                        {"dossier": d, "time_status": time_status(dossier=d, now=now)}
                        for d in needing[agency.pk]
                    ],
                }
                for agency in agencies.order_by("name")
            ],
        },
    )


@officer_required
@require_POST
def draft_apology(request: HttpRequest, code: str) -> HttpResponse:
    """Lập dự thảo văn bản xin lỗi và hẹn lại ngày trả kết quả."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = ApologyDraftForm(request.POST)
    typed = {
        "reason": form.data.get("reason", ""),
        "date": form.data.get("new_date", ""),
        "time": form.data.get("new_time", ""),
    }
    if not form.is_valid():
        return refused(request, dossier, now, "apology", refusal(form), **typed)
    try:
        services.draft_apology(
            dossier=dossier,
            by=request.user,
            reason=form.cleaned_data["reason"],
            new_appointment_at=form.cleaned_data["new_appointment_at"],
            now=now,
            origin=client_address(request),
        )
    except DomainError as error:
        return refused(request, dossier, now, "apology", error, **typed)
    return done(
        request,
        code,
        _("Đã lập dự thảo văn bản xin lỗi; văn bản có hiệu lực khi lãnh đạo ký."),
        anchor="#apology-title",
    )


@officer_required
@require_POST
def sign_apology(request: HttpRequest, code: str, notice_id: int) -> HttpResponse:
    """Lãnh đạo ký văn bản xin lỗi: the new appointment takes effect and the applicant is told."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    notice = get_object_or_404(dossier.apologies, pk=notice_id)
    form = SignatureCodeForm(request.POST)
    form.is_valid()  # the code as typed: the service checks it
    try:
        signing.sign_apology(
            notice=notice,
            by=request.user,
            token=form.cleaned_data["token"],
            now=now,
            origin=client_address(request),
        )
    except DomainError as error:
        return refused(request, dossier, now, "sign", error)
    return done(
        request,
        code,
        _("Đã ký văn bản xin lỗi; ngày hẹn trả kết quả mới đã có hiệu lực."),
        anchor="#apology-title",
    )
