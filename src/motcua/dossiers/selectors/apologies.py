"""Apology notices: the dossiers that need one, the notices waiting for a leader's signature, who may draft
or sign, and the new appointment to suggest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from motcua.catalog.models import WorkflowStep
from motcua.core import snapshots
from motcua.dossiers import access, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import ApologyNotice, Dossier, State
from motcua.dossiers.status import due_soon_hours
from motcua.org.models import Role


def dossiers_needing_apology(*, agency_id: int, now: dt.datetime) -> list[Dossier]:
    """Dossiers of the agency still in process whose appointment is near (due-soon hours plus the apology's
    lead days) and that may still get an apology today (form 04 is issued no later than the lead day before
    the appointment, no more often than the catalog allows; ``access.apology_time_refusal``), with no
    draft waiting: candidates for the apology notice. An overdue dossier is past apologies."""
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
        .select_related("current_step", "procedure", "procedure_version")
    )
    on = timezone.localdate(now)
    window = due_soon_hours() + Decimal(8) * access.apology_lead_days()
    return [
        d
        for d in candidates
        if d.appointment_at is not None
        and d.appointment_at > now
        and lookups.working_hours_between(start=now, end=d.appointment_at, agency_id=agency_id) <= window
        and access.apology_time_refusal(d, on) is None
    ]


def apologies_to_sign(*, user: Any, now: dt.datetime) -> QuerySet[ApologyNotice]:
    """Unsigned apology notices of agencies where the user is the leader, for dossiers still open."""
    agencies = (
        access.positions(user=user, on=timezone.localdate(now)).filter(role=Role.LEADER).values("agency_id")
    )
    return (
        ApologyNotice.objects.filter(agency_id__in=agencies, signed_at__isnull=True)
        .exclude(dossier__state__in=TERMINAL_STATES)
        .select_related("dossier__procedure", "drafted_by")
        .order_by("drafted_at", "id")
    )


def can_draft_apology(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.DRAFT_APOLOGY, dossier, on=timezone.localdate(now))


def can_sign_apology(*, notice: ApologyNotice, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.SIGN_APOLOGY, notice.dossier, on=timezone.localdate(now), subject=notice)


def _allotted_from(workflow_id: int, order: int) -> Decimal:
    """Working hours the workflow allots to its steps from ``order`` on (a catalog snapshot)."""

    def read() -> Decimal:
        hours = WorkflowStep.objects.filter(workflow_id=workflow_id, order__gte=order)
        return sum(hours.values_list("allotment_hours", flat=True), Decimal(0))

    return snapshots.remember("catalog", ("apologies.allotted_from", workflow_id, order), read)


def suggested_new_appointment(*, dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """A new appointment to offer in an apology notice: now plus the working time the workflow allots to the
    steps from the current one on, and at least one working day after the current appointment."""
    agency_id = dossier.competent_agency_id
    step = dossier.current_step
    remaining = Decimal(8)
    if step is not None:
        remaining = max(_allotted_from(step.step.workflow_id, step.step.order), remaining)
    appointment = dossier.appointment_at or now
    floor = lookups.add_working_hours(start=max(appointment, now), hours=Decimal(8), agency_id=agency_id)
    proposed = lookups.add_working_hours(start=now, hours=remaining, agency_id=agency_id)
    return max(proposed, floor).replace(second=0, microsecond=0)
