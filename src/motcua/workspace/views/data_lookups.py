"""The auditor's page: staff lookups in the registries made outside a dossier (flagged), to review.

Only an auditor (role ``auditor``) sees it, for the provinces where they hold the role; any other officer
gets a 404. Marking a lookup reviewed goes through ``registries.services.review_lookup``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError, http_status
from motcua.dossiers.access import Page
from motcua.registries import selectors, services
from motcua.workspace.access import officer_required, page_required

PAGE_SIZE = 50


class ReviewForm(forms.Form):
    lookup = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=500, required=False)


@officer_required
@page_required(Page.FLAGGED_LOOKUPS)
@require_http_methods(["GET", "POST"])
def flagged_lookups(request: HttpRequest) -> HttpResponse:
    provinces = selectors.auditor_provinces(user=request.user)
    if not provinces:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            row = selectors.flagged_lookups(provinces=provinces, reviewed=None).filter(
                pk=form.cleaned_data["lookup"]
            )
            lookup = row.first()
            if lookup is None:
                raise Http404
            try:
                services.review_lookup(lookup=lookup, by=request.user, note=form.cleaned_data["note"])
            except DomainError as error:
                messages.error(request, str(error))
                status = http_status(error)
            else:
                messages.success(request, _("Đã ghi nhận việc xem xét."))
                return HttpResponseRedirect(reverse("workspace:flagged_lookups"))
        else:
            messages.error(request, _("Ghi chú không hợp lệ (tối đa 500 ký tự)."))
            status = 400
    reviewed = request.GET.get("xem") == "da-xem-xet"
    rows = selectors.flagged_lookups(provinces=provinces, reviewed=reviewed)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "workspace/flagged_lookups.html",
        {"page": page, "lookups": page.object_list, "reviewed": reviewed},
        status=status,
    )
