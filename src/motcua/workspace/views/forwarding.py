"""Hồ sơ chuyển tỉnh khác: the dossiers of another province this officer's points received and forwarded
(Decree 118/2025/NĐ-CP, Decree 120/2025/NĐ-CP), their forwarding slip, and recording the post of the
originals."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.clients import client_address
from motcua.core.errors import DomainError, http_status
from motcua.dossiers import access
from motcua.dossiers.access import Act, Page
from motcua.dossiers.forwarding_slip import forwarding_slip_pdf
from motcua.dossiers.models import Forwarding
from motcua.dossiers.selectors import forwarding as forwarding_selectors
from motcua.dossiers.services import forwarding as forwarding_services
from motcua.workspace.access import officer_required, page_required


def _forwarding_or_404(request: HttpRequest, code: str) -> Forwarding:
    try:
        return forwarding_selectors.forwarding_for(user=request.user, code=code, on=timezone.localdate())
    except DomainError as error:
        raise Http404(str(error)) from None


@officer_required
@page_required(Page.FORWARDINGS)
@require_GET
def forwardings(request: HttpRequest) -> HttpResponse:
    rows = list(forwarding_selectors.forwardings_of(user=request.user, on=timezone.localdate()))
    return render(request, "workspace/forwardings.html", {"rows": rows})


@officer_required
@require_http_methods(["GET", "POST"])
def forwarding_page(request: HttpRequest, code: str) -> HttpResponse:
    item = _forwarding_or_404(request, code)
    status = 200
    if request.method == "POST":
        try:
            item = forwarding_services.record_forwarding_post(
                forwarding=item,
                by=request.user,
                tracking_number=request.POST.get("tracking_number", ""),
                destination_agency=request.POST.get("destination_agency", ""),
                origin=client_address(request),
            )
        except DomainError as error:
            messages.error(request, str(error))
            status = http_status(error)
        else:
            messages.success(
                request, _("Đã ghi nhận số hiệu bưu gửi bản gốc hồ sơ %(code)s.") % {"code": item.code}
            )
            return redirect("workspace:forwarding", code=item.code)
    context = {
        "item": item,
        "can_record_post": access.may_forward(
            request.user, Act.RECORD_FORWARDING_POST, item, on=timezone.localdate()
        ),
        "originals_by_post": forwarding_services.ORIGINALS_BY_POST,
    }
    return render(request, "workspace/forwarding.html", context, status=status)


@officer_required
@require_GET
def forwarding_slip(request: HttpRequest, code: str) -> HttpResponse:
    item = _forwarding_or_404(request, code)
    response = HttpResponse(forwarding_slip_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{item.code}-chuyen-ho-so.pdf"'
    return response
