"""The one access policy of the dossier engine: may this user do this action to this dossier now, and
which dossiers may this user see.

Services call ``check`` first (check, then do: it refuses with the rule's DomainError, then takes the row);
the pages' buttons and menu entries come from ``may`` / ``allowed_actions``, so what is shown and what is
allowed cannot differ. A user acts through the positions they hold on the day (``positions``: active staff,
active account, position and agency in force). docs/dossiers.md has the table: action → who, which states,
which channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.core.errors import DomainError
from motcua.dossiers import errors
from motcua.dossiers.constants import (
    ASSIGNABLE_STATES,
    OVERRIDABLE_STATES,
    RATEABLE_STATES,
    RECEPTION_STATES,
    REFUSABLE_AT_RECEPTION_STATES,
    RESULT_STATES,
    STEP_STATES,
    SUPPLEMENT_STATES,
    TERMINAL_STATES,
    WITHDRAWABLE_STATES,
    Channel,
    RatingChannel,
    State,
)
from motcua.dossiers.locking import lock
from motcua.dossiers.models import ApologyNotice, Consultation, Dossier, DossierStep, SatisfactionRating
from motcua.org import selectors as org_selectors
from motcua.org.models import Position, ReceptionPoint, Role, Staff


class Act:
    """Actions that are not workflow step actions (those are ``catalog.models.Action``)."""

    ACCEPT = "accept"
    REQUEST_RECEPTION_SUPPLEMENT = "request_reception_supplement"
    REFUSE_RECEPTION = "refuse_reception"
    SUPPLY = "supply"
    WITHDRAW = "withdraw"
    RATE = "rate"
    ASSIGN = "assign"
    OVERRIDE_COMPETENCE = "override_competence"
    ANSWER_CONSULTATION = "answer_consultation"
    DRAFT_APOLOGY = "draft_apology"
    SIGN_APOLOGY = "sign_apology"
    ATTACH_RESULT = "attach_result"
    REMOVE_RESULT = "remove_result"


RECEPTION_ACTS = (Act.ACCEPT, Act.REQUEST_RECEPTION_SUPPLEMENT, Act.REFUSE_RECEPTION)
# Step actions that need a dossier in process (not one whose result is ready).
IN_PROCESS_ONLY = {Action.REQUEST_SUPPLEMENT, Action.CONSULT}
# The roles that answer a consultation for their agency.
CONSULTED_ROLES = (Role.SPECIALIST, Role.HEAD, Role.LEADER)


# --- who the user is on the day ------------------------------------------------------------------


def positions(*, user: Any, on: dt.date) -> QuerySet[Position]:
    """The one definition of "position held on the day": active staff with an active account, the position
    and its agency in force (``org.selectors.positions_valid_on``); none for a citizen or a visitor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Position.objects.none()
    return org_selectors.positions_valid_on(on=on).filter(staff__user=user)


@dataclass(frozen=True)
class Held:
    role: str
    agency_id: int
    province_code: str
    reception_point_id: int | None


@dataclass(frozen=True)
class Actor:
    """A user with the positions they hold on one day, read once (a page asks many questions)."""

    user: Any
    on: dt.date
    held: tuple[Held, ...]
    staff_id: int | None

    def holds(self, roles: Any, agencies: Any = None, *, province: str | None = None) -> bool:
        roles = {roles} if isinstance(roles, str) else set(roles)
        return any(
            h.role in roles
            and (agencies is None or h.agency_id in agencies)
            and (province is None or h.province_code == province)
            for h in self.held
        )

    def at(self, agencies: Any) -> bool:
        return any(h.agency_id in agencies for h in self.held)

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


def actor(user: Any, on: dt.date) -> Actor:
    if isinstance(user, Actor):
        return user
    rows = positions(user=user, on=on).values_list(
        "role", "agency_id", "agency__province_code", "reception_point_id", "staff_id"
    )
    held = tuple(Held(r, a, p, rp) for r, a, p, rp, _s in rows)
    staff_id = next((s for *_rest, s in rows), None)
    return Actor(user=user, on=on, held=held, staff_id=staff_id)


def staff_of(user: Any) -> Staff | None:
    """The staff record of ``user`` (None for a citizen, a visitor or nobody)."""
    if user is None:
        return None
    try:
        return user.staff  # type: ignore[no-any-return]
    except Staff.DoesNotExist:
        return None


# --- the refusals -------------------------------------------------------------------------------


def _wrong_state(dossier: Dossier) -> DomainError:
    return DomainError(
        errors.WRONG_STATE,
        _("Hồ sơ đang ở trạng thái “%(state)s”, không thực hiện được thao tác này."),
        state=dossier.get_state_display(),
    )


def _not_step_actor() -> DomainError:
    return DomainError("step.not_allowed", _("Bạn không phải người xử lý bước hiện tại của hồ sơ."))


def _reception_who(dossier: Dossier, who: Actor) -> bool:
    """Reception officers of the receiving or competent agency; postal staff of those agencies only for
    dossiers sent by post."""
    roles = [Role.RECEPTION_OFFICER] + ([Role.POSTAL_STAFF] if dossier.channel == Channel.POST else [])
    return who.holds(roles, {dossier.receiving_agency_id, dossier.competent_agency_id})


def _step_refusal(dossier: Dossier, who: Actor) -> DomainError | None:
    """The user acts on the current step: its role at its agency, and its assignee when it is assigned."""
    step = dossier.current_step
    if step is None or who.staff_id is None or not who.holds(step.role, {step.agency_id}):
        return _not_step_actor()
    if step.assignee_id is not None and step.assignee_id != who.staff_id:
        return DomainError(
            "step.assigned_to_other", _("Bước này đã được giao cho %(name)s."), name=str(step.assignee)
        )
    return None


def _is_applicant(dossier: Dossier, who: Actor) -> bool:
    return dossier.applicant_id is not None and who.user_id == dossier.applicant_id


def _reception(action: str, dossier: Dossier, who: Actor) -> DomainError | None:
    states = REFUSABLE_AT_RECEPTION_STATES if action == Act.REFUSE_RECEPTION else RECEPTION_STATES
    if dossier.state not in states:
        return _wrong_state(dossier)
    if who.staff_id is None or not _reception_who(dossier, who):
        return DomainError("reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ này."))
    return None


def _step_action(action: str, dossier: Dossier, who: Actor) -> DomainError | None:
    if (
        action == Action.RETURN_RESULT
        and dossier.state == State.RESULT_READY
        and dossier.current_step is None
    ):
        # The workflow ended without a hand-over step: the receiving point returns the result.
        if who.staff_id is None or not _reception_who(dossier, who):
            return DomainError("reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ này."))
        return None
    if dossier.state not in STEP_STATES or (action in IN_PROCESS_ONLY and dossier.state != State.IN_PROCESS):
        return _wrong_state(dossier)
    refusal = _step_refusal(dossier, who)
    if refusal is not None:
        return refusal
    step = dossier.current_step
    assert step is not None
    if action not in step.step.actions:
        return DomainError(
            "action.not_allowed",
            _("Thao tác “%(action)s” không được phép ở bước “%(step)s”."),
            action=str(Action(action).label) if action in Action.values else action,
            step=step.step.name,
        )
    if action == Action.REQUEST_SUPPLEMENT and step.role == Role.RECEPTION_OFFICER:
        # The one-stop desk checks completeness before the receipt (the reception supplement); once it has
        # issued the receipt, only the agency that examines the dossier asks for more (form 02).
        return DomainError(
            errors.SUPPLEMENT_RECEPTION_STEP,
            _(
                "Hồ sơ đã được tiếp nhận: Bộ phận Một cửa không yêu cầu bổ sung trong quá trình giải quyết. "
                "Việc yêu cầu bổ sung do cơ quan giải quyết thực hiện; hãy chuyển hồ sơ cho bước tiếp theo."
            ),
        )
    return None


def _supply(dossier: Dossier, who: Actor) -> DomainError | None:
    if dossier.state not in SUPPLEMENT_STATES:
        return _wrong_state(dossier)
    on_behalf = who.holds([Role.RECEPTION_OFFICER, Role.POSTAL_STAFF], province=dossier.province_code)
    if not (_is_applicant(dossier, who) or on_behalf):
        return DomainError(
            "supplement.forbidden", _("Chỉ người nộp hồ sơ hoặc cán bộ tiếp nhận được bổ sung hồ sơ.")
        )
    return None


def _withdraw(dossier: Dossier, who: Actor) -> DomainError | None:
    if dossier.state in TERMINAL_STATES:
        return DomainError(errors.CLOSED, _("Hồ sơ đã kết thúc."))
    officer = who.holds(Role.RECEPTION_OFFICER, {dossier.receiving_agency_id, dossier.competent_agency_id})
    if not (_is_applicant(dossier, who) or officer):
        return DomainError("withdraw.forbidden", _("Chỉ người nộp hồ sơ được rút hồ sơ."))
    if dossier.state not in WITHDRAWABLE_STATES:
        return DomainError("withdraw.too_late", _("Hồ sơ đã có kết quả, không thể rút hồ sơ."))
    return None


def _rate(dossier: Dossier, who: Actor, channel: str) -> DomainError | None:
    if channel == RatingChannel.PORTAL and not _is_applicant(dossier, who):
        return DomainError("rating.forbidden", _("Chỉ người nộp hồ sơ được đánh giá."))
    if dossier.state not in RATEABLE_STATES:
        return DomainError(
            "rating.too_early", _("Hồ sơ được đánh giá sau khi trả kết quả hoặc có văn bản từ chối.")
        )
    if SatisfactionRating.objects.filter(dossier=dossier).exists():
        return DomainError("rating.exists", _("Hồ sơ này đã được đánh giá. Cảm ơn bạn."))
    return None


def _assign(dossier: Dossier, who: Actor, assignee_id: int | None) -> DomainError | None:
    if dossier.state not in ASSIGNABLE_STATES:
        return _wrong_state(dossier)
    step = dossier.current_step
    if step is None:
        return DomainError("step.not_allowed", _("Hồ sơ không ở bước xử lý nào."))
    self_claim = who.staff_id is not None and who.staff_id == assignee_id and step.assignee_id is None
    if not (self_claim or who.holds([Role.HEAD, Role.LEADER], {step.agency_id})):
        return DomainError("step.assign_forbidden", _("Bạn không có quyền phân công bước này."))
    return None


def _override(dossier: Dossier, who: Actor) -> DomainError | None:
    allowed = who.holds(Role.ADMINISTRATOR, province=dossier.province_code) or who.holds(
        Role.LEADER, {dossier.receiving_agency_id, dossier.competent_agency_id}
    )
    if not allowed:
        return DomainError(
            "competence.override_forbidden", _("Bạn không có quyền thay đổi cơ quan có thẩm quyền.")
        )
    if (
        dossier.state not in OVERRIDABLE_STATES
        or DossierStep.objects.filter(dossier=dossier, agency_id=dossier.competent_agency_id).exists()
    ):
        return DomainError(
            "competence.override_late", _("Hồ sơ đã chuyển đến cơ quan có thẩm quyền, không thể thay đổi.")
        )
    return None


def _answer(dossier: Dossier, who: Actor, consultation: Consultation) -> DomainError | None:
    if consultation.answered_at is not None or dossier.state != State.CONSULTING:
        return DomainError("consult.closed", _("Yêu cầu xin ý kiến này đã được trả lời hoặc đã đóng."))
    if not who.holds(CONSULTED_ROLES, {consultation.agency_id}):
        return DomainError("consult.forbidden", _("Bạn không thuộc cơ quan được xin ý kiến."))
    return None


def _not_in_time() -> DomainError:
    return DomainError("apology.not_applicable", _("Hồ sơ không còn trong thời gian xử lý."))


def _draft_apology(dossier: Dossier, who: Actor) -> DomainError | None:
    if dossier.state in TERMINAL_STATES or dossier.appointment_at is None or dossier.finished_at is not None:
        return _not_in_time()
    if not who.at({dossier.competent_agency_id}):
        return DomainError("apology.forbidden", _("Chỉ cơ quan có thẩm quyền được lập văn bản xin lỗi."))
    if ApologyNotice.objects.filter(dossier=dossier, signed_at__isnull=True).exists():
        return DomainError("apology.pending", _("Hồ sơ đã có dự thảo văn bản xin lỗi đang chờ lãnh đạo ký."))
    return None


def _sign_apology(dossier: Dossier, who: Actor, notice: ApologyNotice) -> DomainError | None:
    if notice.signed_at is not None:
        return DomainError("apology.signed", _("Văn bản xin lỗi đã được ký."))
    if not who.holds(Role.LEADER, {notice.agency_id}):
        return DomainError(
            "apology.forbidden", _("Chỉ lãnh đạo cơ quan có thẩm quyền được ký văn bản xin lỗi.")
        )
    if dossier.state in TERMINAL_STATES or dossier.appointment_at is None:
        return _not_in_time()
    return None


def _result(dossier: Dossier, who: Actor) -> DomainError | None:
    """Result files: the performer the current step names (its role at its agency); once the workflow ended
    without a hand-over step, the receiving point's reception."""
    if dossier.state not in RESULT_STATES:
        return _wrong_state(dossier)
    if dossier.current_step is None:
        allowed = _reception_who(dossier, who)
    else:
        allowed = _step_refusal(dossier, who) is None
    if not allowed:
        return DomainError(
            "result.forbidden", _("Chỉ cán bộ của cơ quan đang giải quyết hồ sơ được đính kèm kết quả.")
        )
    return None


def refusal(
    user: Any, action: str, dossier: Dossier, *, on: dt.date, subject: Any = None
) -> DomainError | None:
    """Why ``user`` may not do ``action`` to ``dossier`` on ``on`` (None: they may).

    ``subject`` is what some actions need beside the dossier: the consultation answered, the apology notice
    signed, the assignee's staff id, the rating channel."""
    who = actor(user, on)
    if action in RECEPTION_ACTS:
        return _reception(action, dossier, who)
    if action in Action.values:
        return _step_action(action, dossier, who)
    if action == Act.SUPPLY:
        return _supply(dossier, who)
    if action == Act.WITHDRAW:
        return _withdraw(dossier, who)
    if action == Act.RATE:
        return _rate(dossier, who, subject or RatingChannel.PORTAL)
    if action == Act.ASSIGN:
        return _assign(dossier, who, subject)
    if action == Act.OVERRIDE_COMPETENCE:
        return _override(dossier, who)
    if action == Act.ANSWER_CONSULTATION:
        return _answer(dossier, who, subject)
    if action == Act.DRAFT_APOLOGY:
        return _draft_apology(dossier, who)
    if action == Act.SIGN_APOLOGY:
        return _sign_apology(dossier, who, subject)
    if action in (Act.ATTACH_RESULT, Act.REMOVE_RESULT):
        return _result(dossier, who)
    raise ValueError(f"unknown action {action!r}")


def may(user: Any, action: str, dossier: Dossier, *, on: dt.date, subject: Any = None) -> bool:
    """Whether ``user`` may do ``action`` to ``dossier`` on ``on``: the predicate pages and services share."""
    return refusal(user, action, dossier, on=on, subject=subject) is None


# --- check, then lock (``locking.lock``) ------------------------------------------------------


def check(
    user: Any,
    dossier: Dossier,
    action: str,
    *,
    on: dt.date,
    subject: Any = None,
    check_version: bool = True,
) -> Dossier:
    """Refuse with the rule's DomainError unless ``user`` may do ``action``, then lock the row and return it.

    The lock checks the version the caller saw, so the state the policy judged is the state changed. An action
    reached through a part of the dossier (a consultation, an apology notice, a result file, a rating) takes
    the row as it is (``check_version=False``): the part is read again, the policy judges the locked row."""
    denied = refusal(user, action, dossier, on=on, subject=subject)
    if denied is not None:
        raise denied
    if check_version:
        return lock(dossier)
    locked = lock(dossier, check_version=False)
    if hasattr(subject, "refresh_from_db"):
        subject.refresh_from_db()
    denied = refusal(user, action, locked, on=on, subject=subject)
    if denied is not None:
        raise denied
    return locked


# --- what a page offers --------------------------------------------------------------------------


def allowed_actions(*, user: Any, dossier: Dossier, on: dt.date) -> list[str]:
    """The buttons a page shows: reception decisions, the workflow actions of the current step, and for the
    applicant supply and withdraw. Each is the answer of ``may`` for that action."""
    who = actor(user, on)
    candidates: list[str] = [*RECEPTION_ACTS, Act.SUPPLY, Act.WITHDRAW]
    step = dossier.current_step
    if step is not None:
        candidates += [a for a in step.step.actions if a in Action.values]
    elif dossier.state == State.RESULT_READY:
        candidates.append(Action.RETURN_RESULT)
    return [a for a in dict.fromkeys(candidates) if refusal(who, a, dossier, on=on) is None]


# --- which dossiers, which reception points ------------------------------------------------------


def _involved(agency_ids: set[int]) -> Q:
    steps = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    consulted = Consultation.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    return (
        Q(receiving_agency_id__in=agency_ids)
        | Q(competent_agency_id__in=agency_ids)
        | Q(Exists(steps))
        | Q(Exists(consulted))
    )


def agencies_of(*, user: Any, on: dt.date) -> set[int]:
    """Agencies where the user holds a position on ``on``."""
    return set(positions(user=user, on=on).values_list("agency_id", flat=True))


def visible_dossiers(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """Dossiers the user may read: their own as applicant, and those of agencies where they hold a position
    (receiving point's agency, competent agency, any agency a step went to or that was consulted)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    agencies = agencies_of(user=user, on=on)
    condition = Q(applicant=user)
    if agencies:
        condition |= _involved(agencies)
    return Dossier.objects.filter(condition).select_related(
        "procedure", "competent_agency", "reception_point"
    )


def reception_points(*, user: Any, role: str, on: dt.date) -> QuerySet[ReceptionPoint]:
    """Where ``user`` may receive as ``role`` (reception officer at the counter, postal staff by post): the
    reception point their position names, or every point of their agency when it names none."""
    held = positions(user=user, on=on).filter(role=role)
    named = held.filter(reception_point__isnull=False).values("reception_point_id")
    whole = held.filter(reception_point__isnull=True).values("agency_id")
    return (
        ReceptionPoint.objects.valid_on(on)
        .filter(Q(pk__in=named) | Q(agency_id__in=whole))
        .select_related("agency")
        .order_by("code")
    )


def may_receive_at(*, user: Any, reception_point: ReceptionPoint, role: str, on: dt.date) -> bool:
    return reception_points(user=user, role=role, on=on).filter(pk=reception_point.pk).exists()
