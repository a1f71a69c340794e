"""Thông báo dừng giải quyết hồ sơ (Circular 03/2025/TT-VPCP, Annex I, form 05): ending a dossier after its
receipt, without a result.

Refusal after review is decided by the competent authority with a written notice and reasons that the citizen
receives (Decree 118/2025/NĐ-CP [kiểm tra the article]; docs/legal-basis.md section 6). So the officer holding
the current step proposes the stop with the reasons (``propose_stop``); a leader of the competent agency signs
it (``sign_stop``: the dossier ends, state ``stopped``, national status 8) or declines it with a note
(``decline_stop``: the dossier continues). The leader may also stop the dossier at their own workflow step
(action ``refuse``, ``workflow.perform``), which issues and signs the notice in one go (``stop_at_step``).

A dossier refused *before* its receipt is not stopped: the one-stop desk refuses reception (form 03, national
status 3, ``reception.refuse_reception``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.catalog.models import Action
from motcua.dossiers import access, events
from motcua.dossiers.access import Act
from motcua.dossiers.models import Consultation, Dossier, State, StopNotice
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import close_step, save_dossier
from motcua.dossiers.services.unit import service
from motcua.org.models import Staff


@service
def propose_stop(
    *, dossier: Dossier, by: Any, reasons: str, now: dt.datetime | None = None, origin: str = ""
) -> StopNotice:
    """Đề xuất dừng giải quyết: the officer handling the current step states the reasons; nothing ends yet."""
    now = now or timezone.now()
    reasons = require_reason(reasons)
    dossier = access.check(by, dossier, Act.PROPOSE_STOP, on=timezone.localdate(now))
    staff = access.staff_of(by)
    assert staff is not None
    notice = StopNotice.objects.create(
        dossier=dossier,
        agency=dossier.competent_agency,
        reasons=reasons,
        proposed_by=staff,
        proposed_at=now,
    )
    save_dossier(dossier)
    events.stop_proposed(dossier, by=by, now=now, origin=origin, notice=notice)
    return notice


@service
def sign_stop(
    *,
    notice: StopNotice,
    by: Any,
    reasons: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The leader of the competent agency signs the notice (with the reasons as proposed, or as the leader
    rewrites them): the dossier ends and the applicant receives the notice and its reasons."""
    now = now or timezone.now()
    dossier = access.check(
        by, notice.dossier, Act.SIGN_STOP, on=timezone.localdate(now), subject=notice, check_version=False
    )
    if reasons.strip():
        notice.reasons = require_reason(reasons)
    staff = access.staff_of(by)
    assert staff is not None
    return _stop(dossier, notice=notice, by=by, staff=staff, action="", now=now, origin=origin)


@service
def decline_stop(
    *, notice: StopNotice, by: Any, note: str, now: dt.datetime | None = None, origin: str = ""
) -> StopNotice:
    """The leader does not agree to stop: the note says why; the dossier continues where it is."""
    now = now or timezone.now()
    note = require_reason(note)
    dossier = access.check(
        by, notice.dossier, Act.DECLINE_STOP, on=timezone.localdate(now), subject=notice, check_version=False
    )
    notice.outcome = StopNotice.Outcome.DECLINED
    notice.decided_by = access.staff_of(by)
    notice.decided_at = now
    notice.decision_note = note
    notice.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    save_dossier(dossier)
    events.stop_declined(dossier, by=by, now=now, origin=origin, notice=notice)
    return notice


def stop_at_step(
    dossier: Dossier, *, by: Any, staff: Staff, reasons: str, now: dt.datetime, origin: str
) -> Dossier:
    """The workflow's ``refuse`` at the leader's step (the access policy checked the leader): the pending
    proposal, if any, is signed with the leader's reasons; otherwise the leader's own notice is."""
    notice = StopNotice.objects.filter(dossier=dossier, outcome=StopNotice.Outcome.PENDING).first()
    if notice is None:
        notice = StopNotice(
            dossier=dossier, agency=dossier.competent_agency, proposed_by=staff, proposed_at=now
        )
    notice.reasons = reasons
    return _stop(dossier, notice=notice, by=by, staff=staff, action=Action.REFUSE, now=now, origin=origin)


def _stop(
    dossier: Dossier,
    *,
    notice: StopNotice,
    by: Any,
    staff: Staff,
    action: str,
    now: dt.datetime,
    origin: str,
) -> Dossier:
    notice.outcome = StopNotice.Outcome.SIGNED
    notice.decided_by = staff
    notice.decided_at = now
    notice.save()
    current = dossier.current_step
    from_step = current.step.code if current is not None else None
    closed = close_step(dossier, by=staff, action=Action.REFUSE, now=now)
    # A consultation still open has no one left to answer: close it, as a withdrawal does.
    Consultation.objects.filter(dossier=dossier, answered_at__isnull=True).update(answered_at=now, answer="")
    dossier.state = State.STOPPED
    dossier.finished_at = now
    dossier.closed_at = now
    dossier.paused_at = None
    save_dossier(dossier)
    events.stopped(
        dossier,
        by=by,
        now=now,
        origin=origin,
        notice=notice,
        action=action,
        from_step=from_step,
        outcome=closed.outcome if closed else "",
        closed=closed,
    )
    return dossier
