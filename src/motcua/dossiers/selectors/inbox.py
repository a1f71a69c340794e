"""An officer's inbox: the dossiers waiting for their role at their agency (and, at reception, new dossiers),
read part by part through the indexes, with keyset pages and capped counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression, F, OrderBy, Q, QuerySet, Value
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.dossiers import access
from motcua.dossiers.constants import INBOX_STATES, RECEPTION_STATES
from motcua.dossiers.models import ApologyNotice, Consultation, Dossier, DossierStep
from motcua.dossiers.selectors.apologies import apologies_to_sign
from motcua.dossiers.selectors.json_rows import (
    CappedCount,
    CompiledSelect,
    Shape,
    compile_select,
    instances,
    join_selects,
    json_rows,
    run_select,
    select,
)
from motcua.org.models import Role

# The inbox order: dossiers waiting for reception (no step deadline) first, then by step deadline; ties by
# submission time and id, so that every dossier has one place and keyset pages never skip or repeat one.
INBOX_ORDER = (F("step_deadline").asc(nulls_first=True), "submitted_at", "id")

# The inbox side's defaults: how many dossiers of each part its procedure filter looks at, how many
# consultations and apology notices it lists.
SIDE_WINDOW = 1000
SIDE_LIMIT = 50

# Where a dossier stands in the inbox order: (step deadline or None, submitted at, id).
InboxKey = tuple[dt.datetime | None, dt.datetime, int]


@dataclass(frozen=True)
class InboxFilters:
    """What the officer narrowed the inbox to; an empty field does not narrow."""

    procedure: str = ""
    state: str = ""
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    query: str = ""

    def condition(self) -> Q:
        condition = Q()
        if self.procedure:
            condition &= Q(procedure__code=self.procedure)
        if self.state:
            condition &= Q(state=self.state)
        if self.channel:
            condition &= Q(channel=self.channel)
        # Ranges on the column itself (not __date) so that an index on it stays usable.
        if self.received_from:
            condition &= Q(received_at__gte=_start_of(self.received_from))
        if self.received_to:
            condition &= Q(received_at__lt=_start_of(self.received_to + dt.timedelta(days=1)))
        if self.query:
            condition &= (
                Q(code__icontains=self.query)
                | Q(legacy_code__icontains=self.query)
                | Q(applicant_name__icontains=self.query)
                | Q(subject_name__icontains=self.query)
            )
        return condition


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class _InboxPart:
    """A piece of the inbox that one index returns in inbox order."""

    condition: Q
    fields: tuple[str, ...]
    waiting: bool  # waiting for reception: no step deadline, before every dossier at a step


def _inbox_parts(*, user: Any, now: dt.datetime, filters: InboxFilters | None = None) -> list[_InboxPart]:
    # The actor is read once per request.
    return _parts_of(access.actor(user, timezone.localdate(now)), filters)


def _parts_of(who: access.Actor, filters: InboxFilters | None = None) -> list[_InboxPart]:
    pairs = sorted({(h.agency_id, h.role) for h in who.held})
    staff_id = who.staff_id
    mine = Q(step_assignee__isnull=True) | Q(step_assignee_id=staff_id)
    parts = [
        _InboxPart(
            Q(step_agency_id=agency_id, step_role=role, state__in=INBOX_STATES) & mine,
            ("step_deadline", "submitted_at", "id"),
            waiting=False,
        )
        for agency_id, role in pairs
    ]
    receiving = sorted({a for a, role in pairs if role in (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF)})
    if receiving:
        # Two disjoint parts, so that the usual one (received here) is read in order from its index.
        here = Q(state__in=RECEPTION_STATES, receiving_agency_id__in=receiving)
        elsewhere = Q(state__in=RECEPTION_STATES, competent_agency_id__in=receiving) & ~Q(
            receiving_agency_id__in=receiving
        )
        parts[:0] = [_InboxPart(q, ("submitted_at", "id"), waiting=True) for q in (here, elsewhere)]
    if filters is not None and filters.query and who.archive:
        parts += _archive_parts(who.archive, parts)
    return parts


def _archive_parts(archive: frozenset[int], waiting_for_me: list[_InboxPart]) -> list[_InboxPart]:
    """A search (by code, old code, name) also reaches the archive of the ended agencies the officer's took
    over (``access.archive_agencies``), minus what the other parts hold already: two parts, without and with
    a step deadline, so that each keeps its place in the inbox order."""
    ids = sorted(archive)
    condition = Q(receiving_agency_id__in=ids) | Q(competent_agency_id__in=ids)
    for part in waiting_for_me:
        condition &= ~part.condition
    return [
        _InboxPart(condition & Q(step_deadline__isnull=True), ("submitted_at", "id"), waiting=True),
        _InboxPart(
            condition & Q(step_deadline__isnull=False), ("step_deadline", "submitted_at", "id"), waiting=False
        ),
    ]


def inbox_for(*, user: Any, now: dt.datetime) -> QuerySet[Dossier]:
    """Dossiers waiting for this user, in inbox order.

    Those whose current step waits for their role at the step's agency (free or assigned to them),
    and, for reception officers and postal staff, new dossiers waiting to be received at their
    agency (as receiving or competent agency), oldest first. For pages use ``inbox_page``: it reads each
    part through its own index.
    """
    condition = Q(pk__in=[])
    for part in _inbox_parts(user=user, now=now):
        condition |= part.condition
    return (
        Dossier.objects.filter(condition)
        .select_related("procedure", "current_step", "current_step__step")
        .order_by(*INBOX_ORDER)
    )


@dataclass(frozen=True)
class InboxPage:
    dossiers: list[Dossier]
    has_previous: bool
    has_next: bool

    @property
    def first_key(self) -> InboxKey | None:
        return inbox_key(self.dossiers[0]) if self.dossiers else None

    @property
    def last_key(self) -> InboxKey | None:
        return inbox_key(self.dossiers[-1]) if self.dossiers else None


def inbox_key(dossier: Dossier) -> InboxKey:
    return (dossier.step_deadline, dossier.submitted_at, dossier.pk)


def _seek(fields: tuple[str, ...], values: tuple[Any, ...], *, forward: bool) -> Q:
    """Rows strictly after (or before) ``values`` in the order of ``fields``; the first term lets the index
    start at the right place."""
    op = "gt" if forward else "lt"
    condition = Q(pk__in=[])
    for n, name in enumerate(fields):
        equal = {field: value for field, value in zip(fields[:n], values[:n], strict=True)}
        condition |= Q(**equal, **{f"{name}__{op}": values[n]})
    return Q(**{f"{fields[0]}__{op}e": values[0]}) & condition


def _part_keys(
    part: _InboxPart, narrow: Q, key: InboxKey | None, *, forward: bool, limit: int
) -> QuerySet[Dossier, Any] | None:
    """The ids of the first ``limit`` rows of ``part`` from ``key`` on, read in its index's order (None: the
    whole part lies on the other side of the key)."""
    rows = Dossier.objects.filter(part.condition, narrow)
    if key is not None:
        deadline, submitted_at, pk = key
        at_a_step = deadline is not None
        if (part.waiting and at_a_step and forward) or (not part.waiting and not at_a_step and not forward):
            return None
        if part.waiting == (not at_a_step):
            values = (submitted_at, pk) if part.waiting else (deadline, submitted_at, pk)
            rows = rows.filter(_seek(part.fields, values, forward=forward))
    order = part.fields if forward else tuple(f"-{f}" for f in part.fields)
    return rows.order_by(*order).values("pk")[:limit]


def _reverse(order: str | OrderBy) -> str | OrderBy:
    if isinstance(order, str):
        return order[1:] if order.startswith("-") else f"-{order}"
    # Nulls come first going forward, so last going back.
    return OrderBy(order.expression, descending=not order.descending, nulls_last=bool(order.nulls_first))


def inbox_page(
    *,
    user: Any,
    now: dt.datetime,
    filters: InboxFilters | None = None,
    after: InboxKey | None = None,
    before: InboxKey | None = None,
    size: int = 25,
) -> InboxPage:
    """One page of the inbox by keyset, in ONE query: the ``size`` dossiers after ``after`` (or before
    ``before``; neither: the first page). Each part of the inbox is a LIMITed subquery read through its
    index from the key on, so a deep page costs what the first page costs, whatever the number of dossiers;
    the outer query merges the parts in inbox order and returns the rows the page shows, with their
    procedure and current step, as one JSON array. A search also reaches the archive of the ended agencies
    the officer's took over (``_archive_parts``). The first page's SQL depends only on the officer's
    positions, that archive and the filters: it is compiled once per process for each of them
    (``_page_sql``)."""
    db = Dossier.objects.db
    who = access.actor(user, timezone.localdate(now))  # read once per request
    compiled = _page_select(who, filters, after, before, size, db)
    page = _page_of(run_select(compiled, db), after, before, size, db)
    if page is None:  # back at the start (or rows moved away meanwhile): a full first page
        return inbox_page(user=user, now=now, filters=filters, size=size)
    return page


def inbox_page_and_side(
    *,
    user: Any,
    now: dt.datetime,
    filters: InboxFilters | None = None,
    after: InboxKey | None = None,
    before: InboxKey | None = None,
    size: int = 25,
    cap: int,
) -> tuple[InboxPage, InboxSide]:
    """``inbox_page`` and ``inbox_side`` (with its default window and limit) in ONE round trip: the inbox
    page's two reads as one statement of uncorrelated subqueries (``join_selects``)."""
    db = Dossier.objects.db
    who = access.actor(user, timezone.localdate(now))
    page_sql = _page_select(who, filters, after, before, size, db)
    side_sql = _side_select(who, filters, cap, SIDE_WINDOW, SIDE_LIMIT, db)
    found = run_select(join_selects(page_sql, side_sql), db)
    names = page_sql[0]
    page = _page_of({n: found[n] for n in names}, after, before, size, db)
    side = _side_of({n: v for n, v in found.items() if n not in names}, cap, db)
    if page is None:
        page = inbox_page(user=user, now=now, filters=filters, size=size)
    return page, side


def _page_select(
    who: access.Actor,
    filters: InboxFilters | None,
    after: InboxKey | None,
    before: InboxKey | None,
    size: int,
    db: str,
) -> CompiledSelect:
    forward = before is None
    key = after if forward else before
    cache_key = (db, who.held, who.staff_id, who.archive, filters, size) if key is None else None
    compiled = _page_sql.get(cache_key) if cache_key is not None else None
    if compiled is None:
        compiled = _compile_page(_parts_of(who, filters), filters, key, forward=forward, size=size, db=db)
        if cache_key is not None:
            if len(_page_sql) >= _SQL_KEPT:
                _page_sql.clear()
            _page_sql[cache_key] = compiled
    return compiled


def _page_of(
    found: dict[str, Any], after: InboxKey | None, before: InboxKey | None, size: int, db: str
) -> InboxPage | None:
    """The page in the rows ``_page_select`` found; None for a page before the first (read the first)."""
    forward = before is None
    dossiers = instances(_INBOX_ROW, found["rows"], db)
    dossiers.sort(key=inbox_order)
    more = len(dossiers) > size
    if not forward and not more:
        return None
    if forward:
        return InboxPage(dossiers[:size], has_previous=after is not None, has_next=more)
    return InboxPage(dossiers[-size:], has_previous=True, has_next=True)


def inbox_order(dossier: Dossier) -> tuple[bool, dt.datetime | None, dt.datetime, int]:
    """Sort key of ``INBOX_ORDER`` (no step deadline first)."""
    return (dossier.step_deadline is not None, dossier.step_deadline, dossier.submitted_at, dossier.pk)


# What an inbox row shows and needs (``time_status``): the dossier, its procedure and current step.
# Only these columns (the others deferred: PostgreSQL's json_build_object takes at most 100 arguments).
_INBOX_ROW = Shape(
    Dossier,
    fields=(
        "code",
        "applicant_name",
        "subject_name",
        "state",
        "procedure_id",
        "competent_agency_id",
        "current_step_id",
        "submitted_at",
        "step_deadline",
        "appointment_at",
        "initial_appointment_at",
        "finished_at",
        "closed_at",
        "paused_at",
        "paused_remaining_hours",
        "supplement_count",
    ),
    related={"current_step": Shape(DossierStep, shared={"step": "catalog"})},
    # From the catalog's snapshot, not joined (``Shape.shared``).
    shared={"procedure": "catalog"},
)


def _compile_page(
    parts: list[_InboxPart],
    filters: InboxFilters | None,
    key: InboxKey | None,
    *,
    forward: bool,
    size: int,
    db: str,
) -> CompiledSelect:
    narrow = (filters or InboxFilters()).condition()
    condition = Q(pk__in=[])
    for part in parts:
        ids = _part_keys(part, narrow, key, forward=forward, limit=size + 1)
        if ids is not None:
            condition |= Q(pk__in=ids)
    order = INBOX_ORDER if forward else tuple(_reverse(o) for o in INBOX_ORDER)
    return compile_select(
        db, rows=json_rows(Dossier.objects.filter(condition).order_by(*order)[: size + 1], _INBOX_ROW)
    )


def _count(parts: list[_InboxPart], filters: InboxFilters | None, cap: int) -> Expression:
    """How many dossiers the (filtered) inbox holds, counting at most ``cap + 1`` in each part (a LIMITed
    subquery: a long queue is never scanned whole)."""
    narrow = (filters or InboxFilters()).condition()
    counts: list[Any] = [
        CappedCount(Dossier.objects.filter(part.condition, narrow).order_by().values("pk")[: cap + 1])
        for part in parts
    ]
    return sum(counts[1:], counts[0]) if counts else Value(0)


def inbox_count(*, user: Any, now: dt.datetime, filters: InboxFilters | None = None, cap: int) -> int:
    """How many dossiers the (filtered) inbox holds, counting at most ``cap + 1``: more than ``cap`` means
    "more than cap"."""
    parts = _inbox_parts(user=user, now=now, filters=filters)
    return min(int(select(count=_count(parts, filters, cap))["count"] or 0), cap + 1)


def _procedure_ids(parts: list[_InboxPart], window: int) -> Q:
    condition = Q(pk__in=[])
    for part in parts:
        ids = Dossier.objects.filter(part.condition).order_by(*part.fields).values("procedure_id")[:window]
        condition |= Q(pk__in=ids)
    return condition


def inbox_procedures(*, user: Any, now: dt.datetime, window: int = SIDE_WINDOW) -> list[int]:
    """Ids of the procedures among the first ``window`` dossiers of each part of the inbox: what a procedure
    filter offers, read from the index (a distinct over a whole long queue would scan all of it)."""
    return sorted(
        Procedure.objects.filter(_procedure_ids(_inbox_parts(user=user, now=now), window)).values_list(
            "pk", flat=True
        )
    )


_PROCEDURE = Shape(Procedure, fields=("code", "name"))
_DOSSIER_LINK = Shape(Dossier, fields=("code", "procedure_id"), shared={"procedure": "catalog"})
_CONSULTATION = Shape(Consultation, related={"dossier": _DOSSIER_LINK})
_APOLOGY = Shape(ApologyNotice, related={"dossier": _DOSSIER_LINK}, shared={"drafted_by": "org"})


@dataclass(frozen=True)
class InboxSide:
    """What the inbox page shows beside its rows: the count (at most ``cap + 1``), the procedures its filter
    offers, the consultations asked of the officer's agencies and the apology notices waiting for their
    signature."""

    count: int
    procedures: list[Procedure]
    consultations: list[Consultation]
    apologies_to_sign: list[ApologyNotice]


def inbox_side(
    *,
    user: Any,
    now: dt.datetime,
    filters: InboxFilters | None = None,
    cap: int,
    window: int = SIDE_WINDOW,
    limit: int = SIDE_LIMIT,
) -> InboxSide:
    """``InboxSide`` in ONE query (uncorrelated subqueries, each a JSON array or a capped count).

    Its SQL is a function of the officer's positions on the day and of the arguments only (never of the
    time of day), so it is compiled once per process for each of them (``_side_sql``): building and
    compiling it cost more Python than the rest of the page."""
    db = Dossier.objects.db
    who = access.actor(user, timezone.localdate(now))
    return _side_of(run_select(_side_select(who, filters, cap, window, limit, db), db), cap, db)


def _side_select(
    who: access.Actor, filters: InboxFilters | None, cap: int, window: int, limit: int, db: str
) -> CompiledSelect:
    key = _SideKey(db, who.user_id, who.on, who.held, who.staff_id, who.archive, filters, cap, window, limit)
    compiled = _side_sql.get(key)
    if compiled is None:
        if len(_side_sql) >= _SQL_KEPT:
            _side_sql.clear()
        compiled = _side_sql[key] = _compile_side(who, filters, cap, window, limit, db)
    return compiled


def _side_of(found: dict[str, Any], cap: int, db: str) -> InboxSide:
    return InboxSide(
        count=min(int(found["count"] or 0), cap + 1),
        procedures=instances(_PROCEDURE, found["procedures"], db, ("code",)),
        consultations=instances(_CONSULTATION, found["consultations"], db, ("requested_at", "id")),
        apologies_to_sign=instances(_APOLOGY, found["apologies"], db, ("drafted_at", "id")),
    )


@dataclass(frozen=True)
class _SideKey:
    """Everything the SQL of ``inbox_side`` depends on."""

    db: str
    user_id: int | None
    on: dt.date
    held: tuple[access.Held, ...]
    staff_id: int | None
    archive: frozenset[int]
    filters: InboxFilters | None
    cap: int
    window: int
    limit: int


# Compiled ``inbox_side`` queries by what they depend on.
_side_sql: dict[_SideKey, CompiledSelect] = {}
# Compiled first pages of the inbox by what they depend on (``inbox_page``).
_page_sql: dict[Hashable, CompiledSelect] = {}
_SQL_KEPT = 2000  # compiled queries kept in each of these (then started afresh)


def _compile_side(
    who: access.Actor, filters: InboxFilters | None, cap: int, window: int, limit: int, db: str
) -> CompiledSelect:
    parts = _parts_of(who, filters)
    now = _start_of(who.on)  # the selectors below read only the day from it
    chosen = Q(code=filters.procedure) if filters and filters.procedure else Q(pk__in=[])
    procedures = Procedure.objects.filter(_procedure_ids(parts, window) | chosen).order_by()
    consultations = open_consultations_for(user=who, now=now).order_by("requested_at", "id")[:limit]
    apologies = apologies_to_sign(user=who.user, now=now)[:limit]
    return compile_select(
        db,
        count=_count(parts, filters, cap),
        procedures=json_rows(procedures, _PROCEDURE),
        consultations=json_rows(consultations, _CONSULTATION),
        apologies=json_rows(apologies, _APOLOGY),
    )


def open_consultations_for(*, user: Any, now: dt.datetime) -> QuerySet[Consultation]:
    agencies = access.agencies_of(user=user, on=timezone.localdate(now))
    return Consultation.objects.filter(agency_id__in=agencies, answered_at__isnull=True).select_related(
        "dossier"
    )
