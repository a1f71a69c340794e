"""Reads of dossiers: who may see what, inboxes, timelines, allowed actions, deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.core.errors import DomainError
from motcua.dossiers import lookups
from motcua.dossiers.models import (
    TERMINAL_STATES,
    ApologyNotice,
    Consultation,
    Dossier,
    DossierEvent,
    DossierStep,
    EventKind,
    State,
)
from motcua.dossiers.status import TimeStatus, step_time_status, time_status
from motcua.org.models import Position, Role

__all__ = [
    "Timeline",
    "TimelineEntry",
    "allowed_actions",
    "can_view",
    "dossiers_needing_apology",
    "get_dossier",
    "inbox_for",
    "missing_documents",
    "open_consultations_for",
    "step_time_status",
    "time_status",
    "timeline_for",
    "visible_dossiers",
]


def _day(now: dt.datetime) -> dt.date:
    return now.astimezone(lookups.TZ).date()


def _involved(agency_ids: set[int]) -> Q:
    steps = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    consulted = Consultation.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    return (
        Q(receiving_agency_id__in=agency_ids)
        | Q(competent_agency_id__in=agency_ids)
        | Q(Exists(steps))
        | Q(Exists(consulted))
    )


def visible_dossiers(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """Dossiers the user may read: their own as applicant, and those of agencies where they hold a position
    (receiving point's agency, competent agency, any agency a step went to or that was consulted)."""
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    agencies = lookups.agencies_of(user=user, on=on)
    condition = Q(applicant=user)
    if agencies:
        condition |= _involved(agencies)
    return Dossier.objects.filter(condition).select_related(
        "procedure", "competent_agency", "reception_point"
    )


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


def inbox_for(*, user: Any, now: dt.datetime) -> QuerySet[Dossier]:
    """Dossiers waiting for this user.

    Those whose current step waits for their role at the step's agency (free or assigned to them),
    and, for reception officers and postal staff, new dossiers waiting to be received at their
    agency (as receiving or competent agency), oldest first.
    """
    on = _day(now)
    positions = Position.objects.valid_on(on).filter(staff__user=user, staff__is_active=True)
    pairs = Q(pk__in=[])
    receiving_agencies: list[int] = []
    for agency_id, role in positions.values_list("agency_id", "role"):
        pairs |= Q(current_step__agency_id=agency_id, current_step__role=role)
        if role in (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF):
            receiving_agencies.append(agency_id)
    mine = Q(current_step__assignee__isnull=True) | Q(current_step__assignee__user=user)
    at_step = Q(state__in=[State.IN_PROCESS, State.RESULT_READY]) & pairs & mine
    to_receive = Q(state=State.SUBMITTED) & (
        Q(receiving_agency_id__in=receiving_agencies) | Q(competent_agency_id__in=receiving_agencies)
    )
    return (
        Dossier.objects.filter(at_step | to_receive)
        .select_related("procedure", "current_step", "current_step__step")
        .order_by(F("current_step__deadline").asc(nulls_first=True), "submitted_at")
    )


def open_consultations_for(*, user: Any, now: dt.datetime) -> QuerySet[Consultation]:
    agencies = lookups.agencies_of(user=user, on=_day(now))
    return Consultation.objects.filter(agency_id__in=agencies, answered_at__isnull=True).select_related(
        "dossier"
    )


def allowed_actions(*, dossier: Dossier, user: Any, now: dt.datetime) -> list[str]:
    """What this user may do to the dossier now (the buttons a page shows)."""
    on = _day(now)
    actions: list[str] = []
    is_applicant = dossier.applicant_id is not None and dossier.applicant_id == getattr(user, "pk", None)
    if dossier.state in TERMINAL_STATES:
        return actions
    if is_applicant:
        if dossier.state in (State.RECEPTION_SUPPLEMENT, State.SUPPLEMENT):
            actions.append("supply")
        actions.append("withdraw")
    if (
        dossier.state == State.SUBMITTED
        and Position.objects.valid_on(on)
        .filter(
            staff__user=user,
            role__in=[Role.RECEPTION_OFFICER, Role.POSTAL_STAFF],
            agency_id__in=[dossier.receiving_agency_id, dossier.competent_agency_id],
        )
        .exists()
    ):
        actions += ["accept", "request_reception_supplement", "refuse_reception"]
    step = dossier.current_step
    if step is None or dossier.state not in (State.IN_PROCESS, State.RESULT_READY):
        return actions
    if not lookups.staff_qualifies(user=user, role=step.role, agency_id=step.agency_id, on=on):
        return actions
    staff = getattr(user, "staff", None)
    if step.assignee_id is not None and (staff is None or staff.pk != step.assignee_id):
        return actions
    for action in step.step.actions:
        if action == Action.REQUEST_SUPPLEMENT and dossier.state != State.IN_PROCESS:
            continue
        actions.append(action)
    return actions


def dossiers_needing_apology(*, agency_id: int, now: dt.datetime) -> list[Dossier]:
    """Dossiers of the agency still in process that are overdue or due soon and have no signed apology for
    their current appointment: candidates for the apology notice."""
    candidates = (
        Dossier.objects.filter(
            competent_agency_id=agency_id,
            state__in=[State.IN_PROCESS, State.CONSULTING],
            finished_at__isnull=True,
        )
        .exclude(Exists(ApologyNotice.objects.filter(dossier=OuterRef("pk"), signed_at__isnull=True)))
        .select_related("current_step")
    )
    return [
        d for d in candidates if time_status(dossier=d, now=now) in (TimeStatus.OVERDUE, TimeStatus.DUE_SOON)
    ]


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

# What the applicant reads: plain Vietnamese, no internal jargon.
_PLAIN: dict[str, Any] = {
    EventKind.SUBMITTED: _("Bạn đã nộp hồ sơ."),
    EventKind.RECEIVED: _("Hồ sơ đã được tiếp nhận. Ngày hẹn trả kết quả: %(appointment)s."),
    EventKind.RECEPTION_SUPPLEMENT_REQUESTED: _("Hồ sơ cần bổ sung giấy tờ trước khi được tiếp nhận."),
    EventKind.REFUSED_AT_RECEPTION: _("Hồ sơ không được tiếp nhận."),
    EventKind.COMPETENCE_OVERRIDDEN: _("Hồ sơ được chuyển đến cơ quan có thẩm quyền khác."),
    EventKind.STEP_ASSIGNED: _("Hồ sơ đã có cán bộ phụ trách."),
    EventKind.SUPPLEMENT_REQUESTED: _(
        "Cơ quan giải quyết đề nghị bạn bổ sung giấy tờ. Thời hạn tạm dừng đến khi bạn bổ sung."
    ),
    EventKind.SUPPLEMENT_PROVIDED: _("Đã nhận giấy tờ bổ sung."),
    EventKind.CONSULTATION_REQUESTED: _("Cơ quan giải quyết đang hỏi ý kiến cơ quan liên quan."),
    EventKind.CONSULTATION_ANSWERED: _("Cơ quan liên quan đã có ý kiến; hồ sơ tiếp tục được xử lý."),
    EventKind.APOLOGY_DRAFTED: "",
    EventKind.APOLOGY_SIGNED: _(
        "Cơ quan giải quyết xin lỗi vì chậm trả kết quả. Ngày hẹn mới: %(appointment)s."
    ),
    EventKind.WITHDRAWN: _("Hồ sơ đã được rút theo yêu cầu."),
}
_PLAIN_ACTIONS: dict[str, Any] = {
    Action.FORWARD: _("Hồ sơ đang được xử lý."),
    Action.RETURN: _("Hồ sơ được xem xét lại."),
    Action.APPROVE: _("Hồ sơ đã được duyệt."),
    Action.SIGN: _("Kết quả đã được ký."),
    Action.ISSUE_NUMBER: _("Kết quả đã được vào số, đóng dấu."),
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


def _when(moment: str | None) -> str:
    if not moment:
        return ""
    return dt.datetime.fromisoformat(moment).astimezone(lookups.TZ).strftime("%H:%M %d/%m/%Y")


def _plain(event: DossierEvent) -> str:
    if event.kind == EventKind.STEP_ACTION:
        if event.data.get("state") == State.RESULT_READY and event.action != Action.RETURN_RESULT:
            return str(_READY)
        return str(_PLAIN_ACTIONS.get(event.action, _("Hồ sơ đang được xử lý.")))
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
    is_staff_viewer = bool(lookups.agencies_of(user=user, on=on))
    for_applicant = dossier.applicant_id == getattr(user, "pk", None) and not is_staff_viewer
    events = dossier.events.select_related("actor_staff", "actor_agency").order_by("sequence")
    entries: list[TimelineEntry] = []
    for event in events:
        if for_applicant:
            text = _plain(event)
            if not text:
                continue
            reason = event.reason if event.kind != EventKind.CONSULTATION_REQUESTED else ""
            entries.append(
                TimelineEntry(
                    at=event.at,
                    kind=event.kind,
                    text=text,
                    reason=reason,
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
        dict(d)
        for d in dossier.documents.values("code", "name", "source", "originals", "copies", "supplied_at")
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
    )
