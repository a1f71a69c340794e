"""Workflow steps posted from a dossier's page: one form, the version the page showed, one service per
action; and the answer to a consultation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog.models import Action
from motcua.core import jinja
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, http_status
from motcua.dossiers import errors, selectors, services
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.signing import services as signing
from motcua.workspace.access import officer_required
from motcua.workspace.forms import DossierActionForm
from motcua.workspace.views.dossier import ACTION_LABELS, CONFIRM_FIRST, dossier_or_404, dossier_response


@officer_required
@require_POST
def dossier_action(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = DossierActionForm(request.POST)
    form.is_valid()  # every field is text as typed: the services check it
    data = form.cleaned_data
    action = data["action"]
    if action == "answer_consultation":
        return _answer(request, dossier, data)
    if data["version"] != str(dossier.version):
        return _changed(request, dossier)
    if action not in selectors.allowed_actions(dossier=dossier, user=request.user, now=now):
        messages.error(request, _("Bạn không thể thực hiện thao tác này với hồ sơ ở thời điểm hiện tại."))
        return redirect("workspace:dossier", code=code)
    if action in CONFIRM_FIRST and data["confirm"] != "yes":
        return _confirm(request, dossier, data)
    try:
        _do(dossier, form, by=request.user, origin=client_address(request))
    except DomainError as error:
        if action in CONFIRM_FIRST:  # the confirmation page again, the reason kept, the refusal beside it
            return _confirm(request, dossier_or_404(request, code, now), data, error=error)
        # The page again, with the reason and HTTP 400: nothing was changed.
        messages.error(request, str(error))
        return dossier_response(request, dossier_or_404(request, code, now), now, status=http_status(error))
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("workspace:dossier", code=code)


def _do(dossier: Dossier, form: DossierActionForm, *, by: Any, origin: str) -> None:
    data = form.cleaned_data
    action, reason, missing = data["action"], data["reason"], form.missing_documents()
    if action == "accept":
        services.accept(dossier=dossier, by=by, origin=origin)
    elif action == "request_reception_supplement":
        services.request_reception_supplement(
            dossier=dossier, by=by, missing=missing, reason=reason, origin=origin
        )
    elif action == "refuse_reception":
        services.refuse_reception(dossier=dossier, by=by, reason=reason, origin=origin)
    elif action == Action.REQUEST_SUPPLEMENT:
        services.request_supplement(
            dossier=dossier,
            by=by,
            missing=missing,
            reason=reason,
            explanation=data["explanation"],
            origin=origin,
        )
    elif action == Action.CONSULT:
        agency_id = data["agency"]
        agency = Agency.objects.filter(pk=agency_id).first() if agency_id.isdigit() else None
        if agency is None:
            raise DomainError("consult.no_agency", _("Vui lòng chọn cơ quan được xin ý kiến."))
        services.consult(dossier=dossier, by=by, agency=agency, question=reason, origin=origin)
    elif action == Action.SIGN:
        # Ký số: the second factor again, then the signing worker signs (motcua.signing).
        signing.sign(
            dossier=dossier,
            by=by,
            token=data["token"],
            reason=reason,
            target_step=data["target_step"] or None,
            origin=origin,
        )
    elif action == Action.ISSUE_NUMBER:
        signing.issue(
            dossier=dossier, by=by, reason=reason, target_step=data["target_step"] or None, origin=origin
        )
    elif action == Action.REFUSE:
        # Dừng giải quyết: the leader signs the stop notice, so the second factor again (motcua.signing).
        signing.refuse_at_step(dossier=dossier, by=by, token=data["token"], reason=reason, origin=origin)
    else:
        services.perform(
            dossier=dossier,
            by=by,
            action=action,
            reason=reason,
            target_step=data["target_step"] or None,
            origin=origin,
        )


def _confirm(
    request: HttpRequest, dossier: Dossier, data: dict[str, Any], *, error: DomainError | None = None
) -> HttpResponse:
    """A refusal asks once more before it ends the dossier: a page that says what will happen, with the
    reason typed (still editable) and, for the stop notice, the authenticator's code; nothing changed yet.
    A refusal the service turned down comes back here with its reason (HTTP 400)."""
    return jinja.render_page(
        request,
        "workspace/confirm_refusal.html",
        {
            "dossier": dossier,
            "action": data["action"],
            "reason": data["reason"],
            "action_url": reverse("workspace:dossier_action", args=[dossier.code]),
            "error": str(error) if error is not None else "",
        },
        status=http_status(error) if error is not None else 200,
    )


def _changed(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The page that posted showed an older version of the dossier: act on nothing, offer a reload."""
    error = DomainError(
        errors.CHANGED,
        _("Hồ sơ đã thay đổi kể từ khi bạn mở trang này. Vui lòng tải lại hồ sơ và thực hiện lại thao tác."),
    )
    return render(
        request,
        "workspace/dossier_changed.html",
        {"dossier": dossier, "message": str(error)},
        status=http_status(error),
    )


def _answer(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> HttpResponse:
    consultation_id = data["consultation"]
    consultation = (
        dossier.consultations.filter(pk=consultation_id).first() if consultation_id.isdigit() else None
    )
    if consultation is None:
        raise Http404
    try:
        services.answer_consultation(
            consultation=consultation, by=request.user, answer=data["answer"], origin=client_address(request)
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gửi ý kiến trả lời."))
    return redirect("workspace:dossier", code=dossier.code)
