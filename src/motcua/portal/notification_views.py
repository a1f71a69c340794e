"""The citizen's notifications ("Thông báo"): their own list, newest first, with the unread count; and how
they are told ("Cách nhận thông báo"): channels, and an e-mail address or mobile number confirmed once with a
code sent to it (motcua.notifications)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, http_status
from motcua.notifications import selectors, services
from motcua.notifications.constants import LANGUAGES, Channel

LOGIN_URL = reverse_lazy("portal:login")
PAGE_SIZE = 30


@login_required(login_url=LOGIN_URL)
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(citizen=request.user), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "portal/notifications.html",
        {"page": page, "items": page.object_list, "unread": selectors.unread_count(citizen=request.user)},
    )


@login_required(login_url=LOGIN_URL)
@require_GET
def notification(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.notification_of(citizen=request.user, pk=pk)
    if found is None:
        raise Http404
    services.mark_read(citizen=request.user, notification=found)
    return render(request, "portal/notification.html", {"item": found})


@login_required(login_url=LOGIN_URL)
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(citizen=request.user)
    return HttpResponseRedirect(reverse("portal:notifications"))


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """One page, three forms: send a code to an address, type the code back, choose the channels."""
    citizen = request.user
    error: DomainError | None = None
    error_target = ""
    if request.method == "POST":
        step = request.POST.get("step", "")
        channel = request.POST.get("channel", "")
        try:
            if step == "send":
                services.start_confirmation(
                    citizen=citizen, channel=channel, address=request.POST.get("address", "")
                )
                messages.success(request, _("Đã gửi mã xác nhận. Vui lòng nhập mã để hoàn tất."))
            elif step == "confirm":
                services.confirm_address(citizen=citizen, channel=channel, code=request.POST.get("code", ""))
                messages.success(request, _("Đã xác nhận địa chỉ. Bạn sẽ nhận thông báo qua kênh này."))
            elif step == "channels":
                services.choose_channels(
                    citizen=citizen,
                    by_email=request.POST.get("by_email") == "on",
                    by_sms=request.POST.get("by_sms") == "on",
                    language=request.POST.get("language", "vi"),
                )
                messages.success(request, _("Đã lưu cách nhận thông báo."))
            else:
                raise Http404
        except DomainError as refused:
            error = refused
            # The input the refusal is about, for the error summary's link and the message beside it.
            field = getattr(refused, "field", "")
            if field in ("address", "code") and channel in (Channel.EMAIL, Channel.SMS):
                error_target = f"{field}-{channel}"
        else:
            return HttpResponseRedirect(reverse("portal:notification_settings"))
    preference = services.preference_of(citizen)
    pending = selectors.pending_confirmations(citizen=citizen)
    return render(
        request,
        "portal/notification_settings.html",
        {
            "preference": preference,
            "pending_email": pending.get(Channel.EMAIL),
            "pending_sms": pending.get(Channel.SMS),
            "languages": LANGUAGES,
            "error": error,
            "error_target": error_target,
            "typed_address": str(request.POST.get("address", "")).strip()[:254] if error_target else "",
        },
        status=http_status(error) if error is not None else 200,
    )
