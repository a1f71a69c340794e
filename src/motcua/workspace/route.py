"""The route of a dossier as its officer page shows it: every step of the dossier's workflow version (the done
ones with who did them and when, the current one with who holds it and its deadline, the coming ones), and
the recipient each movement action hands the dossier to ("Chuyển cho chuyên viên – UBND phường …").

Everything comes from what the page already read: the dossier's steps (``selectors.get_dossier``) and the
workflow version's steps and transitions (the catalog's snapshot, ``lookups.workflow_of``): no query.
What it shows is what the control slip (form 06 "Phiếu kiểm soát quá trình giải quyết hồ sơ", Circular
03/2025/TT-VPCP Annex I) records of each step: who hands over, who receives, when, within which time; a post
office's step is its postal staff's (Decision 45/2016/QĐ-TTg). docs/legal-basis.md §11 and §25."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from motcua.catalog.models import Action, WorkflowStep
from motcua.core import labels
from motcua.core.errors import DomainError
from motcua.dossiers import lookups
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.services.steps import performer_of
from motcua.org.models import Role

DONE, CURRENT, COMING, SKIPPED = "done", "current", "coming", "skipped"
# The movement actions whose button names where the dossier goes (return picks its target in a list).
HANDING_ON = (Action.FORWARD, Action.APPROVE, Action.SIGN, Action.ISSUE_NUMBER)


@dataclass(frozen=True)
class RouteStop:
    """One step of the workflow on the dossier's route."""

    name: str
    state: str  # DONE, CURRENT, COMING or SKIPPED (not passed by a dossier that has ended)
    performer: str  # the role and agency that perform it
    holder: str  # the officer who did it (done) or holds it (current, when assigned); "" when nobody yet
    at: dt.datetime | None  # when it was finished (done) or its deadline (current)
    late: bool  # done after its deadline, or current and past it


def _role_label(role: str) -> str:
    return str(labels.label(Role, role))


def performer_label(dossier: Dossier, step: WorkflowStep, on: dt.date) -> str:
    """ "chuyên viên – UBND phường Phú Xuân": the role and the agency the step's performer rule names."""
    try:
        agency, role = performer_of(dossier, step, on=on)
    except DomainError:  # a performer the catalog cannot resolve today: the role alone
        return _role_label(step.role)
    return f"{_role_label(role)} – {agency.name}"


def _pass_label(dossier_step: DossierStep) -> str:
    return f"{_role_label(dossier_step.role)} – {dossier_step.agency.name}"


def route(dossier: Dossier, now: dt.datetime) -> list[RouteStop]:
    """Every step of the dossier's workflow version in order, each with where the dossier stands on it."""
    try:
        workflow = lookups.workflow_of(dossier.procedure_version)
    except DomainError:
        return []
    on = timezone.localdate(now)
    passes: dict[int, DossierStep] = {}
    current = None
    for s in sorted(dossier.steps.all(), key=lambda s: s.sequence):
        passes[s.step_id] = s  # the latest pass of each step
        if s.pk == dossier.current_step_id:
            current = s  # read with its agency and assignee (``dossier.current_step`` has the step only)
    ended = dossier.state in TERMINAL_STATES  # refused, stopped, withdrawn or returned: no step to come
    stops = []
    for step in workflow.steps.all():
        last = passes.get(step.pk)
        if current is not None and current.step_id == step.pk:
            holder = current.assignee.full_name if current.assignee_id and current.assignee else ""
            stops.append(
                RouteStop(
                    step.name, CURRENT, _pass_label(current), holder, current.deadline, now > current.deadline
                )
            )
        elif last is not None and last.finished_at is not None:
            who = last.finished_by.full_name if last.finished_by_id and last.finished_by else ""
            stops.append(
                RouteStop(
                    step.name,
                    DONE,
                    _pass_label(last),
                    who,
                    last.finished_at,
                    last.finished_at > last.deadline,
                )
            )
        else:
            stops.append(
                RouteStop(
                    step.name,
                    SKIPPED if ended else COMING,
                    performer_label(dossier, step, on),
                    "",
                    None,
                    False,
                )
            )
    return stops


def recipients(dossier: Dossier, actions: Any, now: dt.datetime) -> dict[str, dict[str, str]]:
    """For each movement action offered that leads to one step: ``{"to": role – agency, "step": its name}``
    (the forward button reads "Chuyển cho …"); an action with several targets or none is left out."""
    current = dossier.current_step
    if current is None:
        return {}
    on = timezone.localdate(now)
    found = {}
    for action in actions:
        if action not in HANDING_ON:
            continue
        targets = [t.target for t in lookups.step_transitions(step_id=current.step_id, action=action)]
        if len(targets) == 1 and targets[0] is not None:
            found[str(action)] = {"to": performer_label(dossier, targets[0], on), "step": targets[0].name}
    return found
