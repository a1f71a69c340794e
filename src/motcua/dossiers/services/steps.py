"""The current step of a dossier: who performs a workflow step, entering it, closing it, and the copy of
the current step the dossier row keeps for the inbox (``save_dossier``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action, PerformerRule, WorkflowStep
from motcua.core.errors import DomainError
from motcua.dossiers import lookups
from motcua.dossiers.models import Dossier, DossierStep, State, StepOutcome
from motcua.org.models import Agency, AgencyKind, Role, Staff


def save_dossier(dossier: Dossier) -> None:
    # The inbox reads the current step's agency, role, assignee and deadline from the dossier row itself.
    step = dossier.current_step
    dossier.step_agency_id = step.agency_id if step is not None else None
    dossier.step_role = step.role if step is not None else ""
    dossier.step_assignee_id = step.assignee_id if step is not None else None
    dossier.step_deadline = step.deadline if step is not None else None
    dossier.save()


def _performer_agency(dossier: Dossier, step: WorkflowStep, on: dt.date) -> Agency:
    if step.performer == PerformerRule.COMPETENT:
        return dossier.competent_agency
    if step.performer == PerformerRule.RECEIVING:
        return dossier.receiving_agency
    if step.performer == PerformerRule.NAMED and step.performer_agency is not None:
        return step.performer_agency
    if step.performer == PerformerRule.PLACE_COMMUNE:
        return lookups.resolve_place_commune(place_unit=dossier.place_unit, on=on)
    raise DomainError(
        "workflow.no_performer", _("Không xác định được cơ quan thực hiện bước “%(step)s”."), step=step.name
    )


def enter_step(
    dossier: Dossier, step: WorkflowStep, *, now: dt.datetime, handed_over_by: Staff | None
) -> None:
    agency = _performer_agency(dossier, step, timezone.localdate(now))
    sequence = (dossier.steps.aggregate(m=Max("sequence"))["m"] or 0) + 1
    role = step.role
    if role == Role.RECEPTION_OFFICER and agency.kind == AgencyKind.POST_OFFICE:
        # A post office receives and hands results over through its postal staff (Decision 45/2016/QĐ-TTg).
        role = Role.POSTAL_STAFF
    current = DossierStep.objects.create(
        dossier=dossier,
        province_code=dossier.province_code,
        sequence=sequence,
        step=step,
        agency=agency,
        role=role,
        handed_over_by=handed_over_by,
        started_at=now,
        deadline=lookups.add_working_hours(
            start=now, hours=Decimal(step.allotment_hours), agency_id=agency.pk
        ),
    )
    dossier.current_step = current
    if Action.RETURN_RESULT in step.actions:
        dossier.state = State.RESULT_READY
        dossier.finished_at = dossier.finished_at or now
    else:
        dossier.state = State.IN_PROCESS


def close_step(dossier: Dossier, *, by: Staff | None, action: str, now: dt.datetime) -> DossierStep | None:
    current = dossier.current_step
    if current is None:
        return None
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
    current.save(update_fields=["finished_at", "finished_by", "action", "spent_hours", "outcome"])
    dossier.current_step = None
    return current
