"""The workflow engine: the current step's movement actions (forward, approve, sign, return, refuse,
return_result) and the assignment of a step to one staff member.

``refuse`` is the competent agency's leader stopping the dossier at their step: it issues and signs the stop
notice (form 05, ``services.stops``); anyone else is refused by the access policy and proposes a stop.

``sign`` is not a movement of this generic path: a leader's digital signature needs the result document and
the authenticator's code again, which only ``motcua.signing.services.sign`` asks; it then moves the step with
``services.signature_step.pass_sign_step`` (a module only the signing app may import: pyproject's
import-linter contract ``sign-step``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action, Transition, WorkflowStep
from motcua.core import request_cache
from motcua.core.errors import DomainError
from motcua.dossiers import access, errors, events, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, DossierStep, State
from motcua.dossiers.services import stored
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import close_step, enter_step, save_dossier
from motcua.dossiers.services.stops import stop_at_step
from motcua.dossiers.services.unit import service
from motcua.org.models import Agency, Staff


def _transitions(step: WorkflowStep, action: str) -> list[Transition]:
    return list(lookups.step_transitions(step_id=step.pk, action=action))


def _target_of(
    step: WorkflowStep, action: str, target_step: str | None, dossier: Dossier, transitions: list[Transition]
) -> WorkflowStep | None:
    if action == Action.RETURN:
        earlier = [t.target for t in transitions if t.target is not None and t.target.order < step.order]
        if not transitions:
            # No explicit return transitions: any earlier step this dossier went through.
            visited = set(dossier.steps.values_list("step_id", flat=True))
            earlier = list(step.workflow.steps.filter(order__lt=step.order, pk__in=visited))
        if target_step:
            earlier = [s for s in earlier if s.code == target_step]
        if len(earlier) != 1:
            raise DomainError("action.choose_target", _("Vui lòng chọn bước trước để trả lại."))
        return earlier[0]
    if not transitions:
        if action in (Action.REFUSE, Action.RETURN_RESULT):
            return None
        raise DomainError(
            "action.no_transition", _("Quy trình không quy định bước tiếp theo cho thao tác này.")
        )
    if target_step:
        transitions = [t for t in transitions if (t.target.code if t.target else None) == target_step]
    if len(transitions) != 1:
        raise DomainError("action.choose_target", _("Vui lòng chọn bước tiếp theo."))
    return transitions[0].target


def _requires_reason(action: str, transitions: list[Transition]) -> bool:
    return action in (Action.RETURN, Action.REFUSE) or any(t.requires_reason for t in transitions)


@request_cache.scope()  # positions and the calendar version read once per call
@service
def perform(
    *,
    dossier: Dossier,
    by: Any,
    action: str,
    reason: str = "",
    target_step: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Take the current step with one of the movement actions the workflow allows.

    forward / approve / sign / issue_number go to their transition's target (``target_step`` picks one
    when several are defined); return goes back to an earlier step; refuse (a leader of the competent agency)
    ends the dossier with a signed stop notice (form 05); return_result
    hands the result over and closes the dossier. Supplements and consultations have their own services;
    ``sign`` is refused here: the signing service signs (the engine's guard, docs/signing.md).
    """
    if action == Action.SIGN:
        # Who may not sign here learns why (the one access policy); who may is sent to the signing service.
        denied = access.refusal(by, action, dossier, on=timezone.localdate(now or timezone.now()))
        if denied is not None:
            raise denied
        raise DomainError(
            errors.SIGN_NEEDS_SIGNING,
            _(
                "Ký số chỉ thực hiện được bằng chức năng ký số của hệ thống: cần văn bản kết quả và mã "
                "xác thực của người ký (mục “Ký số” trên trang hồ sơ)."
            ),
        )
    return move(
        dossier=dossier,
        by=by,
        action=action,
        reason=reason,
        target_step=target_step,
        now=now,
        origin=origin,
    )


def move(
    *,
    dossier: Dossier,
    by: Any,
    action: str,
    reason: str = "",
    target_step: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The movement itself, ``sign`` included: called by ``perform`` (every action but ``sign``) and by
    ``signature_step.pass_sign_step`` (``sign``, for the signing service), in their transaction."""
    now = now or timezone.now()
    if action in (Action.REQUEST_SUPPLEMENT, Action.CONSULT):
        raise DomainError(
            "action.use_service", _("Thao tác này cần thông tin riêng (danh sách bổ sung, cơ quan).")
        )
    if action not in Action.values:
        raise DomainError("action.not_allowed", _("Thao tác không hợp lệ."))
    # A movement's first write is the dossier's UPDATE (``steps.save_dossier``), which checks the version.
    # A refusal signs a stop notice another service may hold, so it takes the row first.
    dossier = access.check(
        by, dossier, action, on=timezone.localdate(now), lock_on_write=action != Action.REFUSE
    )
    staff = access.staff_of(by)
    assert staff is not None
    if dossier.current_step is None:
        # The workflow ended without a hand-over step: the receiving point returns the result.
        return _finish_return(dossier, by=by, staff=staff, now=now, origin=origin, closed_step=None)
    step = dossier.current_step.step
    transitions = _transitions(step, action)
    if _requires_reason(action, transitions):
        reason = require_reason(reason)
    if action == Action.REFUSE:
        return stop_at_step(dossier, by=by, staff=staff, reasons=reason, now=now, origin=origin)
    target = _target_of(step, action, target_step, dossier, transitions)
    from_step = step.code
    acting = lookups.agency(pk=dossier.current_step.agency_id) if dossier.current_step else None
    closed = close_step(dossier, by=staff, action=action, now=now)
    if action == Action.RETURN_RESULT:
        return _finish_return(
            dossier,
            by=by,
            staff=staff,
            now=now,
            origin=origin,
            closed_step=closed,
            reason=reason,
            agency=acting,
        )
    if target is None:
        # The workflow ends here: the result is ready to be returned.
        dossier.state = State.RESULT_READY
        dossier.finished_at = dossier.finished_at or now
    else:
        enter_step(dossier, target, now=now, handed_over_by=staff)
    save_dossier(dossier)
    events.step_action(
        dossier,
        by=by,
        now=now,
        origin=origin,
        action=action,
        agency=acting,
        reason=reason,
        from_step=from_step,
        to_step=target.code if target else None,
        outcome=closed.outcome if closed else "",
        closed=closed,
    )
    return dossier


def _finish_return(
    dossier: Dossier,
    *,
    by: Any,
    staff: Staff | None,
    now: dt.datetime,
    origin: str,
    closed_step: DossierStep | None,
    reason: str = "",
    agency: Agency | None = None,
) -> Dossier:
    dossier.current_step = None
    dossier.state = State.RETURNED
    dossier.finished_at = dossier.finished_at or now
    dossier.returned_at = now
    dossier.closed_at = now
    save_dossier(dossier)
    # The result handed over goes into the citizen's data store (services.stored), in this transaction.
    stored.file_results(dossier, by=staff, now=now)
    events.step_action(
        dossier,
        by=by,
        now=now,
        origin=origin,
        action=Action.RETURN_RESULT,
        agency=agency,
        reason=reason,
        from_step=closed_step.step.code if closed_step else None,
        to_step=None,
        outcome=closed_step.outcome if closed_step else "",
        closed=closed_step,
    )
    return dossier


@service
def assign_step(
    *, dossier: Dossier, by: Any, assignee: Staff, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Give the current step to one qualified staff member (a head or leader of the step's agency, or the
    staff member taking it for themself)."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    dossier = access.check(by, dossier, Act.ASSIGN, on=on, subject=assignee.pk)
    current = dossier.current_step
    assert current is not None
    if not access.actor(assignee.user, on).holds(current.role, {current.agency_id}):
        raise DomainError(
            "step.assignee_unqualified", _("Người được giao không đảm nhận vai trò của bước này.")
        )
    current.assignee = assignee
    current.save(update_fields=["assignee"])
    save_dossier(dossier)
    events.step_assigned(dossier, by=by, now=now, origin=origin, assignee=assignee)
    return dossier
