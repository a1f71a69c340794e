"""The officer's inbox: dossiers waiting for them, filtered, in keyset pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format

from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError
from motcua.dossiers import selectors
from motcua.dossiers.models import Channel, State
from motcua.dossiers.status import TimeStatus, time_status
from motcua.workspace import paging
from motcua.workspace.access import officer_required
from motcua.workspace.forms import InboxDatesForm


def _inbox_filters(params: Any, dates: InboxDatesForm) -> selectors.InboxFilters:
    received_from, received_to = dates.dates()
    return selectors.InboxFilters(
        procedure=params.get("procedure", "").strip()[:40],
        state=params.get("status", "") if params.get("status") in State.values else "",
        channel=params.get("channel", "") if params.get("channel") in Channel.values else "",
        received_from=received_from,
        received_to=received_to,
        query=params.get("q", "").strip()[:100],
    )


def _page_link(filters_query: str, cursor: paging.Cursor | None) -> str:
    parts = [filters_query] if filters_query else []
    if cursor is not None:
        parts.append(urlencode({"cursor": paging.encode(cursor)}))
    return reverse("workspace:inbox") + ("?" + "&".join(parts) if parts else "")


@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    params = request.GET
    dates = InboxDatesForm(params)
    filters = _inbox_filters(params, dates)
    cursor, error = None, ""
    if params.get("cursor"):
        try:
            cursor = paging.decode(params["cursor"])
        except DomainError as exc:
            error = str(exc)
    page = selectors.inbox_page(
        user=request.user,
        now=now,
        filters=filters,
        after=cursor.key if cursor and cursor.forward else None,
        before=cursor.key if cursor and not cursor.forward else None,
        size=paging.PAGE_SIZE,
    )
    number = cursor.number if cursor is not None and page.has_previous else 1
    kept = params.copy()
    kept.pop("cursor", None)
    kept.pop("page", None)
    filters_query = kept.urlencode()
    first, last = page.first_key, page.last_key
    cap = paging.COUNT_CAP
    return render(
        request,
        "workspace/inbox.html",
        {
            "page": page,
            "number": number,
            "rows": [{"dossier": d, "time_status": time_status(dossier=d, now=now)} for d in page.dossiers],
            "params": params,
            "error": error,
            "count": selectors.inbox_count(user=request.user, now=now, filters=filters, cap=cap),
            "count_cap": cap,
            "count_cap_text": f"{cap:,}".replace(",", str(get_format("THOUSAND_SEPARATOR"))),
            "first_url": _page_link(filters_query, None),
            "previous_url": (
                _page_link(filters_query, paging.Cursor(first, forward=False, number=number - 1))
                if page.has_previous and first
                else ""
            ),
            "next_url": (
                _page_link(filters_query, paging.Cursor(last, forward=True, number=number + 1))
                if page.has_next and last
                else ""
            ),
            "procedures": Procedure.objects.filter(
                Q(pk__in=selectors.inbox_procedures(user=request.user, now=now)) | Q(code=filters.procedure)
            ).order_by("code"),
            "states": [(s.value, s.label) for s in (State.IN_PROCESS, State.RESULT_READY)],
            "channels": Channel.choices,
            "time_statuses": TimeStatus,
            "consultations": selectors.open_consultations_for(user=request.user, now=now)
            .select_related("dossier__procedure")
            .order_by("requested_at")[:50],
            "apologies_to_sign": selectors.apologies_to_sign(user=request.user, now=now)[:50],
            "date_errors": dates.errors,
        },
        status=400 if error or dates.errors else 200,
    )
