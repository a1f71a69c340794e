"""The fee on the officer's dossier page: ask it during processing (``payments.services.request_payment``,
national status 6 until it arrives) and record its refund (``payments.services.record_refund``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DomainError
from motcua.payments import errors as payment_errors
from motcua.payments import selectors, services
from motcua.workspace.access import officer_required
from motcua.workspace.views.dossier import done, dossier_or_404


@officer_required
@require_POST
def request_payment(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    try:
        services.request_payment(dossier=dossier, by=request.user, now=now, origin=client_address(request))
    except DomainError as error:
        # Shown above the page, next to the panel's button; nothing changed.
        messages.error(request, str(error))
        return redirect(reverse("workspace:dossier", args=[code]) + "#payment-heading")
    return done(
        request,
        code,
        _("Đã yêu cầu thực hiện nghĩa vụ tài chính; người nộp được thông báo số tiền và mã thanh toán."),
        anchor="#payment-heading",
    )


@officer_required
@require_POST
def record_refund(request: HttpRequest, code: str) -> HttpResponse:
    """Hoàn trả phí, lệ phí of a dossier that ended without a result: the amount (default: all that was
    paid) and the reason."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    payment = selectors.payment_of(dossier)
    try:
        if payment is None:
            raise DomainError(
                payment_errors.NOT_REFUNDABLE, _("Hồ sơ này không có khoản phí, lệ phí đã nộp.")
            )
        raw = request.POST.get("amount", "").replace(".", "").strip()
        try:
            amount = Decimal(raw) if raw else None
        except InvalidOperation:
            raise DomainError(payment_errors.NOT_REFUNDABLE, _("Số tiền hoàn trả không hợp lệ.")) from None
        services.record_refund(
            payment=payment,
            amount=amount,
            reason=request.POST.get("reason", "")[:2000],
            by=request.user,
            now=now,
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(reverse("workspace:dossier", args=[code]) + "#payment-heading")
    return done(request, code, _("Đã ghi nhận hoàn trả phí, lệ phí."), anchor="#payment-heading")
