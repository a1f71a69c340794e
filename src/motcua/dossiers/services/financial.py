"""Nghĩa vụ tài chính: the fee asked during processing (national status 6) and the fee received.

The payment itself (reference, amount, transfers, receipt) is motcua.payments'; here the dossier's side: its
state, its clock (the catalog's ``payment.clock``: "paused" stops it as a supplement request does, and the
appointment and the step's deadline move by the waiting time) and its events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.catalog import fees
from motcua.dossiers import access, events, locking
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, State
from motcua.dossiers.services import clock
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
        clock.stop(dossier, now)
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
    # Only a dossier waiting for the fee changes state (an officer's page of it is then stale): the version
    # moves for that alone; a fee paid at submission is a fact beside the dossier (``locking.hold``).
    dossier = locking.hold(dossier)
    waiting = dossier.state == State.AWAITING_PAYMENT
    if waiting:
        dossier = locking.lock(dossier)
        if dossier.paused_at is not None:
            # The clock only stopped: an appointment never moves earlier.
            assert dossier.appointment_at is not None
            dossier.appointment_at = max(dossier.appointment_at, clock.appointment_resumed(dossier, now))
            clock.resume_step(dossier, now)
        clock.clear(dossier)
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
