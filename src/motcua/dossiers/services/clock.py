"""The dossier's clock stopped while the applicant is asked for something, and started again with what was
left: a supplement during processing (the time limit runs from receipt of the complete dossier, form 02 of
Circular 03/2025/TT-VPCP: docs/legal-basis.md section 8) and a financial obligation asked during processing
where the catalog's ``payment.clock`` says "paused" (national status 6: section 20). One place for both, so
that the appointment and the step's deadline move the same way whatever stopped them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.dossiers import lookups
from motcua.dossiers.models import Dossier


def stop(dossier: Dossier, now: dt.datetime) -> None:
    """Stop the clock now: keep the working hours left until the appointment and the step's deadline."""
    current = dossier.current_step
    assert current is not None and dossier.appointment_at is not None
    dossier.paused_at = now
    dossier.paused_remaining_hours = lookups.working_hours_between(
        start=now, end=dossier.appointment_at, agency_id=dossier.competent_agency_id
    )
    dossier.paused_step_remaining_hours = lookups.working_hours_between(
        start=now, end=current.deadline, agency_id=current.agency_id
    )


def appointment_resumed(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """The appointment when the clock starts again now with the hours that were left."""
    remaining = max(dossier.paused_remaining_hours or Decimal(0), Decimal(0))
    return lookups.add_working_hours(start=now, hours=remaining, agency_id=dossier.competent_agency_id)


def resume_step(dossier: Dossier, now: dt.datetime) -> None:
    """The current step's deadline with the hours it had left, never earlier than it was (saved)."""
    current = dossier.current_step
    if current is None:
        return
    remaining = max(dossier.paused_step_remaining_hours or Decimal(0), Decimal(0))
    current.deadline = max(
        current.deadline, lookups.add_working_hours(start=now, hours=remaining, agency_id=current.agency_id)
    )
    current.save(update_fields=["deadline"])


def clear(dossier: Dossier) -> None:
    """The clock runs: nothing kept from a stop."""
    dossier.paused_at = None
    dossier.paused_remaining_hours = None
    dossier.paused_step_remaining_hours = None
