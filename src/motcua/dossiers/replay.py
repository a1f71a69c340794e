"""Rebuild a dossier's state from its event log alone (audit, property tests, statistics rebuilds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from motcua.catalog.models import Action
from motcua.dossiers.models import Dossier, DossierEvent, EventKind, State


@dataclass
class ReplayedState:
    state: str | None = None
    step: str | None = None
    appointment: str | None = None
    competent_agency: int | None = None
    assignee: int | None = None
    supplement_count: int = 0
    open_consultations: int = 0
    withdrawal_pending: bool = False
    appointments: list[tuple[str, str]] = field(
        default_factory=list
    )  # (event kind, appointment) on each change


def _set_appointment(result: ReplayedState, kind: str, value: str | None) -> None:
    if value != result.appointment:
        result.appointment = value
        if value is not None:
            result.appointments.append((kind, value))


def _apply(result: ReplayedState, event: DossierEvent | Any) -> None:
    kind, data, action = event.kind, event.data, event.action
    if kind == EventKind.SUBMITTED:
        result.state = State.SUBMITTED
        result.competent_agency = data.get("competent_agency")
    elif kind == EventKind.ASSISTED_PREPARED:
        result.state = data["state"]
        result.competent_agency = data.get("competent_agency")
    elif kind in (EventKind.SUBMISSION_CONFIRMED, EventKind.RECORDED_OFFLINE):
        result.state = data["state"]
    elif kind == EventKind.RECEPTION_SUPPLEMENT_REQUESTED:
        result.state = State.RECEPTION_SUPPLEMENT
    elif kind == EventKind.REFUSED_AT_RECEPTION:
        result.state = State.REFUSED_AT_RECEPTION
    elif kind == EventKind.COMPETENCE_OVERRIDDEN:
        result.competent_agency = data["to_agency"]
    elif kind == EventKind.REORGANIZED:
        result.competent_agency = data["to_agency"]
        if data.get("assignee_cleared"):
            result.assignee = None
    elif kind == EventKind.RECEIVED:
        result.state = State.IN_PROCESS
        result.step = data["to_step"]
        result.assignee = None
        _set_appointment(result, kind, data["appointment"])
    elif kind == EventKind.STEP_ASSIGNED:
        result.assignee = data["assignee"]
    elif kind == EventKind.STEP_ACTION:
        result.assignee = None
        if action == Action.REFUSE:  # written before stop notices: the refusal ended the dossier
            result.state, result.step = State.STOPPED, None
            result.open_consultations = 0
        elif action == Action.RETURN_RESULT:
            result.state, result.step = State.RETURNED, None
        else:
            result.step = data["to_step"]
            # Entering a hand-over step (or ending the workflow) means the result is ready.
            result.state = data["state"] if data["state"] == State.RESULT_READY else State.IN_PROCESS
    elif kind == EventKind.SUPPLEMENT_REQUESTED:
        result.state = State.SUPPLEMENT
        result.supplement_count += 1
    elif kind == EventKind.SUPPLEMENT_PROVIDED:
        result.state = State.SUBMITTED if result.state == State.RECEPTION_SUPPLEMENT else State.IN_PROCESS
        _set_appointment(result, kind, data["appointment"])
    elif kind == EventKind.CONSULTATION_REQUESTED:
        result.state = State.CONSULTING
        result.open_consultations += 1
    elif kind == EventKind.CONSULTATION_ANSWERED:
        result.state = State.IN_PROCESS
        result.open_consultations -= 1
    elif kind in (EventKind.APOLOGY_SIGNED, EventKind.EXTENDED):
        _set_appointment(result, kind, data["appointment"])
    elif kind == EventKind.WITHDRAWN:
        result.state, result.step = State.WITHDRAWN, None
        result.open_consultations = 0
        result.withdrawal_pending = False
    elif kind == EventKind.WITHDRAWAL_REQUESTED:
        result.withdrawal_pending = True
    elif kind == EventKind.WITHDRAWAL_DECLINED:
        result.withdrawal_pending = False
    elif kind == EventKind.STOPPED:
        result.state, result.step = State.STOPPED, None
        result.assignee = None
        result.open_consultations = 0


def replay(events: Iterable[DossierEvent]) -> ReplayedState:
    """Fold the events (in sequence order) into the state they describe."""
    result = ReplayedState()
    for event in events:
        _apply(result, event)
    return result


def current_as_replayed(dossier: Dossier) -> ReplayedState:
    """The stored dossier in the shape ``replay`` returns, for comparison."""
    step = dossier.current_step
    return ReplayedState(
        state=dossier.state,
        step=step.step.code if step is not None else None,
        appointment=dossier.appointment_at.astimezone(dt.UTC).isoformat() if dossier.appointment_at else None,
        competent_agency=dossier.competent_agency_id,
        assignee=step.assignee_id if step is not None else None,
        supplement_count=dossier.supplement_count,
        open_consultations=dossier.consultations.filter(answered_at__isnull=True).count(),
        withdrawal_pending=dossier.withdrawal_pending,
    )
