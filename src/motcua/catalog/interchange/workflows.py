"""Reading a version's internal workflow (quy trình nội bộ): steps, performers, transitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from motcua.org.models import Role

from ..models import (
    Action,
    PerformerRule,
)
from .document import LineDict, compact
from .values import (
    ReadContext,
    agency_ref,
    check_keys,
    expect_map,
    line_of,
    read_amount,
    read_bool,
    read_choice,
    read_list,
    read_str,
)


def parse_workflow(ctx: ReadContext, version: LineDict, where: str, start: dt.date | None) -> dict[str, Any]:
    workflow: Any = version.get("workflow")
    if not expect_map(ctx, workflow, line_of(version, "workflow"), f"{where}: 'workflow'"):
        return {}
    wwhere = _("%(what)s: quy trình") % {"what": where}
    check_keys(ctx, workflow, required=("steps",), optional=("name",), what=wwhere)
    steps_out: list[dict[str, Any]] = []
    raw_steps = read_list(ctx, workflow, "steps", wwhere)
    codes = [s.get("code") for s in raw_steps if isinstance(s, dict)]
    for step, line in zip(raw_steps, raw_steps.item_lines, strict=True):
        step_what = _("%(what)s: bước") % {"what": where}
        if not expect_map(ctx, step, line, step_what):
            continue
        code = read_str(ctx, step, "code", step_what)
        swhere = _("%(what)s: bước '%(step)s'") % {"what": where, "step": code}
        check_keys(
            ctx,
            step,
            required=("code", "name", "role", "performer", "hours"),
            optional=("agency", "actions", "initial", "transitions"),
            what=swhere,
        )
        if code in {s["code"] for s in steps_out}:
            ctx.error(line, _("%(what)s: mã bước bị lặp") % {"what": swhere})
        performer = read_choice(ctx, step, "performer", PerformerRule.values, swhere)
        agency = agency_ref(ctx, step, "agency", swhere, start)
        if performer == PerformerRule.NAMED and not agency:
            ctx.error(step.line, _("%(what)s: 'performer: named' cần 'agency'") % {"what": swhere})
        if performer != PerformerRule.NAMED and agency:
            ctx.error(
                line_of(step, "agency"),
                _("%(what)s: chỉ 'performer: named' mới dùng 'agency'") % {"what": swhere},
            )
        actions = step.get("actions") or []
        if not isinstance(actions, list) or any(a not in Action.values for a in actions):
            ctx.error(
                line_of(step, "actions"),
                _("%(what)s: 'actions' phải là danh sách trong %(actions)s")
                % {"what": swhere, "actions": ", ".join(Action.values)},
            )
            actions = []
        transitions = []
        raw_transitions = read_list(ctx, step, "transitions", swhere)
        twhere = _("%(what)s: chuyển bước") % {"what": swhere}
        for tr, tline in zip(raw_transitions, raw_transitions.item_lines, strict=True):
            if not expect_map(ctx, tr, tline, twhere):
                continue
            check_keys(
                ctx,
                tr,
                required=("action",),
                optional=("to", "requires_reason"),
                what=twhere,
            )
            target = tr.get("to")
            if target is not None and target not in codes:
                ctx.error(
                    line_of(tr, "to"),
                    _("%(what)s: chuyển tới bước không tồn tại '%(step)s'")
                    % {"what": swhere, "step": target},
                )
            entry = {
                "action": read_choice(ctx, tr, "action", Action.values, twhere),
                "to": target,
            }
            if read_bool(ctx, tr, "requires_reason", swhere, False):
                entry["requires_reason"] = True
            transitions.append(compact(entry))
        role = read_str(ctx, step, "role", swhere)
        if role and role not in Role.values:
            ctx.error(
                line_of(step, "role"),
                _("%(what)s: vai trò '%(role)s' không tồn tại (%(roles)s)")
                % {"what": swhere, "role": role, "roles": ", ".join(Role.values)},
            )
        entry = {
            "code": code,
            "name": read_str(ctx, step, "name", swhere),
            "role": role,
            "performer": performer,
            "agency": agency,
            "hours": read_amount(ctx, step, "hours", swhere),
            "actions": list(actions),
            "transitions": transitions,
        }
        if read_bool(ctx, step, "initial", swhere, False):
            entry["initial"] = True
        steps_out.append(reorder_step(compact(entry)))
    if steps_out and not any(s.get("initial") for s in steps_out):
        steps_out[0]["initial"] = True  # the first step starts the workflow unless another is marked
        steps_out[0] = reorder_step(steps_out[0])
    return compact({"name": read_str(ctx, workflow, "name", where), "steps": steps_out})


STEP_ORDER = ("code", "name", "role", "performer", "agency", "hours", "initial", "actions", "transitions")


def reorder_step(step: dict[str, Any]) -> dict[str, Any]:
    return {k: step[k] for k in STEP_ORDER if k in step}
