"""Gia hạn thời gian giải quyết from the dossier page: one form, one service (``services.extend``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.workspace.access import officer_required
from motcua.workspace.forms import ExtensionForm, refusal
from motcua.workspace.views.dossier import done, dossier_or_404, refused


@officer_required
@require_POST
def extend(request: HttpRequest, code: str) -> HttpResponse:
    """The competent agency extends a same-day limit the catalog lets it extend, with the reason."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = ExtensionForm(request.POST)
    typed = {"reason": form.data.get("reason", ""), "days": form.data.get("days", "")}
    if not form.is_valid():
        return refused(request, dossier, now, "extension", refusal(form), **typed)
    try:
        services.extend(
            dossier=dossier,
            by=request.user,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
            now=now,
            origin=client_address(request),
        )
    except DomainError as error:
        return refused(request, dossier, now, "extension", error, **typed)
    return done(
        request,
        code,
        _("Đã gia hạn thời gian giải quyết; người nộp hồ sơ được thông báo."),
        anchor="#extension-title",
    )
