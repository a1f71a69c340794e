"""The catalog verifier: proves, for a date, that every procedure in force can actually be handled.

Rules (each finding carries the rule's code):
- ``competence.gap`` / ``competence.overlap``: for every procedure and every commune of the
  province, exactly one competent agency;
- ``workflow.*``: one initial step, every step reachable, every path ends in a result or a
  refusal, actions and transitions consistent (returns go back and need a reason; refusal and
  result end the workflow);
- ``workflow.cycle``: no cycle without a return-with-reason (the "dossier sent in circles" defect);
- ``performer.missing``: every performer role has an active staff member at the resolved agency;
- ``time.exceeded``: the longest path of step allotments fits in the legal time limit;
- ``form.*``: the e-form is a valid JSON Schema 2020-12 with a consistent UI schema, and every
  required document is covered;
- ``fee.*``: every fee rule only names form fields and computes on a sample form; every number field a
  fee reads has a ``maximum`` (``fee.unbounded_field``), and at those maximums the fee still fits what a
  dossier stores (``fee.not_computable``).

The world (communes, agencies, staff positions, rules) is loaded once into dictionaries, so a
run over thousands of procedures and all communes stays a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.geo.models import AdministrativeUnit
from motcua.geo.models import Level as UnitLevel
from motcua.org.models import Agency, AgencyKind, AgencyLevel, Position, Role

from . import fees, forms
from .expressions import ExpressionError
from .models import (
    Action,
    AgencyRule,
    CompetenceRule,
    PerformerRule,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Transition,
    VersionStatus,
    Workflow,
    WorkflowStep,
    time_limit_in_hours,
)

ERROR = "error"
WARNING = "warning"
ENDING_ACTIONS = {Action.REFUSE, Action.RETURN_RESULT}
MOVING_ACTIONS = {Action.FORWARD, Action.APPROVE, Action.SIGN, Action.ISSUE_NUMBER}
STAYING_ACTIONS = {Action.REQUEST_SUPPLEMENT, Action.CONSULT}
ACTION_VALUES = frozenset(Action.values)
# Labels stay lazy: they are read in the language of the run, not of the import.
ROLE_LABELS = {str(value): label for value, label in Role.choices}


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    procedure: str
    message: str
    version: int | None = None

    def __str__(self) -> str:
        label = _("LỖI") if self.severity == ERROR else _("CẢNH BÁO")
        where = f"{self.procedure} v{self.version}" if self.version is not None else self.procedure
        return f"[{label}] {where} ({self.rule}): {self.message}"


@dataclass
class Report:
    on: dt.date
    province_code: str
    procedures: int = 0
    communes: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self, rule: str | None = None) -> list[str]:
        return [f.message for f in self.findings if rule is None or f.rule == rule]

    def as_text(self) -> str:
        head = _(
            "Kiểm tra danh mục thủ tục ngày %(day)s (tỉnh %(province)s): %(procedures)s thủ tục × "
            "%(communes)s xã, phường — %(errors)s lỗi, %(warnings)s cảnh báo."
        ) % {
            "day": f"{self.on:%d/%m/%Y}",
            "province": self.province_code,
            "procedures": self.procedures,
            "communes": self.communes,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }
        lines = [
            head,
            *(str(f) for f in sorted(self.findings, key=lambda f: (f.severity, f.procedure, f.rule))),
        ]
        if self.ok:
            lines.append(_("Kết quả: ĐẠT."))
        else:
            lines.append(_("Kết quả: KHÔNG ĐẠT."))
        return "\n".join(lines)


@dataclass(frozen=True)
class _Rule:
    id: int
    scope_id: int
    scope_is_province: bool
    scope_province: str
    agency_rule: str
    agency_id: int | None


class World:
    """Everything the checks need about geography and organization on one date, in memory."""

    def __init__(self, *, on: dt.date, province_code: str) -> None:
        self._place: tuple[dict[int, list[str]], list[str]] | None = None
        self.on = on
        self.province_code = province_code
        self.communes = list(
            AdministrativeUnit.objects.valid_on(on)
            .filter(province_code=province_code, level=UnitLevel.COMMUNE)
            .order_by("code")
            .values_list("id", "name")
        )
        self.agencies: dict[int, str] = {}
        self.committee_of: dict[int, list[int]] = defaultdict(list)
        rows = Agency.objects.valid_on(on).filter(province_code=province_code).order_by("code")
        for agency_id, name, kind, level, unit_id in rows.values_list(
            "id", "name", "kind", "level", "unit_id"
        ):
            self.agencies[agency_id] = name
            if kind == AgencyKind.PEOPLES_COMMITTEE and level == AgencyLevel.COMMUNE:
                self.committee_of[unit_id].append(agency_id)
        self.staffed: set[tuple[int, str]] = set(
            Position.objects.valid_on(on)
            .filter(staff__is_active=True, agency_id__in=list(self.agencies))
            .values_list("agency_id", "role")
            .distinct()
        )

    def place_committees(self) -> tuple[dict[int, list[str]], list[str]]:
        """commune People's Committee -> [commune], and the communes without exactly one committee."""
        if self._place is None:
            targets: dict[int, list[str]] = defaultdict(list)
            unresolved = []
            for commune_id, commune_name in self.communes:
                committees = self.committee_of.get(commune_id, [])
                if len(committees) == 1:
                    targets[committees[0]].append(commune_name)
                else:
                    unresolved.append(commune_name)
            self._place = (dict(targets), unresolved)
        return self._place

    def agency_name(self, agency_id: int | None) -> str:
        if agency_id is None:
            return "?"
        if agency_id in self.agencies:
            return self.agencies[agency_id]
        return str(Agency.objects.filter(pk=agency_id).values_list("name", flat=True).first() or agency_id)


def verify(
    *,
    on: dt.date,
    province_code: str | None = None,
    procedures: Iterable[Procedure] | None = None,
    versions: Iterable[ProcedureVersion] | None = None,
) -> Report:
    """Verify the catalog on ``on``.

    By default every procedure's published version in force on ``on`` is checked. Pass
    ``versions`` to check given versions instead (e.g. a draft before publishing it), or
    ``procedures`` to limit the run.
    """
    province_code = province_code or settings.MOTCUA_PROVINCE_CODE
    world = World(on=on, province_code=province_code)
    chosen = _versions_to_check(on=on, procedures=procedures, versions=versions)
    report = Report(on=on, province_code=province_code, communes=len(world.communes))
    rules = _rules_by_procedure(on=on, procedure_ids={v.procedure_id for v in chosen})
    if procedures is None and versions is None:
        checked = {v.procedure_id for v in chosen}
        for code in Procedure.objects.exclude(id__in=checked).values_list("code", flat=True):
            report.findings.append(
                Finding(
                    WARNING,
                    "version.none_in_force",
                    code,
                    _("không có phiên bản đã công bố có hiệu lực ngày %(day)s") % {"day": f"{on:%d/%m/%Y}"},
                )
            )
    if not world.communes:
        report.findings.append(
            Finding(
                ERROR,
                "geo.no_communes",
                "-",
                _("tỉnh %(province)s không có xã, phường nào có hiệu lực ngày %(day)s")
                % {"province": province_code, "day": f"{on:%d/%m/%Y}"},
            )
        )
    for version in chosen:
        report.procedures += 1
        _check_version(report, world, version, rules.get(version.procedure_id, []))
    return report


@dataclass
class _Transition:
    id: int
    source_id: int
    action: str
    target_id: int | None
    requires_reason: bool


@dataclass
class _Step:
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
    transitions: list[_Transition] = field(default_factory=list)


@dataclass
class _Document:
    name: str
    originals: int
    copies: int
    mandatory: bool
    reuse: str
    reuse_key: str
    form_field: str


@dataclass
class _Version:
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
    has_workflow: bool = False
    steps: list[_Step] = field(default_factory=list)
    documents: list[_Document] = field(default_factory=list)


_VERSION_FIELDS = (
    "id",
    "procedure_id",
    "procedure__code",
    "number",
    "time_limit_amount",
    "time_limit_unit",
    "fee_rules",
    "form_schema",
    "ui_schema",
)


def _versions_to_check(
    *, on: dt.date, procedures: Iterable[Procedure] | None, versions: Iterable[ProcedureVersion] | None
) -> list[_Version]:
    qs = ProcedureVersion.objects.all()
    if versions is not None:
        qs = qs.filter(pk__in=[v.pk for v in versions]).order_by("procedure__code", "number")
    else:
        qs = qs.valid_on(on).filter(status=VersionStatus.PUBLISHED).order_by("procedure__code", "-number")
        if procedures is not None:
            qs = qs.filter(procedure__in=list(procedures))
    chosen: dict[int, _Version] = {}
    seen: set[int] = set()
    for row in qs.values_list(*_VERSION_FIELDS):
        if versions is None and row[1] in seen:
            continue  # the highest number in force wins
        seen.add(row[1])
        chosen[row[0]] = _Version(*row)
    ids = list(chosen)
    for version_id in Workflow.objects.filter(version_id__in=ids).values_list("version_id", flat=True):
        chosen[version_id].has_workflow = True
    steps: dict[int, _Step] = {}
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
        step = _Step(*rest)
        steps[step.id] = step
        chosen[version_id].steps.append(step)
    transition_rows = (
        Transition.objects.filter(source__workflow__version_id__in=ids)
        .order_by("id")
        .values_list("id", "source_id", "action", "target_id", "requires_reason")
    )
    for row in transition_rows:
        transition = _Transition(*row)
        steps[transition.source_id].transitions.append(transition)
    document_rows = (
        RequiredDocument.objects.filter(version_id__in=ids)
        .order_by("order", "id")
        .values_list(
            "version_id", "name", "originals", "copies", "mandatory", "reuse", "reuse_key", "form_field"
        )
    )
    for version_id, *rest in document_rows:
        chosen[version_id].documents.append(_Document(*rest))
    return list(chosen.values())


def _rules_by_procedure(*, on: dt.date, procedure_ids: set[int]) -> dict[int, list[_Rule]]:
    rules: dict[int, list[_Rule]] = defaultdict(list)
    qs = (
        CompetenceRule.objects.valid_on(on)
        .filter(procedure_id__in=procedure_ids)
        .values_list(
            "id",
            "procedure_id",
            "scope_id",
            "scope__level",
            "scope__province_code",
            "agency_rule",
            "agency_id",
        )
    )
    for rule_id, procedure_id, scope_id, level, province, agency_rule, agency_id in qs:
        rules[procedure_id].append(
            _Rule(rule_id, scope_id, level == UnitLevel.PROVINCE, province, agency_rule, agency_id)
        )
    return rules


def _competent(world: World, rules: list[_Rule], commune_id: int) -> tuple[list[int], str]:
    """Agencies competent for one commune, and why none when the list is empty."""
    applicable = [r for r in rules if r.scope_id == commune_id]
    if not applicable:
        applicable = [r for r in rules if r.scope_is_province and r.scope_province == world.province_code]
    if not applicable:
        return [], _("không có quy tắc thẩm quyền áp dụng")
    agencies: list[int] = []
    reasons = []
    for rule in applicable:
        if rule.agency_rule == AgencyRule.COMMUNE_COMMITTEE:
            found = world.committee_of.get(commune_id, [])
            if not found:
                reasons.append(_("không có UBND xã, phường đang hoạt động"))
            agencies.extend(found)
        elif rule.agency_id in world.agencies:
            agencies.append(rule.agency_id)
        else:
            reasons.append(
                _("cơ quan '%(agency)s' không hoạt động vào ngày này")
                % {"agency": world.agency_name(rule.agency_id)}
            )
    return agencies, "; ".join(reasons)


def _check_version(report: Report, world: World, version: _Version, rules: list[_Rule]) -> None:
    code = version.code

    def add(severity: str, rule: str, message: str) -> None:
        report.findings.append(Finding(severity, rule, code, message, version.number))

    competent_by_commune = _check_competence(add, world, rules)
    steps = _check_workflow(add, version)
    if steps:
        _check_performers(add, world, steps, competent_by_commune)
    _check_form_and_fees(add, version)


def _check_competence(add, world: World, rules: list[_Rule]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    competent: dict[int, int] = {}
    gaps, overlaps = [], []
    for commune_id, commune_name in world.communes:
        agencies, why = _competent(world, rules, commune_id)
        if not agencies:
            gaps.append(f"{commune_name} ({why})")
        elif len(agencies) > 1:
            names = ", ".join(world.agency_name(a) for a in agencies)
            overlaps.append(f"{commune_name}: {names}")
        else:
            competent[commune_id] = agencies[0]
    if gaps:
        add(
            ERROR,
            "competence.gap",
            _("không có cơ quan có thẩm quyền tại %(count)s xã, phường: %(communes)s")
            % {"count": len(gaps), "communes": "; ".join(gaps)},
        )
    if overlaps:
        add(
            ERROR,
            "competence.overlap",
            _("nhiều cơ quan cùng có thẩm quyền tại %(count)s xã, phường: %(communes)s")
            % {"count": len(overlaps), "communes": "; ".join(overlaps)},
        )
    return competent


def _check_workflow(add, version: _Version) -> list[_Step]:  # type: ignore[no-untyped-def]
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
    edges: dict[int, list[_Transition]] = {s.id: s.transitions for s in steps}
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


def _check_performers(add, world: World, steps: list[_Step], competent: dict[int, int]) -> None:  # type: ignore[no-untyped-def]
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


def _check_form_and_fees(add, version: _Version) -> None:  # type: ignore[no-untyped-def]
    schema = version.form_schema or {}
    problems = forms.schema_problems(schema)
    for problem in problems:
        add(ERROR, "form.schema", problem)
    for problem in forms.ui_problems(version.ui_schema or {}, schema if not problems else {}):
        add(ERROR, "form.ui", problem)
    names = forms.field_names(schema)
    for doc in version.documents:
        if doc.form_field and doc.form_field not in names:
            add(
                ERROR,
                "form.document",
                _("giấy tờ '%(document)s' gắn với trường '%(field)s' không có trong biểu mẫu")
                % {"document": doc.name, "field": doc.form_field},
            )
        covered = (
            bool(doc.form_field) or (doc.originals + doc.copies) > 0 or bool(doc.reuse and doc.reuse_key)
        )
        if doc.mandatory and not covered:
            add(
                ERROR,
                "form.document",
                _(
                    "giấy tờ bắt buộc '%(document)s' không có cách nộp: không có bản chính, bản sao, "
                    "trường biểu mẫu hay nguồn dữ liệu dùng lại"
                )
                % {"document": doc.name},
            )
        if doc.reuse and not doc.reuse_key:
            add(
                ERROR,
                "form.document",
                _("giấy tờ '%(document)s' dùng lại dữ liệu nhưng chưa nêu nguồn dữ liệu")
                % {"document": doc.name},
            )
    rule_problems = fees.rule_problems(version.fee_rules)
    for problem in rule_problems:
        add(ERROR, "fee.rule", problem)
    if rule_problems or problems:
        return
    unknown = fees.names_used(version.fee_rules) - names
    if unknown:
        add(
            ERROR,
            "fee.unknown_field",
            _("công thức phí dùng trường không có trong biểu mẫu: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
        )
        return
    properties = schema.get("properties") or {}
    numbers = {
        name: properties[name]
        for name in fees.names_used(version.fee_rules)
        if isinstance(properties.get(name), dict) and _is_number(properties[name])
    }
    unbounded = sorted(name for name, sub in numbers.items() if "maximum" not in sub)
    if unbounded:
        add(
            ERROR,
            "fee.unbounded_field",
            _("trường số dùng trong công thức phí phải có giá trị lớn nhất (maximum): %(fields)s")
            % {"fields": ", ".join(unbounded)},
        )
        return
    sample = forms.sample_data(schema)
    try:
        fees.quote(version.fee_rules, sample)
        # Also with every yes/no field set, so that each exemption condition is evaluated once.
        flipped = {k: (True if v is False else v) for k, v in sample.items()}
        fees.quote(version.fee_rules, flipped)
        # And with every number the fee reads at its maximum: the largest fee must still be storable.
        fees.quote(version.fee_rules, {**sample, **{name: sub["maximum"] for name, sub in numbers.items()}})
    except ExpressionError as exc:
        add(
            ERROR,
            "fee.not_computable",
            _("không tính được phí trên biểu mẫu mẫu: %(error)s") % {"error": exc},
        )


def _is_number(sub: dict) -> bool:
    kind = sub.get("type")
    return bool({"integer", "number"} & set(kind if isinstance(kind, list) else [kind]))


def competent_agency_ids(
    *, on: dt.date, procedure: Procedure, province_code: str | None = None
) -> dict[int, int]:
    """commune id -> competent agency id for one procedure (communes with a gap or overlap left out)."""
    world = World(on=on, province_code=province_code or settings.MOTCUA_PROVINCE_CODE)
    rules = _rules_by_procedure(on=on, procedure_ids={procedure.id}).get(procedure.id, [])
    result = {}
    for commune_id, _name in world.communes:
        agencies, _why = _competent(world, rules, commune_id)
        if len(agencies) == 1:
            result[commune_id] = agencies[0]
    return result


__all__ = ["Finding", "Report", "World", "competent_agency_ids", "verify"]
