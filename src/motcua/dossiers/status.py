"""How a dossier's internal state reads to the outside world and against the clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from motcua.dossiers import lookups
from motcua.dossiers.constants import TERMINAL_STATES, NationalStatus, State, TimeStatus

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierStep

__all__ = ["TimeStatus", "due_at", "due_soon_hours", "national_status", "step_time_status", "time_status"]


def due_soon_hours() -> Decimal:
    """Working hours before a deadline from which it counts as due soon (setting MOTCUA_DUE_SOON_HOURS)."""
    return Decimal(str(getattr(settings, "MOTCUA_DUE_SOON_HOURS", 8)))


def national_status(dossier: Dossier) -> NationalStatus:
    """The national portal's status. A pending withdrawal request shows as 7 "Công dân yêu cầu rút hồ sơ"
    until the competent agency decides it (processing may go on meanwhile); an accepted one stays 7
    [kiểm tra: the national vocabulary has no separate "withdrawn" status]."""
    state = dossier.state
    if dossier.withdrawal_pending and state not in TERMINAL_STATES:
        return NationalStatus.WITHDRAWN
    if state == State.IN_PROCESS:
        step = dossier.current_step
        return (
            NationalStatus.RECEIVED if step is not None and step.sequence == 1 else NationalStatus.IN_PROCESS
        )
    return {
        State.SUBMITTED: NationalStatus.NEW,
        State.RECEPTION_SUPPLEMENT: NationalStatus.SUPPLEMENT,
        State.REFUSED_AT_RECEPTION: NationalStatus.NOT_RECEIVED,
        State.SUPPLEMENT: NationalStatus.SUPPLEMENT,
        State.CONSULTING: NationalStatus.IN_PROCESS,
        State.RESULT_READY: NationalStatus.PROCESSED,
        State.STOPPED: NationalStatus.STOPPED,
        State.WITHDRAWN: NationalStatus.WITHDRAWN,
        State.RETURNED: NationalStatus.RETURNED,
        # Not yet on the national portal (assisted submission pending): nothing is synced in these states.
        State.AWAITING_CONFIRMATION: NationalStatus.NEW,
        State.RECORDED_OFFLINE: NationalStatus.NEW,
        State.AWAITING_PAYMENT: NationalStatus.FINANCIAL,
    }[State(state)]


def _against(deadline: dt.datetime, now: dt.datetime, agency_id: int | None) -> TimeStatus:
    if now > deadline:
        return TimeStatus.OVERDUE
    if lookups.working_hours_between(start=now, end=deadline, agency_id=agency_id) <= due_soon_hours():
        return TimeStatus.DUE_SOON
    return TimeStatus.ON_TIME


def due_at(dossier: Dossier) -> dt.datetime | None:
    """The moment lateness is measured against: the first appointment (``initial_appointment_at``), not the
    one an apology moved (legal.md: the service index measures lateness against the first appointment)."""
    return dossier.initial_appointment_at or dossier.appointment_at


def counts_late_for_supplements(dossier: Dossier) -> bool:
    """More than one supplement request during processing: the service index (Decision 766/QĐ-TTg,
    indicator 2.1) counts the dossier late whatever its dates (docs/legal-basis.md section 8)."""
    return dossier.supplement_count > 1


# States whose clock may be stopped: a supplement, the fee asked during processing (clock "paused").
PAUSABLE_STATES = frozenset({State.SUPPLEMENT, State.AWAITING_PAYMENT})


def time_status(*, dossier: Dossier, now: dt.datetime) -> TimeStatus | None:
    """On time, due soon or overdue against the first appointment; None before reception.

    While the clock is stopped (waiting for a supplement) the remaining time is frozen. A finished
    dossier is judged by when processing finished, and is late when it had more than one supplement request.
    An apology moves the appointment shown to the applicant, never this: a late dossier stays late.
    """
    due = due_at(dossier)
    if due is None:
        return None
    if dossier.state in PAUSABLE_STATES and dossier.paused_remaining_hours is not None:
        remaining = dossier.paused_remaining_hours
        if due != dossier.appointment_at and dossier.paused_at is not None:
            remaining = lookups.working_hours_between(
                start=dossier.paused_at, end=due, agency_id=dossier.competent_agency_id
            )
        if remaining < 0:
            return TimeStatus.OVERDUE
        return TimeStatus.DUE_SOON if remaining <= due_soon_hours() else TimeStatus.ON_TIME
    if (dossier.finished_at or dossier.closed_at) is not None and counts_late_for_supplements(dossier):
        return TimeStatus.OVERDUE
    if dossier.finished_at is not None:
        return TimeStatus.OVERDUE if dossier.finished_at > due else TimeStatus.ON_TIME
    if dossier.closed_at is not None:
        return TimeStatus.OVERDUE if dossier.closed_at > due else TimeStatus.ON_TIME
    return _against(due, now, dossier.competent_agency_id)


def step_time_status(*, step: DossierStep, now: dt.datetime) -> TimeStatus:
    end = step.finished_at or now
    if end > step.deadline:
        return TimeStatus.OVERDUE
    if step.finished_at is not None:
        return TimeStatus.ON_TIME
    return _against(step.deadline, now, step.agency_id)
