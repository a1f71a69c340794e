"""An officer's inbox: the dossiers waiting for their role at their agency (and, at reception, new dossiers),
read part by part through the indexes, with keyset pages and capped counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from motcua.dossiers import access
from motcua.dossiers.constants import INBOX_STATES, RECEPTION_STATES
from motcua.dossiers.models import Consultation, Dossier
from motcua.org.models import Role

# The inbox order: dossiers waiting for reception (no step deadline) first, then by step deadline; ties by
# submission time and id, so that every dossier has one place and keyset pages never skip or repeat one.
INBOX_ORDER = (F("step_deadline").asc(nulls_first=True), "submitted_at", "id")

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
            condition &= Q(code__icontains=self.query) | Q(applicant_name__icontains=self.query)
        return condition


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class _InboxPart:
    """A piece of the inbox that one index returns in inbox order."""

    condition: Q
    fields: tuple[str, ...]
    waiting: bool  # waiting for reception: no step deadline, before every dossier at a step


def _inbox_parts(*, user: Any, now: dt.datetime) -> list[_InboxPart]:
    on = timezone.localdate(now)
    who = access.actor(user, on)  # read once per request
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
    return parts


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


def _order_key(key: InboxKey) -> tuple[Any, ...]:
    deadline, submitted_at, pk = key
    return (deadline is not None, deadline or submitted_at, submitted_at, pk)


def _seek(fields: tuple[str, ...], values: tuple[Any, ...], *, forward: bool) -> Q:
    """Rows strictly after (or before) ``values`` in the order of ``fields``; the first term lets the index
    start at the right place."""
    op = "gt" if forward else "lt"
    condition = Q(pk__in=[])
    for n, name in enumerate(fields):
        equal = {field: value for field, value in zip(fields[:n], values[:n], strict=True)}
        condition |= Q(**equal, **{f"{name}__{op}": values[n]})
    return Q(**{f"{fields[0]}__{op}e": values[0]}) & condition


def _part_rows(
    part: _InboxPart, narrow: Q, key: InboxKey | None, *, forward: bool, limit: int
) -> list[tuple[Any, ...]]:
    rows = Dossier.objects.filter(part.condition, narrow)
    if key is not None:
        deadline, submitted_at, pk = key
        at_a_step = deadline is not None
        if (part.waiting and at_a_step and forward) or (not part.waiting and not at_a_step and not forward):
            return []  # the whole part lies on the other side of the key
        if part.waiting == (not at_a_step):
            values = (submitted_at, pk) if part.waiting else (deadline, submitted_at, pk)
            rows = rows.filter(_seek(part.fields, values, forward=forward))
    order = part.fields if forward else tuple(f"-{f}" for f in part.fields)
    return list(rows.order_by(*order).values_list("step_deadline", "submitted_at", "pk")[:limit])


def inbox_page(
    *,
    user: Any,
    now: dt.datetime,
    filters: InboxFilters | None = None,
    after: InboxKey | None = None,
    before: InboxKey | None = None,
    size: int = 25,
) -> InboxPage:
    """One page of the inbox by keyset: the ``size`` dossiers after ``after`` (or before ``before``; neither:
    the first page). Each part of the inbox is read through its index from the key on, so a deep page costs
    what the first page costs, whatever the number of dossiers."""
    narrow = (filters or InboxFilters()).condition()
    forward = before is None
    key = after if forward else before
    keys: list[InboxKey] = []
    for part in _inbox_parts(user=user, now=now):
        keys += _part_rows(part, narrow, key, forward=forward, limit=size + 1)
    keys.sort(key=_order_key, reverse=not forward)
    more = len(keys) > size
    keys = keys[:size]
    if not forward and not more:
        # Back at the start (or rows moved away meanwhile): show a full first page.
        return inbox_page(user=user, now=now, filters=filters, size=size)
    if not forward:
        keys.reverse()
    by_pk = Dossier.objects.select_related(
        "procedure", "competent_agency", "current_step__step", "current_step__agency"
    ).in_bulk([pk for _deadline, _submitted, pk in keys])
    dossiers = [by_pk[pk] for _deadline, _submitted, pk in keys if pk in by_pk]
    if forward:
        return InboxPage(dossiers, has_previous=after is not None, has_next=more)
    return InboxPage(dossiers, has_previous=True, has_next=True)


def inbox_count(*, user: Any, now: dt.datetime, filters: InboxFilters | None = None, cap: int) -> int:
    """How many dossiers the (filtered) inbox holds, counting at most ``cap + 1``: more than ``cap`` means
    "more than cap". Each part counts through a LIMITed subquery, so a long queue is never scanned whole."""
    narrow = (filters or InboxFilters()).condition()
    total = 0
    for part in _inbox_parts(user=user, now=now):
        total += Dossier.objects.filter(part.condition, narrow).order_by()[: cap + 1 - total].count()
        if total > cap:
            break
    return total


def inbox_procedures(*, user: Any, now: dt.datetime, window: int = 1000) -> list[int]:
    """Ids of the procedures among the first ``window`` dossiers of each part of the inbox: what a procedure
    filter offers, read from the index (a distinct over a whole long queue would scan all of it)."""
    ids: set[int] = set()
    for part in _inbox_parts(user=user, now=now):
        ids.update(
            Dossier.objects.filter(part.condition)
            .order_by(*part.fields)
            .values_list("procedure_id", flat=True)[:window]
        )
    return sorted(ids)


def open_consultations_for(*, user: Any, now: dt.datetime) -> QuerySet[Consultation]:
    agencies = access.agencies_of(user=user, on=timezone.localdate(now))
    return Consultation.objects.filter(agency_id__in=agencies, answered_at__isnull=True).select_related(
        "dossier"
    )
