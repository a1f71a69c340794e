"""The citizen's account page: who looked up data about them in the registries, and the consents they gave
(withdrawn here). Law 91/2025/QH15 on personal data protection: the data subject knows how their data is
processed and may withdraw a consent (Art. 4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import DomainError
from motcua.registries import selectors as registry_selectors
from motcua.registries import services as registry_services

LOGIN_URL = reverse_lazy("portal:login")
PAGE_SIZE = 50


@login_required(login_url=LOGIN_URL)
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Tài khoản của tôi: the lookups about me (newest first, paged) and my consents."""
    user = request.user
    national_id = getattr(user, "national_id", "") or ""
    lookups = registry_selectors.lookups_about(national_id)
    page = Paginator(lookups, PAGE_SIZE).get_page(request.GET.get("trang"))
    consents = list(registry_selectors.consents_of(citizen=user)[:PAGE_SIZE])
    return render(
        request,
        "portal/account.html",
        {"national_id": national_id, "page": page, "lookups": page.object_list, "consents": consents},
    )


@login_required(login_url=LOGIN_URL)
@require_POST
def withdraw_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = registry_selectors.consents_of(citizen=request.user).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    try:
        registry_services.withdraw_consent(consent=consent, by=request.user)
    except DomainError as error:  # pragma: no cover - the selector already limits to the citizen's own
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Đã rút lại sự đồng ý. Dữ liệu sẽ không được lấy theo sự đồng ý này nữa.")
        )
    return HttpResponseRedirect(reverse("portal:account") + "#consents")
