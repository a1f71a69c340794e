"""``workflow.*``, ``time.exceeded`` and ``time.same_day``: one initial step, every step reachable, every
path ending.

No cycle without a return-with-reason; the longest path fits in the legal time limit; a same-day
procedure's steps fit inside one working day; a refusal after reception is the competent agency leader's
decision (``workflow.refusal_leader``).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.org.models import Role

from ..models import (
    Action,
    PerformerRule,
    time_limit_in_hours,
)
from .report import ERROR, AddFinding
from .versions import StepRow, TransitionRow, VersionRow

ENDING_ACTIONS = {Action.REFUSE, Action.RETURN_RESULT}
MOVING_ACTIONS = {Action.FORWARD, Action.APPROVE, Action.SIGN, Action.ISSUE_NUMBER}
STAYING_ACTIONS = {Action.REQUEST_SUPPLEMENT, Action.CONSULT}
ACTION_VALUES = frozenset(Action.values)
# Refusal after review (dừng giải quyết, Circular 03/2025/TT-VPCP form 05) is decided by the competent
# authority's leader (Decree 118/2025/NĐ-CP): the step that refuses is a leader's step of the competent agency
# (performer ``competent``, or ``named``: the agency the procedure names). A reception officer refuses before
# the receipt only (form 03), outside the workflow.
REFUSING_PERFORMERS = {PerformerRule.COMPETENT, PerformerRule.NAMED}
# Labels stay lazy: they are read in the language of the run, not of the import.
ROLE_LABELS = {str(value): label for value, label in Role.choices}
# A working day is 8 working hours: what a same-day procedure's steps must fit in.
WORKING_DAY_HOURS = Decimal(8)


def check_same_day(add: AddFinding, version: VersionRow) -> None:
    """A same-day procedure (a ``same_day_cutoff``) has a limit of at most one working day, or the cutoff is
    never applied; an extension names its legal source (``extension_basis``)."""
    limit = time_limit_in_hours(version.time_limit_amount, version.time_limit_unit)
    if version.same_day_cutoff is not None and limit > WORKING_DAY_HOURS:
        add(
            ERROR,
            "time.same_day",
            _(
                "thủ tục trả trong ngày (nhận sau %(cutoff)s trả ngày làm việc tiếp theo) nhưng thời hạn "
                "(%(limit)s) dài hơn một ngày làm việc: ghi thời hạn một ngày và phần gia hạn vào "
                "'extension_max'"
            )
            % {"cutoff": version.same_day_cutoff.strftime("%H:%M"), "limit": _hours(limit)},
        )
    if version.extension_max is not None and not version.extension_basis.strip():
        add(
            ERROR,
            "time.extension_basis",
            ngettext(
                "gia hạn tối đa %(days)s ngày làm việc nhưng chưa nêu căn cứ gia hạn",
                "gia hạn tối đa %(days)s ngày làm việc nhưng chưa nêu căn cứ gia hạn",
                version.extension_max,
            )
            % {"days": version.extension_max},
        )


def check_workflow(add: AddFinding, version: VersionRow) -> list[StepRow]:
    steps = version.steps if version.has_workflow else []
    if not steps:
        add(ERROR, "workflow.missing", _("chưa có quy trình nội bộ"))
        return []
    by_id = {s.id: s for s in steps}
    initial = [s for s in steps if s.is_initial]
    if len(initial) != 1:
        add(
            ERROR,
            "workflow.initial",
            _("quy trình phải có đúng một bước đầu (đang có %(count)s)") % {"count": len(initial)},
        )
    ok = True
    edges: dict[int, list[TransitionRow]] = {s.id: s.transitions for s in steps}
    for step in steps:
        actions = set(step.actions or [])
        unknown = actions - ACTION_VALUES
        if unknown:
            add(
                ERROR,
                "workflow.action",
                _("bước '%(step)s': thao tác không hợp lệ %(actions)s")
                % {"step": step.name, "actions": ", ".join(sorted(unknown))},
            )
        if step.role not in ROLE_LABELS:
            add(
                ERROR,
                "performer.role",
                _("bước '%(step)s': vai trò '%(role)s' không tồn tại")
                % {"step": step.name, "role": step.role},
            )
        refuses = Action.REFUSE in actions or any(t.action == Action.REFUSE for t in edges[step.id])
        if refuses and (step.role != Role.LEADER or step.performer not in REFUSING_PERFORMERS):
            add(
                ERROR,
                "workflow.refusal_leader",
                _(
                    "bước '%(step)s': từ chối giải quyết (thông báo dừng giải quyết hồ sơ, mẫu 05) phải do "
                    "lãnh "
                    "đạo cơ quan có thẩm quyền quyết định; bước này do '%(role)s' thực hiện"
                )
                % {"step": step.name, "role": ROLE_LABELS.get(step.role, step.role)},
            )
        for t in edges[step.id]:
            target = by_id.get(t.target_id) if t.target_id else None
            if t.action not in actions:
                add(
                    ERROR,
                    "workflow.action",
                    _("bước '%(step)s': chuyển bước '%(action)s' không nằm trong thao tác được phép của bước")
                    % {"step": step.name, "action": t.action},
                )
            if t.action in ENDING_ACTIONS and t.target_id is not None:
                add(
                    ERROR,
                    "workflow.transition",
                    _("bước '%(step)s': '%(action)s' phải kết thúc quy trình")
                    % {"step": step.name, "action": t.action},
                )
                ok = False
            if t.action in MOVING_ACTIONS and t.target_id is None:
                add(
                    ERROR,
                    "workflow.transition",
                    _("bước '%(step)s': '%(action)s' phải chuyển tới một bước")
                    % {"step": step.name, "action": t.action},
                )
                ok = False
            if t.action in STAYING_ACTIONS:
                add(
                    ERROR,
                    "workflow.transition",
                    _("bước '%(step)s': '%(action)s' giữ hồ sơ tại bước, không có chuyển bước")
                    % {"step": step.name, "action": t.action},
                )
            if t.action == Action.RETURN:
                if target is None or target.order >= step.order:
                    add(
                        ERROR,
                        "workflow.return",
                        _("bước '%(step)s': trả lại phải về một bước trước đó") % {"step": step.name},
                    )
                if not t.requires_reason:
                    add(
                        ERROR,
                        "workflow.return",
                        _("bước '%(step)s': trả lại bước trước phải nêu lý do") % {"step": step.name},
                    )
            if t.target_id is not None and target is None:
                add(
                    ERROR,
                    "workflow.transition",
                    _("bước '%(step)s': chuyển tới bước của quy trình khác") % {"step": step.name},
                )
                ok = False
        for action in actions & (MOVING_ACTIONS | ENDING_ACTIONS | {Action.RETURN}):
            if not any(t.action == action for t in edges[step.id]):
                add(
                    ERROR,
                    "workflow.transition",
                    _("bước '%(step)s': thao tác '%(action)s' chưa có chuyển bước")
                    % {"step": step.name, "action": action},
                )
    if not ok or len(initial) != 1:
        return steps

    start = initial[0]
    reachable = _reach(start.id, lambda n: [t.target_id for t in edges[n] if t.target_id])
    for step in steps:
        if step.id not in reachable:
            add(
                ERROR,
                "workflow.unreachable",
                _("bước '%(step)s' không thể đến được từ bước đầu") % {"step": step.name},
            )
    # A step "can finish" when some path from it ends with a result or a refusal.
    finishing = {s.id for s in steps if any(t.target_id is None for t in edges[s.id])}
    changed = True
    while changed:
        changed = False
        for s in steps:
            if s.id not in finishing and any(t.target_id in finishing for t in edges[s.id] if t.target_id):
                finishing.add(s.id)
                changed = True
    for step in steps:
        if step.id in reachable and step.id not in finishing:
            add(
                ERROR,
                "workflow.dead_end",
                _("từ bước '%(step)s' không có đường nào kết thúc bằng trả kết quả hoặc từ chối")
                % {"step": step.name},
            )
    if not any(t.action == Action.RETURN_RESULT for ts in edges.values() for t in ts):
        add(ERROR, "workflow.no_result", _("không có bước nào trả kết quả"))

    # "Sent in circles": drop the transitions that need a reason (returns); what is left must be acyclic.
    plain = {n: [t.target_id for t in ts if t.target_id and not t.requires_reason] for n, ts in edges.items()}
    cycle = _find_cycle(plain)
    if cycle:
        names = " → ".join(by_id[n].name for n in cycle)
        add(
            ERROR,
            "workflow.cycle",
            _("hồ sơ có thể bị chuyển vòng không cần lý do: %(steps)s") % {"steps": names},
        )
        return steps

    longest = _longest_path(start.id, plain, {s.id: Decimal(s.allotment_hours) for s in steps})
    limit = time_limit_in_hours(version.time_limit_amount, version.time_limit_unit)
    if longest > limit:
        add(
            ERROR,
            "time.exceeded",
            _("tổng thời gian các bước (%(total)s) vượt thời hạn giải quyết (%(limit)s)")
            % {"total": _hours(longest), "limit": _hours(limit)},
        )
    if version.same_day_cutoff is not None and longest > WORKING_DAY_HOURS:
        add(
            ERROR,
            "time.same_day",
            _(
                "thủ tục trả trong ngày nhưng tổng thời gian các bước (%(total)s) dài hơn một ngày làm việc "
                "(%(day)s)"
            )
            % {"total": _hours(longest), "day": _hours(WORKING_DAY_HOURS)},
        )
    return steps


def _hours(value: Decimal) -> str:
    value = value.normalize()
    return _("%(hours)s giờ làm việc") % {"hours": f"{value:f}"}


def _reach(start: int, nexts) -> set[int]:  # type: ignore[no-untyped-def]
    seen = {start}
    todo = [start]
    while todo:
        for n in nexts(todo.pop()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def _find_cycle(graph: dict[int, list[int]]) -> list[int]:
    color: dict[int, int] = {}
    stack: list[int] = []

    def visit(node: int) -> list[int]:
        color[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if color.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in color:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        color[node] = 2
        return []

    for node in graph:
        if node not in color:
            found = visit(node)
            if found:
                return found
    return []


def _longest_path(start: int, graph: dict[int, list[int]], weight: dict[int, Decimal]) -> Decimal:
    memo: dict[int, Decimal] = {}

    def longest(node: int) -> Decimal:
        if node not in memo:
            memo[node] = weight[node] + max((longest(n) for n in graph.get(node, [])), default=Decimal(0))
        return memo[node]

    return longest(start)
