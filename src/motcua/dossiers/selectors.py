"""Reads of dossiers: who may see what, inboxes, timelines, allowed actions, deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.core.errors import DomainError
from motcua.dossiers import access, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.constants import INBOX_STATES, RECEPTION_STATES
from motcua.dossiers.models import (
    TERMINAL_STATES,
    ApologyNotice,
    Audience,
    Consultation,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierResult,
    EventKind,
    RatingChannel,
    SatisfactionRating,
    State,
)
from motcua.dossiers.status import TimeStatus, step_time_status, time_status
from motcua.org.models import Role

__all__ = [
    "InboxFilters",
    "InboxKey",
    "InboxPage",
    "Timeline",
    "TimelineEntry",
    "allowed_actions",
    "apologies_to_sign",
    "can_attach_result",
    "can_draft_apology",
    "can_rate",
    "can_sign_apology",
    "can_view",
    "document_for",
    "dossiers_needing_apology",
    "get_dossier",
    "inbox_count",
    "inbox_for",
    "inbox_key",
    "inbox_page",
    "inbox_procedures",
    "missing_documents",
    "open_consultations_for",
    "result_for",
    "results_for",
    "step_time_status",
    "suggested_new_appointment",
    "time_status",
    "timeline_for",
    "visible_dossiers",
]


def _day(now: dt.datetime) -> dt.date:
    return now.astimezone(lookups.TZ).date()


def visible_dossiers(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """Dossiers the user may read (``access.visible_dossiers``)."""
    return access.visible_dossiers(user=user, on=on)


def can_view(*, dossier: Dossier, user: Any, on: dt.date) -> bool:
    return visible_dossiers(user=user, on=on).filter(pk=dossier.pk).exists()


def get_dossier(*, code: str, user: Any, on: dt.date) -> Dossier:
    """The dossier with this code, if the user may see it."""
    dossier = visible_dossiers(user=user, on=on).filter(code=code).first()
    if dossier is None:
        raise DomainError(
            "dossier.forbidden", _("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này.")
        )
    return dossier


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
    return dt.datetime.combine(day, dt.time.min, tzinfo=lookups.TZ)


@dataclass(frozen=True)
class _InboxPart:
    """A piece of the inbox that one index returns in inbox order."""

    condition: Q
    fields: tuple[str, ...]
    waiting: bool  # waiting for reception: no step deadline, before every dossier at a step


def _inbox_parts(*, user: Any, now: dt.datetime) -> list[_InboxPart]:
    on = _day(now)
    held = list(access.positions(user=user, on=on).values_list("agency_id", "role", "staff_id"))
    pairs = sorted({(agency_id, role) for agency_id, role, _staff in held})
    staff_id = held[0][2] if held else None
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
    agencies = access.agencies_of(user=user, on=_day(now))
    return Consultation.objects.filter(agency_id__in=agencies, answered_at__isnull=True).select_related(
        "dossier"
    )


def allowed_actions(*, dossier: Dossier, user: Any, now: dt.datetime) -> list[str]:
    """What this user may do to the dossier now (the buttons a page shows): ``access.allowed_actions``."""
    return access.allowed_actions(user=user, dossier=dossier, on=_day(now))


def dossiers_needing_apology(*, agency_id: int, now: dt.datetime) -> list[Dossier]:
    """Dossiers of the agency still in process that are overdue or due soon and have no signed apology for
    their current appointment: candidates for the apology notice."""
    candidates = (
        Dossier.objects.filter(
            competent_agency_id=agency_id,
            state__in=[State.IN_PROCESS, State.CONSULTING],
            finished_at__isnull=True,
            # "Due soon" is a few working hours; no run of days off (Tết included) lasts 30 calendar days,
            # so this indexed bound keeps the exact working-time check below to the few real candidates.
            appointment_at__lte=now + dt.timedelta(days=30),
        )
        .exclude(Exists(ApologyNotice.objects.filter(dossier=OuterRef("pk"), signed_at__isnull=True)))
        .select_related("current_step", "procedure")
    )
    return [
        d for d in candidates if time_status(dossier=d, now=now) in (TimeStatus.OVERDUE, TimeStatus.DUE_SOON)
    ]


def apologies_to_sign(*, user: Any, now: dt.datetime) -> QuerySet[ApologyNotice]:
    """Unsigned apology notices of agencies where the user is the leader, for dossiers still open."""
    agencies = access.positions(user=user, on=_day(now)).filter(role=Role.LEADER).values("agency_id")
    return (
        ApologyNotice.objects.filter(agency_id__in=agencies, signed_at__isnull=True)
        .exclude(dossier__state__in=TERMINAL_STATES)
        .select_related("dossier__procedure", "drafted_by")
        .order_by("drafted_at", "id")
    )


def can_draft_apology(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.DRAFT_APOLOGY, dossier, on=_day(now))


def can_sign_apology(*, notice: ApologyNotice, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.SIGN_APOLOGY, notice.dossier, on=_day(now), subject=notice)


def suggested_new_appointment(*, dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """A new appointment to offer in an apology notice: now plus the working time the workflow allots to the
    steps from the current one on, and at least one working day after the current appointment."""
    agency_id = dossier.competent_agency_id
    step = dossier.current_step
    remaining = Decimal(8)
    if step is not None:
        ahead = step.step.workflow.steps.filter(order__gte=step.step.order)
        remaining = max(sum((s.allotment_hours for s in ahead), Decimal(0)), remaining)
    appointment = dossier.appointment_at or now
    floor = lookups.add_working_hours(start=max(appointment, now), hours=Decimal(8), agency_id=agency_id)
    proposed = lookups.add_working_hours(start=now, hours=remaining, agency_id=agency_id)
    return max(proposed, floor).replace(second=0, microsecond=0)


def can_attach_result(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.ATTACH_RESULT, dossier, on=_day(now))


def missing_documents(*, dossier: Dossier) -> list[Any]:
    """Mandatory required documents not yet provided (an e-form field counts when it is filled)."""
    provided = set(dossier.documents.values_list("code", flat=True))
    missing = []
    for doc in dossier.procedure_version.documents.filter(mandatory=True).order_by("order"):
        if doc.code in provided:
            continue
        if doc.form_field and dossier.form_data.get(doc.form_field) not in (None, "", [], {}):
            continue
        missing.append(doc)
    return missing


# --- timeline ------------------------------------------------------------------------------------

# What the applicant reads of the events meant for them (Audience.APPLICANT): plain Vietnamese, no internal
# jargon. Staff events (internal moves, returns to an earlier step, consultations, assignments) are not shown.
_PLAIN: dict[str, Any] = {
    EventKind.SUBMITTED: _("Bạn đã nộp hồ sơ."),
    EventKind.RECEIVED: _("Hồ sơ đã được tiếp nhận. Ngày hẹn trả kết quả: %(appointment)s."),
    EventKind.RECEPTION_SUPPLEMENT_REQUESTED: _("Hồ sơ cần bổ sung giấy tờ trước khi được tiếp nhận."),
    EventKind.REFUSED_AT_RECEPTION: _("Hồ sơ không được tiếp nhận."),
    EventKind.SUPPLEMENT_REQUESTED: _(
        "Cơ quan giải quyết đề nghị bạn bổ sung giấy tờ. Thời hạn tạm dừng đến khi bạn bổ sung."
    ),
    EventKind.SUPPLEMENT_PROVIDED: _("Đã nhận giấy tờ bổ sung."),
    EventKind.APOLOGY_SIGNED: _(
        "Cơ quan giải quyết xin lỗi vì chậm trả kết quả. Ngày hẹn mới: %(appointment)s."
    ),
    EventKind.WITHDRAWN: _("Hồ sơ đã được rút theo yêu cầu."),
    EventKind.RATED: _("Bạn đã đánh giá mức độ hài lòng. Cảm ơn bạn."),
}
_PLAIN_ACTIONS: dict[str, Any] = {
    Action.REFUSE: _("Hồ sơ không được giải quyết."),
    Action.RETURN_RESULT: _("Bạn đã nhận kết quả."),
}
_READY = _("Đã có kết quả. Mời bạn nhận kết quả.")


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str
    text: str
    reason: str = ""
    actor: str = ""
    agency: str = ""
    action: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timeline:
    dossier: Dossier
    for_applicant: bool
    national_status: int
    national_status_label: str
    time_status: str | None
    entries: list[TimelineEntry]
    documents: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    slips: list[str]
    results: list[DossierResult] = field(default_factory=list)
    rating: SatisfactionRating | None = None


def _when(moment: str | None) -> str:
    if not moment:
        return ""
    return dt.datetime.fromisoformat(moment).astimezone(lookups.TZ).strftime("%H:%M %d/%m/%Y")


def _plain(event: DossierEvent) -> str:
    if event.kind == EventKind.STEP_ACTION:
        if event.data.get("state") == State.RESULT_READY and event.action != Action.RETURN_RESULT:
            return str(_READY)
        return str(_PLAIN_ACTIONS.get(event.action, ""))
    text = _PLAIN.get(event.kind, "")
    return str(text) % {"appointment": _when(event.data.get("appointment"))} if text else ""


def _staff_text(event: DossierEvent) -> str:
    label = EventKind(event.kind).label
    if event.action:
        label = Action(event.action).label if event.action in Action.values else _("rút hồ sơ")
    return str(label)


def timeline_for(*, dossier: Dossier, user: Any, now: dt.datetime | None = None) -> Timeline:
    """The full history of a dossier for its applicant (in plain Vietnamese) or for involved staff."""
    now = now or timezone.now()
    on = _day(now)
    if not can_view(dossier=dossier, user=user, on=on):
        raise DomainError(
            "dossier.forbidden", _("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này.")
        )
    is_staff_viewer = bool(access.agencies_of(user=user, on=on))
    for_applicant = dossier.applicant_id == getattr(user, "pk", None) and not is_staff_viewer
    events = dossier.events.select_related("actor_staff", "actor_agency").order_by("sequence")
    if for_applicant:
        events = events.filter(audience=Audience.APPLICANT)
    entries: list[TimelineEntry] = []
    for event in events:
        if for_applicant:
            text = _plain(event)
            if not text:
                continue
            entries.append(
                TimelineEntry(
                    at=event.at,
                    kind=event.kind,
                    text=text,
                    reason=event.reason,
                    agency=event.actor_agency.name if event.actor_agency else "",
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    at=event.at,
                    kind=event.kind,
                    text=_staff_text(event),
                    reason=event.reason,
                    actor=event.actor_staff.full_name if event.actor_staff else str(event.actor or ""),
                    agency=event.actor_agency.name if event.actor_agency else "",
                    action=event.action,
                    data=event.data,
                )
            )
    documents: list[dict[str, Any]] = [
        {
            "id": d.pk,
            "code": d.code,
            "name": d.name,
            "source": d.source,
            "originals": d.originals,
            "copies": d.copies,
            "supplied_at": d.supplied_at,
            "has_file": bool(d.file_ref),
        }
        for d in dossier.documents.all()
    ]
    steps = []
    for s in dossier.steps.select_related("step", "agency", "assignee", "finished_by").order_by("sequence"):
        steps.append(
            {
                "sequence": s.sequence,
                "name": s.step.name,
                "agency": s.agency.name,
                "assignee": s.assignee.full_name if s.assignee else "",
                "started_at": s.started_at,
                "deadline": s.deadline,
                "finished_at": s.finished_at,
                "outcome": s.outcome,
                "time_status": step_time_status(step=s, now=now),
            }
        )
    slips = ["receipt"] if dossier.received_at else []
    if dossier.steps.exists():
        slips.append("control")
    if dossier.state == State.REFUSED_AT_RECEPTION:
        slips.append("refusal")
    if dossier.events.filter(
        kind__in=[EventKind.RECEPTION_SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_REQUESTED]
    ).exists():
        slips.append("supplement")
    if dossier.apologies.filter(signed_at__isnull=False).exists():
        slips.append("apology")
    status = dossier.national_status
    return Timeline(
        dossier=dossier,
        for_applicant=for_applicant,
        national_status=int(status),
        national_status_label=str(status.label),
        time_status=time_status(dossier=dossier, now=now),
        entries=entries,
        documents=documents
        if not for_applicant
        else [{k: v for k, v in d.items() if k != "source"} for d in documents],
        steps=steps if not for_applicant else [],
        slips=slips,
        results=results_for(dossier=dossier, for_applicant=for_applicant),
        rating=SatisfactionRating.objects.filter(dossier=dossier).first(),
    )


# --- files and ratings ---------------------------------------------------------------------------


def results_for(*, dossier: Dossier, for_applicant: bool) -> list[DossierResult]:
    """Result files of the dossier: the applicant sees them once returned; staff see them all, removed too."""
    results = dossier.results.select_related("attached_by").order_by("id")
    if for_applicant:
        if dossier.state != State.RETURNED:
            return []
        results = results.filter(removed_at__isnull=True)
    return list(results)


def _forbidden_file() -> DomainError:
    return DomainError("file.forbidden", _("Không tìm thấy tệp hoặc bạn không có quyền tải tệp này."))


def result_for(
    *, dossier: Dossier, result_id: int, user: Any, now: dt.datetime | None = None
) -> DossierResult:
    """One result file the user may download (the applicant: only after the hand-over, not removed ones)."""
    now = now or timezone.now()
    on = _day(now)
    if not can_view(dossier=dossier, user=user, on=on):
        raise _forbidden_file()
    staff_viewer = bool(access.agencies_of(user=user, on=on))
    result = next(
        (r for r in results_for(dossier=dossier, for_applicant=not staff_viewer) if r.pk == result_id), None
    )
    if result is None:
        raise _forbidden_file()
    return result


def document_for(
    *, dossier: Dossier, document_id: int, user: Any, now: dt.datetime | None = None
) -> DossierDocument:
    """One submitted document with a file, for the applicant or staff of an involved agency."""
    now = now or timezone.now()
    if not can_view(dossier=dossier, user=user, on=_day(now)):
        raise _forbidden_file()
    document = dossier.documents.filter(pk=document_id).exclude(file_ref="").first()
    if document is None:
        raise _forbidden_file()
    return document


def can_rate(*, dossier: Dossier, user: Any, now: dt.datetime | None = None) -> bool:
    """Whether the rating form is offered: to the applicant (``user``), or on the public lookup (no user,
    the caller checked the code and the ID digits)."""
    channel = RatingChannel.LOOKUP if user is None else RatingChannel.PORTAL
    return access.may(user, Act.RATE, dossier, on=_day(now or timezone.now()), subject=channel)
