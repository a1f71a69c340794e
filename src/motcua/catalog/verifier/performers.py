"""``performer.missing``: every performer role has an active staff member at the resolved agency."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import (
    PerformerRule,
)
from .report import ERROR, AddFinding
from .versions import StepRow
from .workflows import ROLE_LABELS
from .world import World


def check_performers(add: AddFinding, world: World, steps: list[StepRow], competent: dict[int, int]) -> None:
    # Which communes each agency serves for this version, computed once and shared by its steps.
    by_competent: dict[int, list[str]] = defaultdict(list)
    names = dict(world.communes)
    for commune_id, agency_id in competent.items():
        by_competent[agency_id].append(names[commune_id])
    for step in steps:
        if step.performer == PerformerRule.NAMED:
            if step.performer_agency_id is None:
                add(
                    ERROR,
                    "performer.agency",
                    _("bước '%(step)s': chưa chọn cơ quan thực hiện") % {"step": step.name},
                )
                continue
            targets: dict[int, list[str]] = {step.performer_agency_id: [_("(mọi xã, phường)")]}
        elif step.performer == PerformerRule.PLACE_COMMUNE:
            targets, unresolved = world.place_committees()
            if unresolved:
                add(
                    ERROR,
                    "performer.missing",
                    _("bước '%(step)s': không xác định được UBND xã nơi có địa bàn cho %(communes)s")
                    % {"step": step.name, "communes": ", ".join(unresolved)},
                )
        else:  # competent agency; the receiving point defaults to the competent agency's own desk
            targets = by_competent  # communes with a gap or overlap were already reported
        for agency_id in targets:
            if (agency_id, step.role) not in world.staffed:
                add(
                    ERROR,
                    "performer.missing",
                    _("bước '%(step)s': %(agency)s không có cán bộ đang làm việc với vai trò %(role)s")
                    % {
                        "step": step.name,
                        "agency": world.agency_name(agency_id),
                        "role": ROLE_LABELS.get(step.role, step.role),
                    },
                )
