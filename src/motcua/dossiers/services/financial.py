"""Nghĩa vụ tài chính: the fee asked during processing (national status 6) and the fee received.

The payment itself (reference, amount, transfers, receipt) is motcua.payments'; here the dossier's side: its
state, its clock (the catalog's ``payment.clock``: "paused" stops it as a supplement request does, and the
appointment and the step's deadline move by the waiting time) and its events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from motcua.catalog import fees
from motcua.dossiers import access, events, locking, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, State
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service


@service
def await_payment(
    *,
    dossier: Dossier,
    by: Any,
    amount: int,
    reference: str,
    order: dict[str, Any],
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Yêu cầu thực hiện nghĩa vụ tài chính at the current step: national status 6 until paid; the clock
    stops when the version's fee rules say ``payment.clock`` "paused"."""
    now = now or timezone.now()
    dossier = access.check(by, dossier, Act.REQUEST_PAYMENT, on=timezone.localdate(now))
    current = dossier.current_step
    assert current is not None and dossier.appointment_at is not None
    if fees.payment_terms(dossier.procedure_version.fee_rules).clock == "paused":
        dossier.paused_at = now
        dossier.paused_remaining_hours = lookups.working_hours_between(
            start=now, end=dossier.appointment_at, agency_id=dossier.competent_agency_id
        )
        dossier.paused_step_remaining_hours = lookups.working_hours_between(
            start=now, end=current.deadline, agency_id=current.agency_id
        )
    dossier.state = State.AWAITING_PAYMENT
    save_dossier(dossier)
    events.payment_requested(
        dossier, by=by, now=now, origin=origin, amount=amount, reference=reference, sync=True, order=order
    )
    return dossier


@service
def payment_received(
    *, dossier: Dossier, amount: int, reference: str, receipt: str, now: dt.datetime, origin: str = "payments"
) -> Dossier:
    """The fee arrived in full. A dossier waiting for it (status 6) goes back in process: a stopped clock
    resumes with what was left, the appointment and the step's deadline never earlier than they were."""
    dossier = locking.lock(dossier, check_version=False)
    waiting = dossier.state == State.AWAITING_PAYMENT
    if waiting:
        if dossier.paused_at is not None:
            _resume_clock(dossier, now)
        dossier.paused_at = None
        dossier.paused_remaining_hours = None
        dossier.paused_step_remaining_hours = None
        dossier.state = State.IN_PROCESS
        save_dossier(dossier)
    events.payment_received(
        dossier,
        by=None,
        now=now,
        origin=origin,
        amount=amount,
        reference=reference,
        receipt=receipt,
        sync=waiting,
    )
    return dossier


def _resume_clock(dossier: Dossier, now: dt.datetime) -> None:
    assert dossier.appointment_at is not None
    remaining = max(dossier.paused_remaining_hours or Decimal(0), Decimal(0))
    new = lookups.add_working_hours(start=now, hours=remaining, agency_id=dossier.competent_agency_id)
    dossier.appointment_at = max(dossier.appointment_at, new)
    current = dossier.current_step
    if current is not None:
        remaining_step = max(dossier.paused_step_remaining_hours or Decimal(0), Decimal(0))
        current.deadline = max(
            current.deadline,
            lookups.add_working_hours(start=now, hours=remaining_step, agency_id=current.agency_id),
        )
        current.save(update_fields=["deadline"])
