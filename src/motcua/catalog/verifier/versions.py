"""What the checks read of each version (steps, transitions, documents), loaded with plain value queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import (
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Transition,
    VersionStatus,
    Workflow,
    WorkflowStep,
)


@dataclass
class TransitionRow:
    id: int
    source_id: int
    action: str
    target_id: int | None
    requires_reason: bool


@dataclass
class StepRow:
    id: int
    code: str
    name: str
    order: int
    role: str
    performer: str
    performer_agency_id: int | None
    allotment_hours: Decimal
    actions: list[str]
    is_initial: bool
    transitions: list[TransitionRow] = field(default_factory=list)


@dataclass
class DocumentRow:
    name: str
    originals: int
    copies: int
    mandatory: bool
    reuse: str
    reuse_key: str
    form_field: str


@dataclass
class VersionRow:
    """What the checks read of a version, loaded with plain value queries (no model instances)."""

    id: int
    procedure_id: int
    code: str
    number: int
    time_limit_amount: Decimal
    time_limit_unit: str
    fee_rules: list
    form_schema: dict
    ui_schema: dict
    same_day_cutoff: dt.time | None
    extension_max: int | None
    extension_basis: str
    valid_from: dt.date | None = None
    has_workflow: bool = False
    steps: list[StepRow] = field(default_factory=list)
    documents: list[DocumentRow] = field(default_factory=list)


VERSION_FIELDS = (
    "id",
    "procedure_id",
    "procedure__code",
    "number",
    "time_limit_amount",
    "time_limit_unit",
    "fee_rules",
    "form_schema",
    "ui_schema",
    "same_day_cutoff",
    "extension_max",
    "extension_basis",
    "valid_from",
)


def versions_to_check(
    *, on: dt.date, procedures: Iterable[Procedure] | None, versions: Iterable[ProcedureVersion] | None
) -> list[VersionRow]:
    qs = ProcedureVersion.objects.all()
    if versions is not None:
        qs = qs.filter(pk__in=[v.pk for v in versions]).order_by("procedure__code", "number")
    else:
        qs = qs.valid_on(on).filter(status=VersionStatus.PUBLISHED).order_by("procedure__code", "-number")
        if procedures is not None:
            qs = qs.filter(procedure__in=list(procedures))
    chosen: dict[int, VersionRow] = {}
    seen: set[int] = set()
    for row in qs.values_list(*VERSION_FIELDS):
        if versions is None and row[1] in seen:
            continue  # the highest number in force wins
        seen.add(row[1])
        chosen[row[0]] = VersionRow(*row)
    ids = list(chosen)
    for version_id in Workflow.objects.filter(version_id__in=ids).values_list("version_id", flat=True):
        chosen[version_id].has_workflow = True
    steps: dict[int, StepRow] = {}
    step_rows = (
        WorkflowStep.objects.filter(workflow__version_id__in=ids)
        .order_by("order", "id")
        .values_list(
            "workflow__version_id",
            "id",
            "code",
            "name",
            "order",
            "role",
            "performer",
            "performer_agency_id",
            "allotment_hours",
            "actions",
            "is_initial",
        )
    )
    for version_id, *rest in step_rows:
        step = StepRow(*rest)
        steps[step.id] = step
        chosen[version_id].steps.append(step)
    transition_rows = (
        Transition.objects.filter(source__workflow__version_id__in=ids)
        .order_by("id")
        .values_list("id", "source_id", "action", "target_id", "requires_reason")
    )
    for row in transition_rows:
        transition = TransitionRow(*row)
        steps[transition.source_id].transitions.append(transition)
    document_rows = (
        RequiredDocument.objects.filter(version_id__in=ids)
        .order_by("order", "id")
        .values_list(
            "version_id", "name", "originals", "copies", "mandatory", "reuse", "reuse_key", "form_field"
        )
    )
    for version_id, *rest in document_rows:
        chosen[version_id].documents.append(DocumentRow(*rest))
    return list(chosen.values())
