"""Kết quả giải quyết in the workspace: attaching a result file, removing one attached by mistake."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.workspace.access import officer_required
from motcua.workspace.forms import ReasonForm, ResultForm
from motcua.workspace.views.dossier import done, dossier_or_404, refused


@officer_required
@require_POST
def attach_result(request: HttpRequest, code: str) -> HttpResponse:
    """Đính kèm kết quả giải quyết (PDF or a scan)."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = ResultForm(request.POST)
    form.is_valid()  # text as typed: the service checks the name and the file
    name = form.cleaned_data["name"]
    try:
        services.attach_result(
            dossier=dossier,
            by=request.user,
            name=name,
            upload=request.FILES.get("file"),
            now=now,
            origin=client_address(request),
        )
    except DomainError as error:
        return refused(request, dossier, now, "result", error, name=name)
    return done(
        request, code, _("Đã đính kèm kết quả “%(name)s”.") % {"name": name.strip()}, anchor="#results-title"
    )


@officer_required
@require_POST
def remove_result(request: HttpRequest, code: str, result_id: int) -> HttpResponse:
    """Gỡ tệp kết quả đính kèm nhầm, with the reason; the file stays on record."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    result = get_object_or_404(dossier.results, pk=result_id)
    form = ReasonForm(request.POST)
    form.is_valid()  # text as typed: the service asks for a reason
    reason = form.cleaned_data["reason"]
    try:
        services.remove_result(
            result=result, by=request.user, reason=reason, now=now, origin=client_address(request)
        )
    except DomainError as error:
        return refused(request, dossier, now, "remove", error, reason=reason, result=str(result_id))
    return done(
        request, code, _("Đã gỡ tệp kết quả “%(name)s”.") % {"name": result.name}, anchor="#results-title"
    )
