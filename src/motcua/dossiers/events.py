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
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from motcua.catalog import fees
from motcua.catalog.models import Action
from motcua.dossiers.access import Act, staff_of
from motcua.dossiers.locking import next_sequence
from motcua.dossiers.models import (
    ApologyNotice,
    Audience,
    Consultation,
    Dossier,
    DossierEvent,
    DossierResult,
    DossierStep,
    EventKind,
    ResultDelivery,
    SatisfactionRating,
    State,
    StopNotice,
    WithdrawalRequest,
    event_audience,
)
from motcua.dossiers.status import national_status
from motcua.org.models import Agency, ReceptionPoint, Role, Staff
from motcua.outbox.models import Topic
from motcua.outbox.services import OutboxItem, messages_of, write_messages


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _progress(
    event: DossierEvent,
    *,
    staff: Staff,
    step: DossierStep | None,
    common: dict[str, Any],
) -> dict[str, Any]:
    """The progress entry of a staff member's event (CapNhatTienDoHoSoMC on the national portal): who acted,
    in which position and unit, at which step, what was done, the step's start and its deadline. Texts are
    Vietnamese whatever the officer's language: the portal shows them to citizens."""
    with translation.override("vi"):
        what = str(EventKind(event.kind).label)
        if event.action and event.action in Action.values:
            what = f"{what}: {Action(event.action).label}"
        if step is not None:
            what = f"{what} (bước “{step.step.name}”)"
        if event.reason and event.audience == Audience.APPLICANT:
            # Internal reasons (returns to an earlier step, consultations) stay inside the agency.
            what = f"{what}. {event.reason}"
        what = what[:1].upper() + what[1:]
        position = staff.title or (str(Role(step.role).label) if step and step.role in Role.values else "")
    agency = event.actor_agency
    return {
        **common,
        "officer": staff.full_name,
        "position": position,
        "department": agency.name if agency is not None else "",
        "step_code": step.step.code if step is not None else None,
        "step_name": step.step.name if step is not None else None,
        "content": what[:2000],
        "step_started_at": _utc(step.started_at) if step is not None else None,
        "step_deadline": _utc(step.deadline) if step is not None else None,
    }


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
    notify_facts: dict[str, Any] | None = None,
    sync: bool = True,
    step: DossierStep | None = None,
    extra: Sequence[tuple[str, str, dict[str, Any]]] = (),
) -> DossierEvent:
    """Record the event and its outbox messages; the payload gets the resulting state for replay. Inside a
    unit of work (``held``) both are written at its end, with the unit's other events; outside, at once.

    ``sync=False``: the dossier is not on the national portal yet (an assisted submission waiting for the
    citizen's confirmation or for the online path): no status and no progress message. ``step``: the step the
    actor worked on when it is no longer the current one (a step just closed); ``extra``: more messages of the
    same event as ``(topic, key suffix, payload)``, written with the others; ``notify_facts``: what the
    applicant's message needs beyond the common fields (a payment's amount and reference).

    The status and progress messages carry the event's reference (``event_id``, ``sequence``) and the state
    the event records (national status, appointments, the step): the national portal adapter builds the
    receiver's payload from them and the dossier at delivery (``motcua.integrations.national_portal``)."""
    current = dossier.current_step
    payload = {
        "state": dossier.state,
        "step": current.step.code if current is not None else None,
        "appointment": _utc(dossier.appointment_at),
        # Lateness is measured against the first appointment; an apology moves only ``appointment``.
        "first_appointment": _utc(dossier.initial_appointment_at),
        **(data or {}),
    }
    staff = staff_of(by)
    event = DossierEvent(
        dossier=dossier,
        province_code=dossier.province_code,
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
    # Everything the messages say is taken now: the service goes on changing the dossier before the flush.
    status = national_status(dossier)
    common = {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "event": kind,
        "action": action,
        "state": dossier.state,
        "national_status": int(status),
        "at": now.isoformat(),
        "appointment_at": payload["appointment"],
        "initial_appointment_at": payload["first_appointment"],
    }
    # (topic, key suffix, payload, whether the payload gets the event's id and sequence)
    messages: list[tuple[Topic | str, str, dict[str, Any], bool]] = []
    if sync:
        messages.append((Topic.DOSSIER_STATUS, "status", common, True))
        if staff is not None:
            progress = _progress(event, staff=staff, step=step or current, common=common)
            messages.append((Topic.DOSSIER_PROGRESS, "progress", progress, True))
    if notify_applicant:
        contact = {"phone": dossier.applicant_phone, "email": dossier.applicant_email, "reason": reason}
        messages.append(
            (Topic.NOTIFY_APPLICANT, "notify", {**common, **contact, **(notify_facts or {})}, True)
        )
    messages.extend((topic, suffix, extra_payload, False) for topic, suffix, extra_payload in extra)
    pending = _Pending(event=event, messages=messages, now=now)
    held = getattr(_held, "pending", None)
    if held is None:
        _flush([pending])
    else:
        held.append(pending)
    return event


@dataclass(frozen=True)
class _Pending:
    """An event held back until the end of its unit of work, with its messages: the event's id and sequence
    join each key, and the payloads that reference the event, at the flush."""

    event: DossierEvent
    messages: list[tuple[Topic | str, str, dict[str, Any], bool]]
    now: dt.datetime


_held = threading.local()


@contextmanager
def held() -> Iterator[None]:
    """Hold back the events recorded in the block and write them when it ends without error: one INSERT for
    the events, one for their outbox messages, still inside the caller's transaction (``services.unit``
    opens this block with the outermost service's transaction). An error drops them with the transaction."""
    outer = getattr(_held, "pending", None)
    pending: list[_Pending] = []
    _held.pending = pending
    try:
        yield
        _held.pending = outer
        _flush(pending)
    finally:
        _held.pending = outer


def mark() -> int:
    """How many events are held back now (for ``forget_since`` after a savepoint's rollback)."""
    held_now = getattr(_held, "pending", None)
    return len(held_now) if held_now is not None else 0


def forget_since(position: int) -> None:
    """Drop the events held back since ``mark`` returned ``position``: their savepoint was rolled back."""
    held_now = getattr(_held, "pending", None)
    if held_now is not None:
        del held_now[position:]


def _flush(pending: list[_Pending]) -> None:
    """Write the held events and their messages. Each event's sequence is computed by the INSERT: the
    dossier's highest one plus the event's rank among the dossier's events of this batch (every row of one
    INSERT sees the table as it was before it, on PostgreSQL and SQLite), under the dossier's row lock the
    service took; the database returns it."""
    if not pending:
        return
    ranks: dict[int, int] = {}
    for item in pending:
        dossier_id = item.event.dossier.pk  # a dossier written after its first event was held: set now
        ranks[dossier_id] = ranks.get(dossier_id, 0) + 1
        item.event.sequence = next_sequence(DossierEvent, item.event.dossier, offset=ranks[dossier_id])
    DossierEvent.objects.bulk_create([item.event for item in pending])
    rows = []
    for item in pending:
        event, dossier = item.event, item.event.dossier
        reference = {"event_id": event.pk, "sequence": event.sequence}
        items = [
            OutboxItem(
                topic=topic,
                key=f"dossier:{dossier.pk}:{event.sequence}:{suffix}",
                payload={**payload, **reference} if referenced else payload,
            )
            for topic, suffix, payload, referenced in item.messages
        ]
        rows.extend(
            messages_of(
                province_code=dossier.province_code,
                aggregate_type="dossier",
                aggregate_id=dossier.pk,
                items=items,
                now=item.now,
            )
        )
    write_messages(rows)


# --- reception -----------------------------------------------------------------------------------


def submitted(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    reception_point: ReceptionPoint,
    competent_agency: Agency,
    postal_pickup: bool = False,
) -> DossierEvent:
    """Nộp hồ sơ: the origin defaults to the channel. An assisted submission says so, with the assisting
    officer; one recorded offline carries the moment it was recorded (its submission time). ``postal_pickup``:
    the applicant asked the post to collect the paper dossier (Decision 45/2016/QĐ-TTg): a ``post.shipment``
    request in this transaction."""
    data: dict[str, Any] = {
        "channel": dossier.channel,
        "reception_point": reception_point.code,
        "competent_agency": competent_agency.pk,
        "postal_tracking_number": dossier.postal_tracking_number,
    }
    if dossier.assisted_by_id is not None:
        data.update(assisted=True, assisted_by=dossier.assisted_by_id, confirmation=dossier.confirmation)
    if dossier.recorded_offline_at is not None:
        data.update(
            recorded_offline_at=_utc(dossier.recorded_offline_at), submitted_at=_utc(dossier.submitted_at)
        )
    extra: list[tuple[str, str, dict[str, Any]]] = []
    if postal_pickup:
        data["postal_pickup"] = True
        extra.append((Topic.POST_SHIPMENT, "pickup", shipment_request(dossier, direction="pickup")))
    return _write(
        dossier,
        kind=EventKind.SUBMITTED,
        by=by,
        now=now,
        origin=origin or dossier.channel,
        data=data,
        extra=extra,
    )


# --- assisted online submission at the counter (Directive 24/CT-TTg) -----------------------------


def assisted_prepared(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str) -> DossierEvent:
    """The reception officer filled the e-form with the citizen at the counter and scanned the documents."""
    return _write(
        dossier,
        kind=EventKind.ASSISTED_PREPARED,
        by=by,
        now=now,
        origin=origin or "counter",
        data={
            "channel": dossier.channel,
            "assisted_by": dossier.assisted_by_id,
            "reception_point": dossier.reception_point.code,
            "competent_agency": dossier.competent_agency_id,
            "confirmation": dossier.confirmation or None,
        },
        sync=False,
    )


def submission_confirmed(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str) -> DossierEvent:
    """The citizen confirmed the dossier: on the spot (``by`` is the officer who recorded it) or by e-ID."""
    return _write(
        dossier,
        kind=EventKind.SUBMISSION_CONFIRMED,
        by=by,
        now=now,
        origin=origin,
        data={"confirmation": dossier.confirmation, "confirmed_by": dossier.confirmed_by_id},
        sync=False,
    )


def recorded_offline(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, why: str) -> DossierEvent:
    """The online path was down: the dossier is kept here and submitted when it is back."""
    return _write(
        dossier,
        kind=EventKind.RECORDED_OFFLINE,
        by=by,
        now=now,
        origin=origin or "counter",
        data={"why": why, "recorded_at": _utc(dossier.recorded_offline_at)},
        sync=False,
    )


def received(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str) -> DossierEvent:
    """Tiếp nhận: the applicant is told the appointment. A dossier with a fee due at submission gets its
    payment order (topic ``payment.order``: motcua.payments opens the payment and sends the order)."""
    extra: list[tuple[str, str, dict[str, Any]]] = []
    if dossier.fee and payment_when(dossier) == "submission":
        order = {"dossier_id": dossier.pk, "dossier_code": dossier.code, "amount": str(dossier.fee)}
        extra.append((Topic.PAYMENT_ORDER, "payment", order))
    return _write(
        dossier,
        kind=EventKind.RECEIVED,
        by=by,
        now=now,
        origin=origin,
        notify_applicant=True,
        data={"to_step": dossier.current_step.step.code if dossier.current_step else None},
        extra=extra,
    )


def payment_when(dossier: Dossier) -> str:
    """When the procedure version asks the fee: ``submission`` (the default) or ``processing`` (an
    officer asks it at a step, national status 6): the ``payment`` terms of the version's fee rules."""
    return fees.payment_terms(dossier.procedure_version.fee_rules).when


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


def reorganized(
    dossier: Dossier,
    *,
    now: dt.datetime,
    plan: str,
    from_agency: Agency,
    to_agency: Agency,
    from_step_agency_id: int | None,
    assignee_cleared: bool,
    reason: str,
    consultations: Sequence[int] = (),
) -> DossierEvent:
    """A reorganization plan (``motcua.reorg``) moved the dossier to ``to_agency``: the applicant reads it in
    plain words, and the national portal gets the status with the new processing agency (``DonViXuLy`` is
    read from the dossier at delivery). No actor: the plan acts, on the effective date. ``consultations``:
    the open consultations re-addressed to the successor of the agency they were sent to."""
    return _write(
        dossier,
        kind=EventKind.REORGANIZED,
        by=None,
        now=now,
        origin=f"reorg:{plan}",
        reason=reason,
        agency=to_agency,
        data={
            "plan": plan,
            "from_agency": from_agency.pk,
            "from_agency_name": from_agency.name,
            "to_agency": to_agency.pk,
            "to_agency_code": to_agency.code,
            "to_agency_name": to_agency.name,
            "from_step_agency": from_step_agency_id,
            "to_step_agency": dossier.step_agency_id,
            "assignee_cleared": assignee_cleared,
            **({"consultations_readdressed": list(consultations)} if consultations else {}),
        },
        notify_applicant=True,
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
    closed: DossierStep | None = None,
) -> DossierEvent:
    """A movement of the workflow; the applicant is told of a refusal, a ready result and the hand-over.
    ``closed``: the step the officer finished (its start and deadline go to the progress entry)."""
    return _write(
        dossier,
        kind=EventKind.STEP_ACTION,
        step=closed,
        agency=agency,
        action=action,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"from_step": from_step, "to_step": to_step, "outcome": outcome},
        notify_applicant=action in (Action.REFUSE, Action.RETURN_RESULT)
        or dossier.state == State.RESULT_READY,
        extra=_result_shipment(dossier, action=action),
    )


def _result_shipment(dossier: Dossier, *, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The result is ready for a dossier whose applicant chose the post: ask the postal service to carry it
    (Decision 45/2016/QĐ-TTg), in this event's transaction (``motcua.postal.adapter`` delivers it)."""
    if dossier.state != State.RESULT_READY or action == Action.RETURN_RESULT:
        return []
    if dossier.result_delivery != ResultDelivery.POST:
        return []
    return [(Topic.POST_SHIPMENT, "shipment", shipment_request(dossier, direction="result"))]


def shipment_request(dossier: Dossier, *, direction: str) -> dict[str, Any]:
    """What a ``post.shipment`` message carries: the direction and the addressee as the dossier has them now
    (the message's aggregate is the dossier; the adapter reads the rest at delivery)."""
    return {
        "dossier_code": dossier.code,
        "direction": direction,
        "addressee_name": dossier.applicant_name,
        "address": dossier.delivery_address or dossier.applicant_address,
        "phone": dossier.applicant_phone,
    }


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


def withdrawal_requested(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, request: WithdrawalRequest
) -> DossierEvent:
    """Công dân yêu cầu rút hồ sơ: national status 7 until the agency decides; the appointment stays."""
    return _write(
        dossier,
        kind=EventKind.WITHDRAWAL_REQUESTED,
        action=Act.WITHDRAW,
        by=by,
        now=now,
        origin=origin,
        reason=request.reason,
        data={"withdrawal": request.pk, "recorded": request.recorded_by_id is not None},
    )


def withdrawn(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, request: WithdrawalRequest
) -> DossierEvent:
    """The competent agency accepted the withdrawal; the originals returned and the fee handling are kept."""
    return _write(
        dossier,
        kind=EventKind.WITHDRAWN,
        action=Act.DECIDE_WITHDRAWAL,
        by=by,
        now=now,
        origin=origin,
        reason=request.reason,
        data={
            "withdrawal": request.pk,
            "originals_returned": request.originals_returned,
            "fee": str(dossier.fee),
            "fee_refunded": request.fee_refunded,
            "fee_note": request.fee_note,
        },
        notify_applicant=True,
    )


def withdrawal_declined(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, request: WithdrawalRequest
) -> DossierEvent:
    """The competent agency declined the withdrawal with a reason: the dossier continues."""
    return _write(
        dossier,
        kind=EventKind.WITHDRAWAL_DECLINED,
        action=Act.DECIDE_WITHDRAWAL,
        by=by,
        now=now,
        origin=origin,
        reason=request.decision_note,
        data={"withdrawal": request.pk},
        notify_applicant=True,
    )


# --- the stop notice (form 05) -------------------------------------------------------------------


def stop_proposed(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, notice: StopNotice
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.STOP_PROPOSED,
        action=Act.PROPOSE_STOP,
        by=by,
        now=now,
        origin=origin,
        reason=notice.reasons,
        data={"stop_notice": notice.pk},
    )


def stop_declined(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, notice: StopNotice
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.STOP_DECLINED,
        action=Act.DECLINE_STOP,
        by=by,
        now=now,
        origin=origin,
        reason=notice.decision_note,
        data={"stop_notice": notice.pk},
    )


def stopped(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    notice: StopNotice,
    action: str,
    from_step: str | None,
    outcome: str,
    closed: DossierStep | None = None,
) -> DossierEvent:
    """Thông báo dừng giải quyết hồ sơ signed: the dossier ended (national status 8); the applicant is told
    the reasons. ``action`` is the workflow's ``refuse`` when the leader stopped it at their own step."""
    return _write(
        dossier,
        kind=EventKind.STOPPED,
        step=closed,
        action=action,
        agency=notice.agency,
        by=by,
        now=now,
        origin=origin,
        reason=notice.reasons,
        data={
            "stop_notice": notice.pk,
            "signed_by": notice.decided_by.full_name if notice.decided_by else "",
            "from_step": from_step,
            "outcome": outcome,
        },
        notify_applicant=True,
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


def extended(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    reason: str,
    first: dt.datetime,
    days: int,
    basis: str,
) -> DossierEvent:
    """Gia hạn: the appointment moved from the first one (``first``) by ``days`` working days, with the
    reason and the legal basis the catalog names; the applicant is told."""
    return _write(
        dossier,
        kind=EventKind.EXTENDED,
        action=Act.EXTEND,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"first_appointment_before": _utc(first), "days": days, "basis": basis},
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
    report = {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "level": int(rating.level),
        "comment": rating.comment,
        "at": now.isoformat(),
    }
    return _write(
        dossier,
        kind=EventKind.RATED,
        by=by,
        now=now,
        origin=origin or rating.channel,
        data={"level": int(rating.level)},
        extra=[(Topic.DOSSIER_RATING, "rating", report)],
    )


# --- result documents (``motcua.signing``) -------------------------------------------------------
# ``document`` is the signing app's IssuedDocument (typed loosely: the engine does not import the apps above
# it); the payload keeps its public id, number and the SHA-256 of the bytes that stage produced.


def _document_facts(document: Any) -> dict[str, Any]:
    return {
        "document": document.public_id,
        "document_kind": document.kind,
        "title": document.title,
        "number": document.number,
    }


def document_prepared(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, document: Any
) -> DossierEvent:
    """The step holder drafted the result document (a preview without a number)."""
    return _write(
        dossier,
        kind=EventKind.DOCUMENT_PREPARED,
        by=by,
        now=now,
        origin=origin,
        data={**_document_facts(document), "sha256": document.draft_sha256},
        sync=False,
    )


def document_signed(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, document: Any
) -> DossierEvent:
    """The signing worker made the leader's signature: the number is taken from the register."""
    return _write(
        dossier,
        kind=EventKind.DOCUMENT_SIGNED,
        by=by,
        now=now,
        origin=origin,
        data={**_document_facts(document), "sha256": document.signed_sha256},
        sync=False,
    )


def document_issued(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, document: Any
) -> DossierEvent:
    """The document is issued (sealed, or signed for a notice): filed in the citizen's data store. The
    applicant is told their result is ready (once per dossier: motcua.notifications)."""
    return _write(
        dossier,
        kind=EventKind.DOCUMENT_ISSUED,
        by=by,
        now=now,
        origin=origin,
        data={**_document_facts(document), "sha256": document.final_sha256},
        notify_applicant=True,
        sync=False,
    )


def signing_failed(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, document: Any, signature: str, error: str
) -> DossierEvent:
    """The signing worker could not make a signature (no key, key unreadable, …): staff see why and retry."""
    return _write(
        dossier,
        kind=EventKind.SIGNING_FAILED,
        by=by,
        now=now,
        origin=origin,
        reason=error[:2000],
        data={**_document_facts(document), "signature": signature},
        sync=False,
    )


def document_revoked(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, document: Any, reason: str
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.DOCUMENT_REVOKED,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data=_document_facts(document),
        sync=False,
        notify_applicant=True,
    )


def document_replaced(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, document: Any, replacement: Any, reason: str
) -> DossierEvent:
    return _write(
        dossier,
        kind=EventKind.DOCUMENT_REPLACED,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={**_document_facts(document), "replaced_by": replacement.public_id},
        sync=False,
        notify_applicant=True,
    )


# --- the post (motcua.postal) --------------------------------------------------------------------


def shipment_created(
    dossier: Dossier, *, now: dt.datetime, origin: str, shipment: dict[str, Any]
) -> DossierEvent:
    """The postal service accepted a shipment of this dossier: its waybill number and fee (applicant)."""
    return _write(
        dossier, kind=EventKind.SHIPMENT_CREATED, by=None, now=now, origin=origin, data=shipment, sync=False
    )


def shipment_updated(
    dossier: Dossier, *, now: dt.datetime, origin: str, shipment: dict[str, Any], note: str = ""
) -> DossierEvent:
    """The postal service reported a shipment's new status (picked up, delivered, returned to sender)."""
    return _write(
        dossier,
        kind=EventKind.SHIPMENT_UPDATED,
        by=None,
        now=now,
        origin=origin,
        reason=note,
        data=shipment,
        sync=False,
    )


# --- fees and charges (motcua.payments) ----------------------------------------------------------


def payment_requested(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    amount: int,
    reference: str,
    sync: bool = False,
    order: dict[str, Any] | None = None,
) -> DossierEvent:
    """Yêu cầu thực hiện nghĩa vụ tài chính: the applicant is told the amount and the payment reference.
    ``sync``: the request changes the national status (6, asked during processing); ``order``: the payment
    order for the gateway (topic ``payment.order``) when no reception wrote it."""
    return _write(
        dossier,
        kind=EventKind.PAYMENT_REQUESTED,
        by=by,
        now=now,
        origin=origin,
        data={"amount": amount, "reference": reference},
        notify_applicant=True,
        notify_facts={"amount": amount, "reference": reference},
        sync=sync,
        extra=[(Topic.PAYMENT_ORDER, "payment", order)] if order else (),
    )


def payment_received(
    dossier: Dossier,
    *,
    by: Any,
    now: dt.datetime,
    origin: str,
    amount: int,
    reference: str,
    receipt: str,
    sync: bool = False,
) -> DossierEvent:
    """The fee arrived in full: the applicant is told, with the receipt's series and number."""
    return _write(
        dossier,
        kind=EventKind.PAYMENT_RECEIVED,
        by=by,
        now=now,
        origin=origin,
        data={"amount": amount, "reference": reference, "receipt": receipt},
        notify_applicant=True,
        notify_facts={"amount": amount, "reference": reference, "receipt": receipt},
        sync=sync,
    )


def payment_refunded(
    dossier: Dossier, *, by: Any, now: dt.datetime, origin: str, amount: int, reason: str
) -> DossierEvent:
    """The fee of a dossier that ended without a result was refunded (amount, reason)."""
    return _write(
        dossier,
        kind=EventKind.PAYMENT_REFUNDED,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"amount": amount},
        sync=False,
    )
