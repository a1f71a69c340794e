"""Recording what happened to a dossier: one function per event kind writes the event and its outbox
messages (national status sync, the applicant's notification, the rating report), as Saleor's
``order/events.py`` does.

Each function takes the dossier after its change, the acting user (``by``), the moment and the request's
origin, and the facts of its kind as typed arguments; the payload shape of each kind lives here only
(tests and ``replay`` read it). The audience (applicant or staff) follows the kind and action
(``models.event_audience``): the applicant's timeline shows applicant events only, so a staff event's reason
never reaches the citizen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max

from motcua.catalog.models import Action
from motcua.dossiers.access import Act, staff_of
from motcua.dossiers.models import (
    ApologyNotice,
    Consultation,
    Dossier,
    DossierEvent,
    DossierResult,
    EventKind,
    SatisfactionRating,
    State,
    event_audience,
)
from motcua.dossiers.status import national_status
from motcua.org.models import Agency, ReceptionPoint, Staff
from motcua.outbox.models import Topic
from motcua.outbox.services import OutboxItem, enqueue_many


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _write(
    dossier: Dossier,
    *,
    kind: str,
    by: Any,
    now: dt.datetime,
    origin: str,
    reason: str = "",
    action: str = "",
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
    notify_applicant: bool = False,
) -> DossierEvent:
    """Write the event and its outbox messages; the payload gets the resulting state for replay."""
    step = dossier.current_step
    payload = {
        "state": dossier.state,
        "step": step.step.code if step is not None else None,
        "appointment": _utc(dossier.appointment_at),
        **(data or {}),
    }
    sequence = (DossierEvent.objects.filter(dossier=dossier).aggregate(m=Max("sequence"))["m"] or 0) + 1
    staff = staff_of(by)
    event = DossierEvent(
        dossier=dossier,
        province_code=dossier.province_code,
        sequence=sequence,
        kind=kind,
        action=action,
        at=now,
        actor=by if by is not None and getattr(by, "pk", None) else None,
        actor_staff=staff,
        actor_agency=agency or (staff.agency if staff else None),
        origin=origin[:120],
        reason=reason,
        data=payload,
        audience=event_audience(kind=kind, action=action, state=dossier.state),
    )
    event.save()
    status = national_status(dossier)
    common = {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "event": kind,
        "action": action,
        "national_status": int(status),
        "at": now.isoformat(),
        "appointment_at": payload["appointment"],
    }
    messages = [
        OutboxItem(topic=Topic.DOSSIER_STATUS, key=f"dossier:{dossier.pk}:{sequence}:status", payload=common)
    ]
    if notify_applicant:
        contact = {"phone": dossier.applicant_phone, "email": dossier.applicant_email, "reason": reason}
        messages.append(
            OutboxItem(
                topic=Topic.NOTIFY_APPLICANT,
                key=f"dossier:{dossier.pk}:{sequence}:notify",
                payload={**common, **contact},
            )
        )
    enqueue_many(
        province_code=dossier.province_code,
        aggregate_type="dossier",
        aggregate_id=dossier.pk,
        items=messages,
        now=now,
    )
    return event


# --- reception -----------------------------------------------------------------------------------


def submitted(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    reception_point: ReceptionPoint,
    competent_agency: Agency,
) -> DossierEvent:
    """Nộp hồ sơ: the origin defaults to the channel."""
    return _write(
        dossier,
        kind=EventKind.SUBMITTED,
        by=by,
        now=now,
        origin=origin or dossier.channel,
        data={
            "channel": dossier.channel,
            "reception_point": reception_point.code,
            "competent_agency": competent_agency.pk,
            "postal_tracking_number": dossier.postal_tracking_number,
        },
    )


def received(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str) -> DossierEvent:
    """Tiếp nhận: the applicant is told the appointment."""
    return _write(
        dossier,
        kind=EventKind.RECEIVED,
        by=by,
        now=now,
        origin=origin,
        notify_applicant=True,
        data={"to_step": dossier.current_step.step.code if dossier.current_step else None},
    )


def reception_supplement_requested(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, reason: str, missing: list[dict[str, str]]
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.RECEPTION_SUPPLEMENT_REQUESTED,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"missing": missing},
        notify_applicant=True,
    )


def refused_at_reception(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, reason: str
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.REFUSED_AT_RECEPTION,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        notify_applicant=True,
    )


def competence_overridden(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, reason: str, previous_agency_id: int
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.COMPETENCE_OVERRIDDEN,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"from_agency": previous_agency_id, "to_agency": dossier.competent_agency_id},
    )


# --- workflow ------------------------------------------------------------------------------------


def step_action(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    action: str,
    agency: Agency | None,
    reason: str,
    from_step: str | None,
    to_step: str | None,
    outcome: str,
) -> DossierEvent:
    """A movement of the workflow; the applicant is told of a refusal, a ready result and the hand-over."""
    return _write(
        dossier,
        kind=EventKind.STEP_ACTION,
        agency=agency,
        action=action,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"from_step": from_step, "to_step": to_step, "outcome": outcome},
        notify_applicant=action in (Action.REFUSE, Action.RETURN_RESULT)
        or dossier.state == State.RESULT_READY,
    )


def step_assigned(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, assignee: Staff
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.STEP_ASSIGNED,
        by=by,
        now=now,
        origin=origin,
        data={"assignee": assignee.pk, "assignee_name": assignee.full_name},
    )


# --- supplements and consultations ---------------------------------------------------------------


def supplement_requested(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    reason: str,
    missing: list[dict[str, str]],
    number: int = 1,
    repeat: bool = False,
    late: bool = False,
    deadline: dt.datetime | None = None,
    explanation: str = "",
) -> DossierEvent:
    """``number``: which processing-stage request this is; ``repeat`` marks a second or later one (the
    service index counts the dossier late), ``late`` one after the version's deadline for asking
    (``deadline``); ``explanation`` is why, required for both."""
    data: dict[str, Any] = {"missing": missing, "number": number}
    if repeat:
        data["repeat"] = True
    if late:
        data["late"] = True
    if deadline is not None:
        data["request_deadline"] = deadline.isoformat()
    if explanation:
        data["explanation"] = explanation
    return _write(
        dossier,
        kind=EventKind.SUPPLEMENT_REQUESTED,
        action=Action.REQUEST_SUPPLEMENT,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data=data,
        notify_applicant=True,
    )


def supplement_provided(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    note: str,
    codes: Sequence[str],
    waited_hours: str | None = None,
) -> DossierEvent:
    """``waited_hours``: the working hours the clock stood still (a supplement during processing only)."""
    data: dict[str, Any] = {"documents": list(codes)}
    if waited_hours is not None:
        data["waited_hours"] = waited_hours
    return _write(
        dossier, kind=EventKind.SUPPLEMENT_PROVIDED, by=by, now=now, origin=origin, reason=note, data=data
    )


def consultation_requested(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, consultation: Consultation
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.CONSULTATION_REQUESTED,
        action=Action.CONSULT,
        by=by,
        now=now,
        origin=origin,
        reason=consultation.question,
        data={
            "consultation": consultation.pk,
            "agency": consultation.agency.pk,
            "agency_name": consultation.agency.name,
        },
    )


def consultation_answered(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, consultation: Consultation
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.CONSULTATION_ANSWERED,
        by=by,
        now=now,
        origin=origin,
        reason=consultation.answer,
        agency=consultation.agency,
        data={"consultation": consultation.pk},
    )


# --- withdrawal, apologies, results, rating ------------------------------------------------------


def withdrawn(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, reason: str) -> DossierEvent:
    return _write(
        dossier, kind=EventKind.WITHDRAWN, action=Act.WITHDRAW, by=by, now=now, origin=origin, reason=reason
    )


def apology_drafted(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, notice: ApologyNotice
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.APOLOGY_DRAFTED,
        by=by,
        now=now,
        origin=origin,
        reason=notice.reason,
        data={"apology": notice.pk, "new_appointment": _utc(notice.new_appointment_at)},
    )


def apology_signed(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, notice: ApologyNotice, old: dt.datetime
) -> DossierEvent:
    """The appointment moved from ``old`` to the notice's date; the applicant is told."""
    return _write(
        dossier,
        kind=EventKind.APOLOGY_SIGNED,
        by=by,
        now=now,
        origin=origin,
        reason=notice.reason,
        data={"apology": notice.pk, "old_appointment": _utc(old)},
        notify_applicant=True,
    )


def result_attached(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, result: DossierResult
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.RESULT_ATTACHED,
        by=by,
        now=now,
        origin=origin,
        data={"result": result.pk, "name": result.name, "sha256": result.sha256, "size": result.size},
    )


def result_removed(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, result: DossierResult, reason: str
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.RESULT_REMOVED,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"result": result.pk, "name": result.name},
    )


def rated(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, rating: SatisfactionRating
) -> DossierEvent:
    """The rating, and its report to the national portal (``dossier.rating``). ``by`` is None for a rating
    made through the public lookup; the origin defaults to the rating channel."""
    event = _write(
        dossier,
        kind=EventKind.RATED,
        by=by,
        now=now,
        origin=origin or rating.channel,
        data={"level": int(rating.level)},
    )
    enqueue_many(
        province_code=dossier.province_code,
        aggregate_type="dossier",
        aggregate_id=dossier.pk,
        items=[
            OutboxItem(
                topic=Topic.DOSSIER_RATING,
                key=f"dossier:{dossier.pk}:{event.sequence}:rating",
                payload={
                    "dossier_code": dossier.code,
                    "procedure_code": dossier.procedure.code,
                    "level": int(rating.level),
                    "comment": rating.comment,
                    "at": now.isoformat(),
                },
            )
        ],
        now=now,
    )
    return event
