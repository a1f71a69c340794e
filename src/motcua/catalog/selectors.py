"""Reads of the catalog: versions in force, competence, workflows, search and fees.

The reads of the hot path (version in force, competence rules, workflows and their transitions, required
documents) come from the catalog's versioned in-process snapshot (``core.snapshots``): no query while no
catalog row changed. What they return is shared between requests: read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core import snapshots
from motcua.core.errors import DomainError, FieldError
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit
from motcua.geo.models import Level as UnitLevel
from motcua.org.models import Agency
from motcua.org.selectors import commune_committee_for

from . import fees
from .competence import applicable_rules
from .expressions import ExpressionError
from .forms import field_title
from .models import (
    AgencyRule,
    CompetenceRule,
    PlaceBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Transition,
    VersionStatus,
    Workflow,
    WorkflowStep,
    fold,
)


def version_in_force(*, procedure: Procedure, on: dt.date) -> ProcedureVersion:
    """The published version valid on ``on`` (the highest number if several are); shared, read-only."""
    version = snapshots.remember(
        "catalog",
        ("catalog.version_in_force", procedure.pk, on),
        lambda: (
            ProcedureVersion.objects.valid_on(on)
            .filter(procedure=procedure, status=VersionStatus.PUBLISHED)
            .select_related("procedure", "procedure__field")
            .order_by("-number")
            .first()
        ),
    )
    if version is None:
        raise DomainError(
            "version.none_in_force",
            _("Thủ tục %(procedure)s không có phiên bản đang có hiệu lực vào ngày %(day)s."),
            procedure=procedure.code,
            day=on.strftime("%d/%m/%Y"),
        )
    return version


def competence_rules(*, procedure: Procedure, on: dt.date) -> QuerySet[CompetenceRule]:
    return CompetenceRule.objects.valid_on(on).filter(procedure=procedure).select_related("scope", "agency")


# Competence rules read their scope (geo) and agency (org) too.
_COMPETENCE_DOMAINS = ("catalog", "org", "geo")


def rules_in_force(*, procedure: Procedure, on: dt.date) -> tuple[CompetenceRule, ...]:
    """``competence_rules`` in id order, from the snapshot; shared, read-only."""
    return snapshots.remember(
        _COMPETENCE_DOMAINS,
        ("catalog.competence_rules", procedure.pk, on),
        lambda: tuple(competence_rules(procedure=procedure, on=on).order_by("id")),
    )


def _rules_in_force(procedure: Procedure, on: dt.date) -> tuple[CompetenceRule, ...]:
    return rules_in_force(procedure=procedure, on=on)


def competence_place_basis(*, procedure: Procedure, on: dt.date) -> str:
    """Which place decides competence (residence, property, business seat, event or none)."""
    bases = {rule.place_basis for rule in _rules_in_force(procedure, on)}
    if len(bases) == 1:
        return bases.pop()
    return PlaceBasis.NONE if not bases else sorted(bases)[0]


def competence_place_fields(*, procedure: Procedure, on: dt.date) -> list[str]:
    """The e-form fields that carry the place deciding competence, in fallback order (the rules in force
    name the same fields; the verifier says so when they do not)."""
    names: list[str] = []
    for rule in _rules_in_force(procedure, on):
        names += [str(name) for name in rule.place_fields or [] if str(name) not in names]
    return names


@dataclass(frozen=True)
class CompetencePlace:
    """The place that decides competence: its commune, the e-form field it was read from ('' when the
    rules name no field) and the form data (with that field filled when an explicit place filled it)."""

    unit: AdministrativeUnit
    field: str
    form_data: dict[str, Any]


def _commune(code: Any, *, on: dt.date) -> AdministrativeUnit | None:
    if not isinstance(code, str) or not code.isdigit():
        return None
    try:
        unit = geo_selectors.unit_by_code(code=code, on=on)
    except DomainError:
        return None
    return unit if unit.level == UnitLevel.COMMUNE else None


def competence_place(
    *,
    procedure: Procedure,
    version: ProcedureVersion,
    on: dt.date,
    form_data: Mapping[str, Any] | None,
    place_unit: AdministrativeUnit | None = None,
) -> CompetencePlace:
    """Which commune decides competence, read from the fact the law names (``CompetenceRule.place_fields``).

    The place is the commune in the first filled field of ``place_fields`` (the fallback order: death
    registration reads the deceased's last residence, else the place of death, else where the body was
    found, Luật Hộ tịch 2014 Art. 32). A caller may also pass ``place_unit`` (counter, post, API): it is
    the value of that same fact, so it fills the first named field when the form holds none of them and
    must be the form's commune otherwise (``competence.place_mismatch``). Rules that name no field (basis
    ``none``) take ``place_unit``. Raises FieldError ``competence.place_missing`` /
    ``competence.place_invalid`` naming the field, or DomainError ``competence.place_mismatch``.
    """
    data = dict(form_data or {})
    names = competence_place_fields(procedure=procedure, on=on)
    schema, ui = version.form_schema or {}, version.ui_schema or {}
    if not names:
        if place_unit is None:
            raise FieldError(
                "competence.place_missing", _("Vui lòng chọn xã, phường giải quyết hồ sơ."), field="place"
            )
        return CompetencePlace(unit=place_unit, field="", form_data=data)
    filled = next((name for name in names if data.get(name) not in (None, "")), None)
    if filled is None:
        if place_unit is None:
            raise FieldError(
                "competence.place_missing",
                _("Vui lòng chọn %(title)s: nơi này xác định cơ quan có thẩm quyền giải quyết."),
                field=names[0],
                title=field_title(schema, ui, names[0]),
            )
        data[names[0]] = place_unit.code
        return CompetencePlace(unit=place_unit, field=names[0], form_data=data)
    unit = _commune(data[filled], on=on)
    if unit is None:
        raise FieldError(
            "competence.place_invalid",
            _("%(title)s: mã %(unit_code)s không phải là xã, phường, đặc khu đang có hiệu lực ngày %(day)s."),
            field=filled,
            title=field_title(schema, ui, filled),
            unit_code=str(data[filled])[:20],
            day=on.strftime("%d/%m/%Y"),
        )
    if place_unit is not None and place_unit.pk != unit.pk:
        raise DomainError(
            "competence.place_mismatch",
            _("Xã, phường đã chọn (%(given)s) khác với %(title)s trong tờ khai (%(unit)s)."),
            given=place_unit.name,
            title=field_title(schema, ui, filled),
            unit=unit.name,
        )
    return CompetencePlace(unit=unit, field=filled, form_data=data)


def _committee_of(*, unit: AdministrativeUnit, on: dt.date) -> list[Agency]:
    committee = commune_committee_for(unit=unit, on=on)
    return [committee] if committee is not None else []


def _no_competent_agency(*, procedure: Procedure, place: str) -> DomainError:
    return DomainError(
        "competence.none",
        _("Chưa xác định được cơ quan có thẩm quyền giải quyết thủ tục %(procedure)s tại %(place)s."),
        procedure=procedure.code,
        place=place,
    )


def resolve_competent_agency(
    *, procedure: Procedure, on: dt.date, place_unit: AdministrativeUnit | None
) -> Agency:
    """The one agency competent for ``procedure`` on ``on`` for a place in ``place_unit`` (a commune).

    Rules scoped to the commune itself win over rules scoped to the whole province. Raises
    DomainError ``competence.none`` or ``competence.ambiguous``.
    """
    province_code = place_unit.province_code if place_unit else settings.MOTCUA_PROVINCE_CODE
    rules = _rules_in_force(procedure, on)
    applicable = applicable_rules(
        rules,
        commune_id=place_unit.id if place_unit is not None else None,
        province_code=province_code,
        scope=lambda rule: (rule.scope_id, rule.scope.level == UnitLevel.PROVINCE, rule.scope.province_code),
    )
    place = place_unit.name if place_unit else _("toàn tỉnh")
    if not applicable:
        raise _no_competent_agency(procedure=procedure, place=place)
    agencies: list[Agency] = []
    for rule in applicable:
        if rule.agency_rule == AgencyRule.COMMUNE_COMMITTEE:
            if place_unit is None:
                raise DomainError(
                    "competence.none",
                    _(
                        "Thủ tục %(procedure)s do UBND xã, phường nơi có địa bàn giải quyết: "
                        "cần chọn xã, phường."
                    ),
                    procedure=procedure.code,
                )
            agencies.extend(_committee_of(unit=place_unit, on=on))
        elif rule.agency is not None and rule.agency.is_valid_on(on):
            agencies.append(rule.agency)
    distinct = {a.pk: a for a in agencies}
    if not distinct:
        raise _no_competent_agency(procedure=procedure, place=place)
    if len(applicable) > 1 or len(distinct) > 1:
        raise DomainError(
            "competence.ambiguous",
            _(
                "Có nhiều cơ quan cùng có thẩm quyền giải quyết thủ tục %(procedure)s tại %(place)s: "
                "%(agencies)s."
            ),
            procedure=procedure.code,
            place=place,
            agencies=", ".join(a.name for a in distinct.values()),
        )
    return next(iter(distinct.values()))


def resolve_place_commune(*, place_unit: AdministrativeUnit, on: dt.date) -> Agency:
    """The People's Committee of the commune where the property lies (performer 'place_commune')."""
    found = _committee_of(unit=place_unit, on=on)
    if len(found) != 1:
        raise DomainError(
            "competence.none" if not found else "competence.ambiguous",
            _("Không xác định được UBND của %(place)s."),
            place=place_unit.name,
        )
    return found[0]


# A workflow's steps name their performer agency (org).
_WORKFLOW_DOMAINS = ("catalog", "org")


def _load_workflow(version_id: int) -> Workflow | None:
    transitions = Transition.objects.select_related("target", "target__performer_agency").order_by("id")
    steps = (
        WorkflowStep.objects.select_related("performer_agency")
        .order_by("order")
        .prefetch_related(Prefetch("transitions", queryset=transitions))
    )
    return (
        Workflow.objects.filter(version_id=version_id)
        .select_related("version")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .first()
    )


def workflow_of(version: ProcedureVersion) -> Workflow:
    """The version's workflow with its steps (in order) and their transitions prefetched, from the snapshot;
    shared, read-only."""
    workflow = snapshots.remember(
        _WORKFLOW_DOMAINS, ("catalog.workflow", version.pk), lambda: _load_workflow(version.pk)
    )
    if workflow is None:
        raise DomainError(
            "workflow.missing", _("Phiên bản %(version)s chưa có quy trình nội bộ."), version=str(version)
        )
    return workflow


def initial_step(workflow: Workflow) -> WorkflowStep:
    steps = [s for s in workflow.steps.all() if s.is_initial]
    if len(steps) != 1:
        raise DomainError(
            "workflow.initial", _("Quy trình %(name)s không có đúng một bước đầu."), name=str(workflow)
        )
    return steps[0]


def transitions_from(step: WorkflowStep) -> list[Transition]:
    """Transitions leaving ``step`` (uses the prefetch from workflow_of when present)."""
    return list(step.transitions.all())


def step_transitions(*, step_id: int, action: str) -> tuple[Transition, ...]:
    """The transitions leaving step ``step_id`` for ``action``, their targets (with the performer agency)
    loaded, from the snapshot; shared, read-only."""
    return snapshots.remember(
        _WORKFLOW_DOMAINS,
        ("catalog.transitions", step_id, action),
        lambda: tuple(
            Transition.objects.filter(source_id=step_id, action=action)
            .select_related("target", "target__performer_agency", "target__workflow")
            .order_by("id")
        ),
    )


def required_documents(*, version_id: int) -> tuple[RequiredDocument, ...]:
    """The required documents (thành phần hồ sơ) of a version in their order, from the snapshot; shared,
    read-only."""
    return snapshots.remember(
        "catalog",
        ("catalog.required_documents", version_id),
        lambda: tuple(RequiredDocument.objects.filter(version_id=version_id).order_by("order", "id")),
    )


@dataclass(frozen=True)
class ProcedureIndex:
    """Every procedure (with its sector), by id and by code."""

    by_id: Mapping[int, Procedure]
    by_code: Mapping[str, Procedure]


def procedure_index() -> ProcedureIndex:
    """Every procedure by id and by code, from the snapshot; shared, read-only."""

    def load() -> ProcedureIndex:
        procedures = list(Procedure.objects.select_related("field"))
        return ProcedureIndex(by_id={p.pk: p for p in procedures}, by_code={p.code: p for p in procedures})

    return snapshots.remember("catalog", "catalog.procedure_index", load)


def procedures_listed(*, ids: Iterable[int], code: str = "") -> list[Procedure]:
    """The procedures of ``ids`` and the one coded ``code`` (a filter's choices), ordered by code."""
    index = procedure_index()
    found = {pk: index.by_id[pk] for pk in ids if pk in index.by_id}
    if code in index.by_code:
        found[index.by_code[code].pk] = index.by_code[code]
    return sorted(found.values(), key=lambda p: p.code)


def search_procedures(
    *,
    text: str = "",
    field_code: str | None = None,
    level: str | None = None,
    target: str | None = None,
    agency_code: str | None = None,
    on: dt.date | None = None,
) -> QuerySet[Procedure]:
    """Procedures matching words of ``text`` (accents optional; code, Vietnamese or English name, keywords),
    by sector, level ("province"/"commune"), target, competent agency (a competence rule naming it, in force
    on ``on`` when given), and, with ``on``, only those with a published version in force that day."""
    qs = Procedure.objects.select_related("field")
    for word in fold(text).split():
        qs = qs.filter(search_key__contains=word)
    if agency_code:
        rules = CompetenceRule.objects.filter(agency__code=agency_code)
        if on is not None:
            rules = rules.valid_on(on)
        qs = qs.filter(id__in=rules.values("procedure_id"))
    if field_code:
        qs = qs.filter(field__code=field_code)
    if level == "province":
        qs = qs.filter(at_province=True)
    elif level == "commune":
        qs = qs.filter(at_commune=True)
    if target:
        qs = qs.filter(Q(target=target) | Q(target="both"))
    if on is not None:
        in_force = ProcedureVersion.objects.valid_on(on).filter(status=VersionStatus.PUBLISHED)
        qs = qs.filter(id__in=in_force.values("procedure_id"))
    return qs.order_by("code")


def fee_quote(*, version: ProcedureVersion, form_data: Mapping[str, Any], on: dt.date) -> fees.FeeQuote:
    """Each fee line in force on ``on`` (the submission date) for this form (exempted lines at zero, with the
    reason); a fee that cannot be computed is ``fee.not_computable``, never 0."""
    try:
        return fees.quote(version.fee_rules or [], form_data, on=on)
    except ExpressionError as exc:
        raise DomainError(
            "fee.not_computable", _("Không tính được phí, lệ phí: %(reason)s"), reason=str(exc)
        ) from exc


def fee_for(*, version: ProcedureVersion, form_data: Mapping[str, Any], on: dt.date) -> Decimal:
    """The total the applicant pays for this form on ``on``; see fee_quote for the breakdown."""
    return fee_quote(version=version, form_data=form_data, on=on).total


def featured_procedures(*, on: dt.date) -> QuerySet[Procedure]:
    """The procedures the catalog puts on the home page (``featured``), in force on ``on``, by name."""
    return search_procedures(on=on).filter(featured=True).order_by("name")


def agencies_with_procedures(*, on: dt.date) -> frozenset[str]:
    """Codes of the agencies that a competence rule in force on ``on`` names for a procedure in force."""
    in_force = search_procedures(on=on).values("id")
    rules = CompetenceRule.objects.valid_on(on).filter(procedure__in=in_force, agency__isnull=False)
    return frozenset(rules.values_list("agency__code", flat=True).distinct())
