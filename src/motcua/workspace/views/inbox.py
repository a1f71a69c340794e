"""The officer's inbox: dossiers waiting for them, filtered, in keyset pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import ngettext

from motcua.core import jinja
from motcua.core.errors import DomainError
from motcua.dossiers import selectors
from motcua.dossiers.access import Page
from motcua.dossiers.models import Channel, Dossier, State
from motcua.dossiers.status import TimeStatus, time_status
from motcua.workspace import paging
from motcua.workspace.access import officer_required, page_required
from motcua.workspace.forms import InboxDatesForm
from motcua.workspace.time_status_html import time_status_html


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


class InboxRow(NamedTuple):
    """A row of the inbox as the template shows it, its links, dates and truncated names made here: the row
    loop is most of the page's rendering time, and a template tag, filter or include costs far more there. A
    tuple, which the template unpacks (``{% for url, code, … in rows %}``): a local name per field instead of
    an ``Environment.getattr`` call per attribute read (14 a row; issue 13)."""

    url: str
    code: str
    applicant_name: str
    subject_name: str  # whom the dossier concerns ("" when it is the applicant: shown once)
    procedure_name: str
    step_name: str | None  # None: waiting for reception
    step_deadline: str
    appointment: str
    first_appointment: str  # the first appointment when an apology moved it (dossiers/_appointment.html)
    time_status: TimeStatus | None
    time_status_html: SafeString


def _when(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    """``moment|date:"H:i d/m/Y"`` in the current time zone ``zone`` ("" for None)."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y")


def _rows(dossiers: list[Dossier], now: dt.datetime) -> list[InboxRow]:
    link = reverse("workspace:dossier", args=["-"])[:-2]  # the page of a dossier is this + code + "/"
    zone = timezone.get_current_timezone()
    truncated: dict[str, str] = {}  # the page's procedures repeat
    rows = []
    for d in dossiers:
        status = time_status(dossier=d, now=now)
        first = d.initial_appointment_at
        name = d.procedure.name
        procedure_name = truncated.get(name)
        if procedure_name is None:
            procedure_name = truncated[name] = Truncator(name).chars(80)
        rows.append(
            InboxRow(
                url=f"{link}{d.code}/" if _PLAIN(d.code) else reverse("workspace:dossier", args=[d.code]),
                code=d.code,
                applicant_name=d.applicant_name,
                subject_name="" if d.subject_name in ("", d.applicant_name) else d.subject_name,
                procedure_name=procedure_name,
                step_name=d.current_step.step.name if d.current_step else None,
                step_deadline=_when(d.step_deadline, zone),
                appointment=_when(d.appointment_at, zone),
                first_appointment=_when(first, zone) if first and first != d.appointment_at else "",
                time_status=status,
                time_status_html=time_status_html(status),
            )
        )
    return rows


# A code that reverse() would neither quote nor escape as a "." or ".." segment: its link is prefix + code.
_PLAIN = re.compile(r"(?!\.{1,2}$)[A-Za-z0-9._~-]+").fullmatch


@officer_required
@page_required(Page.INBOX)
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
    cap = paging.COUNT_CAP
    page, side = selectors.inbox_page_and_side(  # one round trip for the rows and what is beside them
        user=request.user,
        now=now,
        filters=filters,
        after=cursor.key if cursor and cursor.forward else None,
        before=cursor.key if cursor and not cursor.forward else None,
        size=paging.PAGE_SIZE,
        cap=cap,
    )
    number = cursor.number if cursor is not None and page.has_previous else 1
    kept = params.copy()
    kept.pop("cursor", None)
    kept.pop("page", None)
    filters_query = kept.urlencode()
    first, last = page.first_key, page.last_key
    return jinja.render_page(
        request,
        "workspace/inbox.html",
        {
            "page": page,
            "number": number,
            "rows": _rows(page.dossiers, now),
            "params": params,
            "error": error,
            "count": side.count,
            # {% blocktranslate count %}: the plural is chosen here (Jinja pages write no plural forms).
            "count_text": ngettext("Có %(n)s hồ sơ.", "Có %(n)s hồ sơ.", side.count)
            % {"n": localize(side.count)},
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
            "procedures": side.procedures,
            "states": [(s.value, s.label) for s in (State.IN_PROCESS, State.RESULT_READY)],
            "channels": Channel.choices,
            "time_statuses": TimeStatus,
            "consultations": side.consultations,
            "apologies_to_sign": side.apologies_to_sign,
            "date_errors": dates.errors,
        },
        status=400 if error or dates.errors else 200,
    )
