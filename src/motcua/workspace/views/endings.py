"""Ending a dossier without a result, from its page: the stop notice (form 05: the step holder proposes with
reasons, a leader of the competent agency signs or declines) and the withdrawal request (recorded from the
applicant's written request, decided by a leader of the competent agency). Refusals show beside the form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DomainError, FieldError
from motcua.dossiers import services
from motcua.signing import services as signing
from motcua.workspace.access import officer_required
from motcua.workspace.forms import ReasonForm, StopDecisionForm, WithdrawalDecisionForm
from motcua.workspace.views.dossier import done, dossier_or_404, refused

STOP_ANCHOR = "#stop-title"
WITHDRAWAL_ANCHOR = "#withdrawal-title"


def _first_error(form: Any, default_field: str) -> FieldError:
    name, errors = next(iter(form.errors.items()))
    return FieldError("form.invalid", errors[0], field=name if name != "__all__" else default_field)


@officer_required
@require_POST
def propose_stop(request: HttpRequest, code: str) -> HttpResponse:
    """Đề xuất dừng giải quyết hồ sơ: the officer holding the step writes the reasons."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = ReasonForm(request.POST)
    reasons = form.data.get("reason", "")
    try:
        if not form.is_valid():
            raise _first_error(form, "reason")
        services.propose_stop(
            dossier=dossier, by=request.user, reasons=reasons, now=now, origin=client_address(request)
        )
    except DomainError as error:
        return refused(request, dossier, now, "stop", error, reason=reasons)
    return done(
        request,
        code,
        _("Đã đề xuất dừng giải quyết hồ sơ; lãnh đạo cơ quan có thẩm quyền sẽ quyết định."),
        anchor=STOP_ANCHOR,
    )


@officer_required
@require_POST
def decide_stop(request: HttpRequest, code: str, notice_id: int) -> HttpResponse:
    """The leader of the competent agency signs the stop notice (the dossier ends) or declines it."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    notice = get_object_or_404(dossier.stop_notices, pk=notice_id)
    form = StopDecisionForm(request.POST)
    typed = {"reasons": form.data.get("reasons", ""), "note": form.data.get("note", "")}
    try:
        if not form.is_valid():
            raise _first_error(form, "decision")
        if form.cleaned_data["decision"] == StopDecisionForm.SIGN:
            signing.sign_stop(
                notice=notice,
                by=request.user,
                token=form.cleaned_data["token"],
                reasons=form.cleaned_data["reasons"],
                now=now,
                origin=client_address(request),
            )
            message = _("Đã ký thông báo dừng giải quyết hồ sơ; công dân nhận được thông báo và lý do.")
        else:
            try:
                services.decline_stop(
                    notice=notice,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    now=now,
                    origin=client_address(request),
                )
            except DomainError as error:
                if error.code != "reason.required":
                    raise
                raise FieldError(error.code, str(error), field="note") from None
            message = _("Không đồng ý dừng giải quyết; hồ sơ tiếp tục được giải quyết.")
    except DomainError as error:
        return refused(request, dossier, now, "stop_decision", error, **typed)
    return done(request, code, message, anchor=STOP_ANCHOR)


@officer_required
@require_POST
def record_withdrawal(request: HttpRequest, code: str) -> HttpResponse:
    """A reception officer records the applicant's written withdrawal request."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        if not form.is_valid():
            raise _first_error(form, "reason")
        services.request_withdrawal(
            dossier=dossier, by=request.user, reason=reason, now=now, origin=client_address(request)
        )
    except DomainError as error:
        return refused(request, dossier, now, "withdrawal", error, reason=reason)
    return done(
        request,
        code,
        _("Đã ghi nhận yêu cầu rút hồ sơ; lãnh đạo cơ quan có thẩm quyền sẽ quyết định."),
        anchor=WITHDRAWAL_ANCHOR,
    )


@officer_required
@require_POST
def decide_withdrawal(request: HttpRequest, code: str, request_id: int) -> HttpResponse:
    """The leader of the competent agency accepts the withdrawal (originals, fee) or declines it (reason)."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    withdrawal = get_object_or_404(dossier.withdrawal_requests, pk=request_id)
    form = WithdrawalDecisionForm(request.POST)
    typed = {
        name: form.data.get(name, "") for name in ("originals_returned", "fee_refunded", "fee_note", "reason")
    }
    try:
        if not form.is_valid():
            raise _first_error(form, "decision")
        data = form.cleaned_data
        if data["decision"] == WithdrawalDecisionForm.ACCEPT:
            services.accept_withdrawal(
                request=withdrawal,
                by=request.user,
                originals_returned=data["originals_returned"],
                fee_refunded=data["fee_refunded"],
                fee_note=data["fee_note"],
                now=now,
                origin=client_address(request),
            )
            message = _("Đã chấp nhận yêu cầu rút hồ sơ.")
        else:
            try:
                services.decline_withdrawal(
                    request=withdrawal,
                    by=request.user,
                    reason=data["reason"],
                    now=now,
                    origin=client_address(request),
                )
            except DomainError as error:
                if error.code != "reason.required":
                    raise
                raise FieldError(error.code, str(error), field="reason") from None
            message = _("Đã không chấp nhận yêu cầu rút hồ sơ; hồ sơ tiếp tục được giải quyết.")
    except DomainError as error:
        return refused(request, dossier, now, "withdrawal_decision", error, **typed)
    return done(request, code, message, anchor=WITHDRAWAL_ANCHOR)
