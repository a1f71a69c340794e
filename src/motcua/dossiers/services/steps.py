"""The current step of a dossier: who performs a workflow step, entering it, closing it, and the copy of
the current step the dossier row keeps for the inbox (``save_dossier``).

Entering and closing a step only change the service's objects; ``save_dossier`` writes them with the dossier
row, in an order that never waits on a row another service holds while holding one it wants (the dossier row
first: every service locks it before its steps)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action, PerformerRule, WorkflowStep
from motcua.core.errors import DomainError
from motcua.dossiers import locking, lookups
from motcua.dossiers.models import Dossier, DossierStep, State, StepOutcome
from motcua.org.models import Agency, AgencyKind, Role, Staff

# The steps entered and closed by the service, written by ``save_dossier``.
_CLOSED = "_closed_steps"
_STEP_COLUMNS = ["finished_at", "finished_by", "action", "spent_hours", "outcome"]


def _new_step_id() -> RawSQL:
    """A fresh id for the step the dossier's UPDATE points at before the step is inserted (the foreign key is
    checked at commit): drawn from the identity sequence on PostgreSQL; on SQLite, which runs one writer at a
    time, the next one above the table's ids."""
    meta = DossierStep._meta
    if connection.vendor == "postgresql":
        return RawSQL(f"nextval(pg_get_serial_sequence('{meta.db_table}', '{meta.pk.column}'))", [])
    quote = connection.ops.quote_name
    return RawSQL(
        f"SELECT COALESCE(MAX({quote(str(meta.pk.column))}), 0) + 1 FROM {quote(meta.db_table)}", []
    )


def _id_taken_by(dossier: Dossier) -> RawSQL:
    quote = connection.ops.quote_name
    table = quote(Dossier._meta.db_table)
    column = quote(Dossier._meta.get_field("current_step").column)
    return RawSQL(f"SELECT {column} FROM {table} WHERE id = %s", [dossier.pk])


def keep_step_on_row(dossier: Dossier) -> None:
    """Copy the current step's performer, assignee and deadline onto the dossier row (the inbox reads it)."""
    step = dossier.current_step
    dossier.step_agency_id = step.agency_id if step is not None else None
    dossier.step_role = step.role if step is not None else ""
    dossier.step_assignee_id = step.assignee_id if step is not None else None
    dossier.step_deadline = step.deadline if step is not None else None


def insert_dossier(dossier: Dossier) -> None:
    """INSERT a new dossier. One that entered a step before its row was written (received and accepted at
    once, ``reception.receive_and_decide``) goes in in its final state: the row points at the step's id
    drawn by the INSERT, then the step is written, as ``save_dossier`` does after an UPDATE."""
    entered = dossier.current_step
    keep_step_on_row(dossier)
    if entered is None:
        dossier.save(force_insert=True)
        return
    dossier.current_step_id = _new_step_id()  # type: ignore[assignment]
    dossier.save(force_insert=True)
    entered.pk = _id_taken_by(dossier)
    entered.save(force_insert=True)
    dossier.current_step = entered


def save_dossier(dossier: Dossier) -> None:
    """Write the dossier row with the steps the service closed and entered.

    The inbox reads the current step's agency, role, assignee and deadline from the dossier row itself.
    With a deferred version check (``locking.defer``) the dossier's UPDATE is the check and comes first, as
    the lock of every other service does: it points at the new step's id drawn there, then the steps are
    written."""
    step = dossier.current_step
    keep_step_on_row(dossier)
    closed: list[DossierStep] = getattr(dossier, _CLOSED, [])
    entered = step if step is not None and step.pk is None else None
    setattr(dossier, _CLOSED, [])
    deferred = locking.deferred(dossier)
    if deferred:
        locking.write(dossier, **({"current_step_id": _new_step_id()} if entered is not None else {}))
        if entered is not None:
            entered.pk = _id_taken_by(dossier)
    _close(closed)
    if entered is not None:
        entered.save(force_insert=True)
        dossier.current_step = entered
    if not deferred:
        dossier.save()


def _close(steps: list[DossierStep]) -> None:
    for step in steps:
        step.save(update_fields=_STEP_COLUMNS)


def _performer_agency(dossier: Dossier, step: WorkflowStep, on: dt.date) -> Agency:
    if step.performer == PerformerRule.COMPETENT:
        return lookups.agency(pk=dossier.competent_agency_id) or dossier.competent_agency
    if step.performer == PerformerRule.RECEIVING:
        return lookups.agency(pk=dossier.receiving_agency_id) or dossier.receiving_agency
    if step.performer == PerformerRule.NAMED and step.performer_agency is not None:
        return step.performer_agency
    if step.performer == PerformerRule.PLACE_COMMUNE:
        return lookups.resolve_place_commune(place_unit=dossier.place_unit, on=on)
    raise DomainError(
        "workflow.no_performer", _("Không xác định được cơ quan thực hiện bước “%(step)s”."), step=step.name
    )


def performer_of(dossier: Dossier, step: WorkflowStep, *, on: dt.date) -> tuple[Agency, str]:
    """Who performs ``step`` of this dossier: the agency its performer rule names and the role there (the
    officer's page names them on the route and on the forward button before the step is entered)."""
    agency = _performer_agency(dossier, step, on)
    role = step.role
    if role == Role.RECEPTION_OFFICER and agency.kind == AgencyKind.POST_OFFICE:
        # A post office receives and hands results over through its postal staff (Decision 45/2016/QĐ-TTg).
        role = Role.POSTAL_STAFF
    return agency, role


def enter_step(
    dossier: Dossier, step: WorkflowStep, *, now: dt.datetime, handed_over_by: Staff | None
) -> None:
    """Make ``step`` the current one (written by ``save_dossier``)."""
    agency, role = performer_of(dossier, step, on=timezone.localdate(now))
    dossier.current_step = DossierStep(
        dossier=dossier,
        province_code=dossier.province_code,
        sequence=locking.next_sequence(DossierStep, dossier),
        step=step,
        agency=agency,
        role=role,
        handed_over_by=handed_over_by,
        started_at=now,
        deadline=lookups.add_working_hours(
            start=now, hours=Decimal(step.allotment_hours), agency_id=agency.pk
        ),
    )
    if Action.RETURN_RESULT in step.actions:
        dossier.state = State.RESULT_READY
        dossier.finished_at = dossier.finished_at or now
    else:
        dossier.state = State.IN_PROCESS


def close_step(dossier: Dossier, *, by: Staff | None, action: str, now: dt.datetime) -> DossierStep | None:
    """Finish the current step (written by ``save_dossier``); returns it, or None without one."""
    if dossier.current_step is None:
        return None
    current = copy.copy(dossier.current_step)  # the caller's objects stay as they were if the change fails
    current.finished_at = now
    current.finished_by = by
    current.action = action
    current.spent_hours = lookups.working_hours_between(
        start=current.started_at, end=now, agency_id=current.agency_id
    )
    if now > current.deadline:
        current.outcome = StepOutcome.LATE
    elif timezone.localdate(now) < timezone.localdate(current.deadline):
        current.outcome = StepOutcome.EARLY
    else:
        current.outcome = StepOutcome.ON_TIME
    setattr(dossier, _CLOSED, [*getattr(dossier, _CLOSED, []), current])
    dossier.current_step = None
    return current
