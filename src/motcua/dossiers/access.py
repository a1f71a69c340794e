"""The one access policy of the dossier engine: may this user do this action to this dossier now, and
which dossiers may this user see.

Services call ``check`` first (check, then do: it refuses with the rule's DomainError, then takes the row);
the pages' buttons and menu entries come from ``may`` / ``allowed_actions``, so what is shown and what is
allowed cannot differ. A user acts through the positions they hold on the day (``positions``: active staff,
active account, position and agency in force). docs/dossiers.md has the table: action → who, which states,
which channel. The archive of an ended agency is read by the staff of the agencies that took it over
(``archive_agencies``) and acted on by nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.catalog import fees
from motcua.catalog.models import Action
from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.dossiers import errors, lookups
from motcua.dossiers.constants import (
    ASSIGNABLE_STATES,
    ENDED_WITHOUT_RESULT_STATES,
    EXTENDABLE_STATES,
    OVERRIDABLE_STATES,
    RATEABLE_STATES,
    RECEPTION_STATES,
    REFUSABLE_AT_RECEPTION_STATES,
    RESULT_STATES,
    STEP_STATES,
    STOPPABLE_STATES,
    SUPPLEMENT_STATES,
    TERMINAL_STATES,
    WITHDRAWABLE_STATES,
    Channel,
    RatingChannel,
    State,
)
from motcua.dossiers.locking import defer, lock
from motcua.dossiers.models import (
    ApologyNotice,
    Consultation,
    Dossier,
    DossierStep,
    EventKind,
    Forwarding,
    SatisfactionRating,
    StopNotice,
    WithdrawalRequest,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import Position, ReceptionPoint, Role, Staff


class Act:
    """Actions that are not workflow step actions (those are ``catalog.models.Action``)."""

    ACCEPT = "accept"
    REQUEST_RECEPTION_SUPPLEMENT = "request_reception_supplement"
    REFUSE_RECEPTION = "refuse_reception"
    SUPPLY = "supply"
    # Yêu cầu rút hồ sơ: the applicant's request (or a reception officer recording the written one).
    WITHDRAW = "withdraw"
    # Accept or decline a pending withdrawal request: a leader of the competent agency.
    DECIDE_WITHDRAWAL = "decide_withdrawal"
    # Thông báo dừng giải quyết hồ sơ (form 05): proposed by the step holder, signed or declined by a leader
    # of the competent agency.
    PROPOSE_STOP = "propose_stop"
    SIGN_STOP = "sign_stop"
    DECLINE_STOP = "decline_stop"
    RATE = "rate"
    ASSIGN = "assign"
    OVERRIDE_COMPETENCE = "override_competence"
    ANSWER_CONSULTATION = "answer_consultation"
    DRAFT_APOLOGY = "draft_apology"
    SIGN_APOLOGY = "sign_apology"
    EXTEND = "extend"
    ATTACH_RESULT = "attach_result"
    REMOVE_RESULT = "remove_result"
    # A dossier for another province: received here and forwarded (``Forwarding``, not a Dossier).
    FORWARD_OTHER_PROVINCE = "forward_other_province"
    RECORD_FORWARDING_POST = "record_forwarding_post"
    # Assisted online submission at the counter (Directive 24/CT-TTg). ASSIST_SUBMISSION concerns a
    # reception point (``may_assist_at``), the other two a prepared dossier.
    ASSIST_SUBMISSION = "assist_submission"
    CONFIRM_SUBMISSION = "confirm_submission"
    SUBMIT_RECORDED_OFFLINE = "submit_recorded_offline"
    # Print and export a reception point's dossier register (form 07); judged on the point, not a dossier.
    VIEW_REGISTER = "view_register"
    # Result documents (``motcua.signing``): draft the document at the current step (its holder); retry a
    # signature the signing worker could not make (who asked for it, or the current step's holder); revoke or
    # replace an issued document (a leader of the competent agency). The signatures themselves are the
    # workflow's ``sign`` (the leader at the sign step) and ``issue_number`` (the clerk: the seal).
    PREPARE_DOCUMENT = "prepare_document"
    RETRY_SIGNATURE = "retry_signature"
    REVOKE_DOCUMENT = "revoke_document"
    # Yêu cầu thực hiện nghĩa vụ tài chính (national status 6): the current step's holder asks the fee of a
    # procedure whose catalog says it is paid during processing (motcua.payments).
    REQUEST_PAYMENT = "request_payment"
    # Hoàn trả phí, lệ phí of a dossier that ended without a result: staff of its receiving or competent
    # agency.
    RECORD_REFUND = "record_refund"


RECEPTION_ACTS = (Act.ACCEPT, Act.REQUEST_RECEPTION_SUPPLEMENT, Act.REFUSE_RECEPTION)
# Step actions that need a dossier in process (not one whose result is ready).
IN_PROCESS_ONLY = {Action.REQUEST_SUPPLEMENT, Action.CONSULT, Action.REFUSE}
# The roles that answer a consultation for their agency.
CONSULTED_ROLES = (Role.SPECIALIST, Role.HEAD, Role.LEADER)
# The workflow actions (``Action.values`` builds a new list at every use: the rules ask it many times a page).
STEP_ACTIONS = frozenset(Action.values)
# The states' labels (``get_state_display`` rebuilds its choices at every call), kept lazy: translated only
# when a refusal is shown.
STATE_LABELS = dict(State.choices)


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
    """A user with the positions they hold on one day, read once (a page asks many questions).

    ``archive``: the ended agencies their agencies took over (``archive_agencies``), whose dossiers they
    read and never act on: no rule below grants an action through it."""

    user: Any
    on: dt.date
    held: tuple[Held, ...]
    staff_id: int | None
    archive: frozenset[int] = frozenset()

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


def _known_not_staff(user: Any) -> bool:
    """The account was read with its staff record (the session store joins it) and has none: a citizen
    holds no position, no query needed."""
    cache = getattr(getattr(user, "_state", None), "fields_cache", {})
    return "staff" in cache and cache["staff"] is None


def actor(user: Any, on: dt.date) -> Actor:
    """The positions ``user`` holds on ``on``, from the organization's snapshot (``core.snapshots``: no
    query while no org row and no account's ``is_active`` changed)."""
    if isinstance(user, Actor):
        return user
    if user is None or not getattr(user, "is_authenticated", False) or _known_not_staff(user):
        return Actor(user=user, on=on, held=(), staff_id=None)

    def read() -> tuple[tuple[Held, ...], int | None, frozenset[int]]:
        rows = positions(user=user, on=on).values_list(
            "role", "agency_id", "agency__province_code", "reception_point_id", "staff_id"
        )
        held = tuple(Held(r, a, p, rp) for r, a, p, rp, _s in rows)
        archive = org_selectors.predecessors_of(agency_ids={h.agency_id for h in held}, on=on)
        return held, next((s for *_rest, s in rows), None), archive

    held, staff_id, archive = snapshots.remember("org", ("access.actor", user.pk, on), read)
    return Actor(user=user, on=on, held=held, staff_id=staff_id, archive=archive)


def rating_of(dossier: Dossier) -> SatisfactionRating | None:
    """The dossier's rating, if any (read with the dossier by ``selectors.get_dossier``)."""
    if "rating" in dossier._state.fields_cache:
        return dossier._state.fields_cache["rating"]  # type: ignore[no-any-return]
    return SatisfactionRating.objects.filter(
        dossier=dossier
    ).first()  # not cached: a later read sees a new one


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
        state=STATE_LABELS.get(dossier.state, dossier.state),
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
            action=str(Action(action).label) if action in STEP_ACTIONS else action,
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
    if action == Action.REFUSE:
        # Refusal after review is the competent authority's decision, with a written notice (form 05).
        return _stop_decider_refusal(dossier, who)
    if action == Action.RETURN_RESULT and dossier.withdrawal_pending:
        return _withdrawal_pending()
    return None


def _withdrawal_pending() -> DomainError:
    return DomainError(
        "withdraw.pending_decision",
        _("Công dân đang yêu cầu rút hồ sơ: cơ quan có thẩm quyền cần quyết định yêu cầu này trước."),
    )


def _stop_decider_refusal(dossier: Dossier, who: Actor) -> DomainError | None:
    """Only a leader of the competent agency ends a dossier after its receipt (Decree 118/2025/NĐ-CP; Circular
    03/2025/TT-VPCP form 05), and not while the applicant's withdrawal request waits for its decision."""
    if not who.holds(Role.LEADER, {dossier.competent_agency_id}):
        return DomainError(
            "stop.leader_only",
            _(
                "Chỉ lãnh đạo cơ quan có thẩm quyền được quyết định dừng giải quyết hồ sơ "
                "(thông báo mẫu 05). "
                "Hãy đề xuất dừng giải quyết kèm lý do để lãnh đạo quyết định."
            ),
        )
    if dossier.withdrawal_pending:
        return _withdrawal_pending()
    return None


def _propose_stop(dossier: Dossier, who: Actor) -> DomainError | None:
    if dossier.state not in STOPPABLE_STATES:
        return _wrong_state(dossier)
    if _step_refusal(dossier, who) is not None:
        return DomainError(
            "stop.propose_forbidden",
            _("Chỉ cán bộ đang xử lý bước hiện tại được đề xuất dừng giải quyết hồ sơ."),
        )
    if any(n.outcome == StopNotice.Outcome.PENDING for n in dossier.stop_notices.all()):
        return DomainError(
            "stop.pending", _("Hồ sơ đã có đề xuất dừng giải quyết đang chờ lãnh đạo quyết định.")
        )
    return None


def _decide_stop(action: str, dossier: Dossier, who: Actor, notice: StopNotice) -> DomainError | None:
    if notice is None or notice.outcome != StopNotice.Outcome.PENDING:
        return DomainError("stop.decided", _("Đề xuất dừng giải quyết này đã được quyết định."))
    if dossier.state not in STOPPABLE_STATES:
        return _wrong_state(dossier)
    if action == Act.SIGN_STOP:
        return _stop_decider_refusal(dossier, who)
    if not who.holds(Role.LEADER, {dossier.competent_agency_id}):
        return DomainError(
            "stop.leader_only",
            _("Chỉ lãnh đạo cơ quan có thẩm quyền được quyết định về đề xuất dừng giải quyết hồ sơ."),
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
    if dossier.withdrawal_pending:
        return DomainError(
            "withdraw.pending",
            _("Hồ sơ đã có yêu cầu rút đang chờ cơ quan có thẩm quyền quyết định."),
        )
    return None


def _decide_withdrawal(dossier: Dossier, who: Actor, request: WithdrawalRequest) -> DomainError | None:
    """The competent agency decides the withdrawal request, through its leader (the authority that would
    have decided the dossier)."""
    if request is None or request.outcome != WithdrawalRequest.Outcome.PENDING:
        return DomainError("withdraw.decided", _("Yêu cầu rút hồ sơ này đã được quyết định."))
    if dossier.state in TERMINAL_STATES:
        return DomainError(errors.CLOSED, _("Hồ sơ đã kết thúc."))
    if not who.holds(Role.LEADER, {dossier.competent_agency_id}):
        return DomainError(
            "withdraw.decide_forbidden",
            _("Chỉ lãnh đạo cơ quan có thẩm quyền được quyết định yêu cầu rút hồ sơ."),
        )
    return None


def _rate(dossier: Dossier, who: Actor, channel: str) -> DomainError | None:
    if channel == RatingChannel.PORTAL and not _is_applicant(dossier, who):
        return DomainError("rating.forbidden", _("Chỉ người nộp hồ sơ được đánh giá."))
    if dossier.state not in RATEABLE_STATES:
        return DomainError(
            "rating.too_early", _("Hồ sơ được đánh giá sau khi trả kết quả hoặc có văn bản từ chối.")
        )
    if rating_of(dossier) is not None:
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
    if dossier.state not in OVERRIDABLE_STATES or any(
        s.agency_id == dossier.competent_agency_id for s in dossier.steps.all()
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


def apology_lead_days() -> int:
    """MOTCUA_APOLOGY_LEAD_DAYS: working days before the appointment by which the apology is issued (1)."""
    return int(getattr(settings, "MOTCUA_APOLOGY_LEAD_DAYS", 1))


def apology_deadline(dossier: Dossier) -> dt.date | None:
    """The last day an apology (form 04) may be issued: the working day ``apology_lead_days`` before the day
    of the current appointment (Decree 61/2018: at least one day before the deadline [kiểm tra Decree
    118/2025]). None before reception."""
    if dossier.appointment_at is None:
        return None
    return lookups.working_day_before(
        day=timezone.localdate(dossier.appointment_at),
        days=apology_lead_days(),
        agency_id=dossier.competent_agency_id,
    )


# Django's ``ngettext_lazy(singular, plural, n)`` with its lazy class made once: Django's makes a new class
# at every call (~40 µs), and the dossier page asks for the refusal below on every view without showing it.
# Same name, so that makemessages still finds the strings.
ngettext_lazy = lazy(ngettext, str)


def apology_time_refusal(dossier: Dossier, on: dt.date) -> DomainError | None:
    """An apology is issued in time (before the lead day), and no more often than the catalog allows
    (``ProcedureVersion.apologies_allowed``, default 1: the return date moves once)."""
    deadline = apology_deadline(dossier)
    if deadline is None or on > deadline:
        return DomainError(
            "apology.too_late",
            ngettext_lazy(
                "Văn bản xin lỗi phải được ban hành chậm nhất %(days)s ngày làm việc trước ngày hẹn trả "
                "kết quả (hạn cuối: %(deadline)s); hồ sơ trễ hạn vẫn tính là trễ hạn.",
                "Văn bản xin lỗi phải được ban hành chậm nhất %(days)s ngày làm việc trước ngày hẹn trả "
                "kết quả (hạn cuối: %(deadline)s); hồ sơ trễ hạn vẫn tính là trễ hạn.",
                apology_lead_days(),
            ),
            days=apology_lead_days(),
            deadline=f"{deadline:%d/%m/%Y}" if deadline else "—",
        )
    allowed = dossier.procedure_version.apologies_allowed
    if sum(1 for n in dossier.apologies.all() if n.signed_at is not None) >= allowed:
        return DomainError(
            "apology.limit",
            _("Hồ sơ đã có %(count)s văn bản xin lỗi và hẹn lại; thủ tục chỉ cho phép %(count)s lần."),
            count=allowed,
        )
    return None


def _draft_apology(dossier: Dossier, who: Actor) -> DomainError | None:
    if dossier.state in TERMINAL_STATES or dossier.appointment_at is None or dossier.finished_at is not None:
        return _not_in_time()
    if not who.at({dossier.competent_agency_id}):
        return DomainError("apology.forbidden", _("Chỉ cơ quan có thẩm quyền được lập văn bản xin lỗi."))
    if any(n.signed_at is None for n in dossier.apologies.all()):
        return DomainError("apology.pending", _("Hồ sơ đã có dự thảo văn bản xin lỗi đang chờ lãnh đạo ký."))
    return apology_time_refusal(dossier, who.on)


def _sign_apology(dossier: Dossier, who: Actor, notice: ApologyNotice) -> DomainError | None:
    if notice.signed_at is not None:
        return DomainError("apology.signed", _("Văn bản xin lỗi đã được ký."))
    if not who.holds(Role.LEADER, {notice.agency_id}):
        return DomainError(
            "apology.forbidden", _("Chỉ lãnh đạo cơ quan có thẩm quyền được ký văn bản xin lỗi.")
        )
    if dossier.state in TERMINAL_STATES or dossier.appointment_at is None:
        return _not_in_time()
    # The signature issues the notice: the time rule and the count hold on the day it is signed.
    return apology_time_refusal(dossier, who.on)


def _extend(dossier: Dossier, who: Actor) -> DomainError | None:
    """Gia hạn: staff of the competent agency, while the dossier is processed, once, and only for a version
    whose catalog entry allows an extension (``extension_max``, e.g. Luật Hộ tịch 2014 Art. 18(2))."""
    if dossier.procedure_version.extension_max is None:
        return DomainError("extension.not_allowed", _("Thủ tục này không được gia hạn thời gian giải quyết."))
    if dossier.state not in EXTENDABLE_STATES or dossier.initial_appointment_at is None:
        return _wrong_state(dossier)
    if not who.at({dossier.competent_agency_id}):
        return DomainError(
            "extension.forbidden", _("Chỉ cơ quan có thẩm quyền được gia hạn thời gian giải quyết.")
        )
    if any(e.kind == EventKind.EXTENDED for e in dossier.events.all()):
        return DomainError("extension.repeated", _("Hồ sơ đã được gia hạn một lần."))
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


def _prepare_document(dossier: Dossier, who: Actor) -> DomainError | None:
    """The holder of the current step drafts the result document (Decree 30/2020/NĐ-CP Art. 13: the drafting
    unit prepares the draft the signer approves)."""
    if dossier.state not in STEP_STATES or dossier.current_step is None:
        return _wrong_state(dossier)
    if _step_refusal(dossier, who) is not None:
        return DomainError(
            "document.prepare_forbidden",
            _("Chỉ cán bộ đang xử lý bước hiện tại được lập dự thảo văn bản kết quả."),
        )
    return None


def _request_payment(dossier: Dossier, who: Actor) -> DomainError | None:
    """The fee asked during processing: by the current step's holder, for a version whose fee rules say
    ``payment.when`` "processing", once, while the dossier is in process and has a fee."""
    if fees.payment_terms(dossier.procedure_version.fee_rules).when != "processing" or not dossier.fee:
        return DomainError(
            "payment.not_asked_in_processing",
            _("Thủ tục này không yêu cầu thực hiện nghĩa vụ tài chính trong quá trình giải quyết."),
        )
    if dossier.state != State.IN_PROCESS or dossier.current_step is None:
        return _wrong_state(dossier)
    if _step_refusal(dossier, who) is not None:
        return DomainError(
            "payment.request_forbidden",
            _("Chỉ cán bộ đang xử lý bước hiện tại được yêu cầu thực hiện nghĩa vụ tài chính."),
        )
    if any(e.kind == EventKind.PAYMENT_REQUESTED for e in dossier.events.all()):
        return DomainError(
            "payment.already_requested", _("Hồ sơ đã được yêu cầu thực hiện nghĩa vụ tài chính.")
        )
    return None


def _record_refund(dossier: Dossier, who: Actor) -> DomainError | None:
    """A refund is recorded for a dossier that ended without a result (refused at reception, stopped,
    withdrawn), by staff of its receiving or competent agency."""
    if dossier.state not in ENDED_WITHOUT_RESULT_STATES:
        return _wrong_state(dossier)
    if not who.at({dossier.competent_agency_id, dossier.receiving_agency_id}):
        return DomainError(
            "payment.refund_forbidden",
            _("Chỉ cơ quan tiếp nhận hoặc có thẩm quyền ghi nhận hoàn trả phí, lệ phí."),
        )
    return None


def _retry_signature(dossier: Dossier, who: Actor, requested_by_id: int | None) -> DomainError | None:
    """A signature the worker could not make is tried again by whom asked for it or the current step's
    holder: the intention was authenticated when it was asked for."""
    if who.staff_id is not None and who.staff_id == requested_by_id:
        return None
    if dossier.current_step is not None and _step_refusal(dossier, who) is None:
        return None
    return DomainError(
        "signing.retry_forbidden", _("Chỉ người yêu cầu ký hoặc cán bộ đang xử lý hồ sơ được ký lại.")
    )


def _revoke_document(dossier: Dossier, who: Actor) -> DomainError | None:
    """Thu hồi, thay thế văn bản: the authority that issued it (Decree 30/2020/NĐ-CP [kiểm tra article]): a
    leader of the competent agency."""
    if not who.holds(Role.LEADER, {dossier.competent_agency_id}):
        return DomainError(
            "document.revoke_forbidden",
            _("Chỉ lãnh đạo cơ quan có thẩm quyền được thu hồi hoặc thay thế văn bản đã phát hành."),
        )
    return None


def _confirm_submission(dossier: Dossier, user: Any) -> DomainError | None:
    """Only the identity whose ID number the dossier carries confirms it, logged in with the national e-ID
    (the account's ``national_id`` comes from the provider, never typed)."""
    if dossier.state != State.AWAITING_CONFIRMATION:
        return _wrong_state(dossier)
    number = str(getattr(user, "national_id", "") or "") if getattr(user, "is_authenticated", False) else ""
    if not number or number != dossier.applicant_id_number:
        return DomainError(
            "assisted.confirm_forbidden",
            _("Chỉ người có số định danh ghi trên hồ sơ được xác nhận hồ sơ này."),
        )
    return None


def _submit_recorded_offline(dossier: Dossier, user: Any, who: Actor) -> DomainError | None:
    """The background task (no user: the system) or a reception officer of the receiving agency."""
    if dossier.state != State.RECORDED_OFFLINE:
        return _wrong_state(dossier)
    if user is not None and not who.holds(Role.RECEPTION_OFFICER, {dossier.receiving_agency_id}):
        return DomainError("reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ này."))
    return None


def refusal(
    user: Any, action: str, dossier: Dossier, *, on: dt.date, subject: Any = None
) -> DomainError | None:
    """Why ``user`` may not do ``action`` to ``dossier`` on ``on`` (None: they may).

    ``subject`` is what some actions need beside the dossier: the consultation answered, the apology notice
    signed, the stop notice or withdrawal request decided, the assignee's staff id, the rating channel."""
    who = actor(user, on)
    if action in RECEPTION_ACTS:
        return _reception(action, dossier, who)
    if action in STEP_ACTIONS:
        return _step_action(action, dossier, who)
    if action == Act.SUPPLY:
        return _supply(dossier, who)
    if action == Act.WITHDRAW:
        return _withdraw(dossier, who)
    if action == Act.DECIDE_WITHDRAWAL:
        return _decide_withdrawal(dossier, who, subject)
    if action == Act.PROPOSE_STOP:
        return _propose_stop(dossier, who)
    if action in (Act.SIGN_STOP, Act.DECLINE_STOP):
        return _decide_stop(action, dossier, who, subject)
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
    if action == Act.EXTEND:
        return _extend(dossier, who)
    if action in (Act.ATTACH_RESULT, Act.REMOVE_RESULT):
        return _result(dossier, who)
    if action == Act.CONFIRM_SUBMISSION:
        return _confirm_submission(dossier, who.user)
    if action == Act.SUBMIT_RECORDED_OFFLINE:
        return _submit_recorded_offline(dossier, who.user, who)
    if action == Act.PREPARE_DOCUMENT:
        return _prepare_document(dossier, who)
    if action == Act.RETRY_SIGNATURE:
        return _retry_signature(dossier, who, subject)
    if action == Act.REVOKE_DOCUMENT:
        return _revoke_document(dossier, who)
    if action == Act.REQUEST_PAYMENT:
        return _request_payment(dossier, who)
    if action == Act.RECORD_REFUND:
        return _record_refund(dossier, who)
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
    lock_on_write: bool = False,
) -> Dossier:
    """Refuse with the rule's DomainError unless ``user`` may do ``action``, then lock the row and return it.

    The lock checks the version the caller saw, so the state the policy judged is the state changed. An action
    reached through a part of the dossier (a consultation, an apology notice, a result file, a rating) takes
    the row as it is (``check_version=False``): the part is read again, the policy judges the locked row.
    ``lock_on_write``: the version check and the lock come with the dossier's final UPDATE
    (``steps.save_dossier``), for a service whose first write is that UPDATE (``locking.defer``)."""
    denied = refusal(user, action, dossier, on=on, subject=subject)
    if denied is not None:
        raise denied
    if check_version:
        return defer(dossier) if lock_on_write else lock(dossier)
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
        candidates += [a for a in step.step.actions if a in STEP_ACTIONS]
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


def _archived(agency_ids: frozenset[int]) -> Q:
    ids = sorted(agency_ids)  # one SQL text for one set
    return Q(receiving_agency_id__in=ids) | Q(competent_agency_id__in=ids)


def agencies_of(*, user: Any, on: dt.date) -> set[int]:
    """Agencies where the user holds a position on ``on``."""
    return {h.agency_id for h in actor(user, on).held}


def archive_agencies(*, user: Any, on: dt.date) -> frozenset[int]:
    """Ended agencies whose archive the user reads on ``on``: those their agencies took over, alone or with
    others (``Agency.successors``, transitively: ``org.selectors.predecessors_of``), judged on the positions
    held that day. The duty to keep and serve a dissolved or merged body's records passes to the bodies that
    take over its functions (Luật Lưu trữ số 33/2024/QH15, on archives of a body that is reorganized or
    dissolved [kiểm tra: điều, khoản]); reading only: every action is still judged on ``held`` alone."""
    return actor(user, on).archive


def visibility_key(*, user: Any, on: dt.date) -> tuple[int | None, frozenset[int], frozenset[int]]:
    """Everything the condition of ``visible_dossiers`` depends on: the account (None: nobody), the
    agencies where it holds a position on ``on`` and the ended agencies whose archive it reads
    (``archive_agencies``). A caller may keep the condition's compiled SQL under it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, frozenset(), frozenset()
    who = actor(user, on)
    return user.pk, frozenset(h.agency_id for h in who.held), who.archive


def visible_dossiers(*, user: Any, on: dt.date, archive: bool = True) -> QuerySet[Dossier]:
    """Dossiers the user may read: their own as applicant, those of agencies where they hold a position
    (receiving point's agency, competent agency, any agency a step went to or that was consulted), and the
    archive of the ended agencies theirs took over (``archive_agencies``: received by or addressed to such
    an agency; ``archive=False`` leaves it out, for what only a dossier being handled justifies). Reads only
    what ``visibility_key`` returns."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    _user_id, agencies, archived = visibility_key(user=user, on=on)
    condition = Q(applicant=user)
    if agencies:
        condition |= _involved(set(agencies))
    if archived and archive:
        condition |= _archived(archived)
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


# Who keeps and reads a point's dossier register (form 07): its reception officers and the agency's leaders.
REGISTER_ROLES = (Role.RECEPTION_OFFICER, Role.LEADER)


class Page:
    """The officer workspace's pages a menu links to: whether a user may open one is decided here, once, for
    the page's own check and for the menu (``workspace.menu``), so that a role sees an entry iff it opens."""

    INBOX = "inbox"
    APOLOGIES = "apologies"
    RECEPTION = "reception"
    FORWARDINGS = "forwardings"
    ASSISTED = "assisted"
    REGISTER = "register"
    FLAGGED_LOOKUPS = "flagged_lookups"


# The roles each page is for (None: every officer). The counter and assisted submission are the reception
# officer's (``reception_points``, ``may_assist_at``); forwarded records the reception officer's and the
# postal staff's (``visible_forwardings``); the register its ``REGISTER_ROLES``; the audit of lookups outside
# a dossier the auditor's.
PAGE_ROLES: dict[str, tuple[str, ...] | None] = {
    Page.INBOX: None,
    Page.APOLOGIES: None,
    Page.RECEPTION: (Role.RECEPTION_OFFICER,),
    Page.FORWARDINGS: (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF),
    Page.ASSISTED: (Role.RECEPTION_OFFICER,),
    Page.REGISTER: REGISTER_ROLES,
    Page.FLAGGED_LOOKUPS: (Role.AUDITOR,),
}


def may_open(who: Actor, page: str) -> bool:
    """Whether the officer ``who`` (``actor(user, on)``: the positions held that day) may open ``page``."""
    roles = PAGE_ROLES[page]
    return roles is None or who.holds(roles)


def register_points(*, user: Any, on: dt.date) -> QuerySet[ReceptionPoint]:
    """Reception points whose dossier register (``Act.VIEW_REGISTER``) ``user`` may print and export on
    ``on``: the point a reception officer's or leader's position names, or every point of their agency when
    it names none. Points closed since stay listed: their past books remain readable."""
    held = positions(user=user, on=on).filter(role__in=REGISTER_ROLES)
    named = held.filter(reception_point__isnull=False).values("reception_point_id")
    whole = held.filter(reception_point__isnull=True).values("agency_id")
    return (
        ReceptionPoint.objects.filter(Q(pk__in=named) | Q(agency_id__in=whole))
        .select_related("agency", "unit")
        .order_by("code", "valid_from")
    )


def register_refusal(*, user: Any, reception_point: ReceptionPoint, on: dt.date) -> DomainError | None:
    """Why ``user`` may not read the register of ``reception_point`` (None: they may)."""
    if not register_points(user=user, on=on).filter(pk=reception_point.pk).exists():
        return DomainError(
            "register.forbidden",
            _("Chỉ cán bộ tiếp nhận và lãnh đạo của điểm tiếp nhận này được xem sổ theo dõi hồ sơ."),
        )
    return None


def check_register(*, user: Any, reception_point: ReceptionPoint, on: dt.date) -> ReceptionPoint:
    denied = register_refusal(user=user, reception_point=reception_point, on=on)
    if denied is not None:
        raise denied
    return reception_point


def may_receive_at(*, user: Any, reception_point: ReceptionPoint, role: str, on: dt.date) -> bool:
    """``reception_points`` for one point, judged on the positions already read (``actor``)."""
    if not reception_point.is_valid_on(on):
        return False
    return any(
        h.role == role
        and (
            h.reception_point_id == reception_point.pk
            if h.reception_point_id is not None
            else h.agency_id == reception_point.agency_id
        )
        for h in actor(user, on).held
    )


# --- forwarding to another province (``Forwarding``) ----------------------------------------------


def _forwarding_points(user: Any, on: dt.date) -> QuerySet[ReceptionPoint]:
    officer = reception_points(user=user, role=Role.RECEPTION_OFFICER, on=on).values("pk")
    postal = reception_points(user=user, role=Role.POSTAL_STAFF, on=on).values("pk")
    return ReceptionPoint.objects.filter(Q(pk__in=officer) | Q(pk__in=postal))


def forwarding_refusal(
    user: Any,
    action: str,
    *,
    point: ReceptionPoint,
    channel: str,
    on: dt.date,
    forwarding: Forwarding | None = None,
) -> DomainError | None:
    """Who receives and forwards a dossier of another province (Decree 118/2025, Decree 120/2025): the
    reception officers of the point (postal staff of a post office for a dossier sent by post), as for any
    reception (``may_receive_at``). Recording the post of the originals: the reception officers and postal
    staff of the point, once."""
    if action == Act.FORWARD_OTHER_PROVINCE:
        role = Role.POSTAL_STAFF if channel == Channel.POST else Role.RECEPTION_OFFICER
        if not may_receive_at(user=user, reception_point=point, role=role, on=on):
            return DomainError(
                "reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ tại điểm tiếp nhận này.")
            )
        return None
    if action == Act.RECORD_FORWARDING_POST:
        if not _forwarding_points(user, on).filter(pk=point.pk).exists():
            return DomainError("forwarding.forbidden", _("Bạn không có quyền cập nhật hồ sơ chuyển đi này."))
        if forwarding is not None and forwarding.sent_at is not None:
            return DomainError("forwarding.already_sent", _("Đã ghi nhận việc gửi bản gốc hồ sơ này."))
        return None
    raise ValueError(f"unknown action {action!r}")


def may_forward(user: Any, action: str, forwarding: Forwarding, *, on: dt.date) -> bool:
    """The predicate the forwarding page's form shares with the service."""
    return (
        forwarding_refusal(
            user,
            action,
            point=forwarding.reception_point,
            channel=forwarding.channel,
            on=on,
            forwarding=forwarding,
        )
        is None
    )


def visible_forwardings(*, user: Any, on: dt.date) -> QuerySet[Forwarding]:
    """The forwarded records of the points where the user receives (reception officer, postal staff)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Forwarding.objects.none()
    return Forwarding.objects.filter(reception_point__in=_forwarding_points(user, on)).select_related(
        "procedure", "destination_unit", "reception_point", "received_by"
    )


def may_assist_at(*, user: Any, reception_point: ReceptionPoint, on: dt.date) -> bool:
    """``Act.ASSIST_SUBMISSION``: a reception officer helps a citizen submit online (and records a dossier
    offline when the online path is down) where they may receive at the counter."""
    return may_receive_at(user=user, reception_point=reception_point, role=Role.RECEPTION_OFFICER, on=on)
