"""The catalog interchange format (YAML; JSON is accepted since it is a subset of YAML).

Parsing keeps the line of every mapping and key, so that a bad file is answered with one
message per problem and its line, before anything is written. ``parse`` turns a document into
canonical plain dictionaries (the same shape ``dump_procedure`` produces from the database),
so importing an export and exporting again gives the same text. The format is described in
docs/catalog.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from motcua.core.errors import DomainError
from motcua.org.models import Role

from . import fees, forms
from .expressions import ExpressionError
from .models import (
    Action,
    AgencyRule,
    OnlineLevel,
    PerformerRule,
    PlaceBasis,
    Procedure,
    ProcedureVersion,
    ReuseSource,
    Target,
    TimeUnit,
    VersionStatus,
)

FORMAT = "motcua-catalog/1"
LEVELS = ("province", "commune")

# Key order inside the free-form JSON documents (form schema, UI schema, fee rules): these first,
# the rest alphabetically, so that the export does not depend on how the database stored them.
PREFERRED_KEYS = [
    "$schema",
    "$id",
    "code",
    "name",
    "title",
    "description",
    "kind",
    "type",
    "format",
    "amount",
    "expr",
    "unit",
    "when",
    "reason",
    "exemptions",
    "note",
    "enum",
    "const",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "required",
    "properties",
    "order",
    "labels",
    "help",
    "widgets",
]
_RANK = {key: i for i, key in enumerate(PREFERRED_KEYS)}


class LineDict(dict):
    """A mapping read from YAML that remembers where it and each of its keys were."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.MarkedYAMLError(problem=f"khóa '{key}' bị lặp", problem_mark=key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"dòng {self.line}: {self.message}" if self.line else self.message


class CatalogFormatError(DomainError):
    """The file cannot be imported; ``problems`` lists every problem found, with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("catalog.invalid", "\n".join(str(p) for p in self.problems))


# Resolvers turn references in the file into database keys; import passes real ones.
AgencyResolver = Callable[[str, dt.date], "tuple[str | None, str | None]"]  # ref -> (agency code, error)
UnitResolver = Callable[[str, dt.date], "str | None"]  # unit code -> error


@dataclass
class _Ctx:
    problems: list[Problem] = field(default_factory=list)
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    resolve_agency: AgencyResolver | None = None
    resolve_unit: UnitResolver | None = None

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))


def plain(value: Any) -> Any:
    """LineDict/LineList/dates -> plain JSON-compatible values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def canonical(value: Any) -> Any:
    """Sort the keys of free-form JSON documents in a stable order (see PREFERRED_KEYS)."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value, key=lambda k: (_RANK.get(k, len(_RANK)), k))}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def number(value: Decimal | int | float) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def compact(mapping: dict[str, Any], *, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Drop empty optional keys (None, '', [] and {}) so the file stays short and canonical."""
    return {k: v for k, v in mapping.items() if k in keep or v not in (None, "", [], {})}


# --- reading ------------------------------------------------------------------------------------------


def load(text: str) -> Any:
    """Parse YAML/JSON text keeping lines; a syntax error becomes a CatalogFormatError."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise CatalogFormatError([Problem(line, f"cú pháp YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise CatalogFormatError([Problem(0, f"cú pháp YAML: {exc}")]) from None


def _line(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
    return getattr(mapping, "line", 0)


def _expect_map(ctx: _Ctx, value: Any, line: int, what: str) -> bool:
    if not isinstance(value, dict):
        ctx.error(line, f"{what} phải là một bảng khóa–giá trị")
        return False
    return True


def _keys(
    ctx: _Ctx, mapping: LineDict, *, required: tuple[str, ...], optional: tuple[str, ...], what: str
) -> None:
    for key in required:
        if key not in mapping or mapping[key] in (None, ""):
            ctx.error(mapping.line, f"{what}: thiếu '{key}'")
    for key in mapping:
        if key not in required and key not in optional:
            ctx.error(_line(mapping, key), f"{what}: khóa không hợp lệ '{key}'")


def _str(ctx: _Ctx, mapping: LineDict, key: str, what: str, default: str = "") -> str:
    value = mapping.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        ctx.error(_line(mapping, key), f"{what}: '{key}' phải là chuỗi")
        return default
    return str(value)


def _choice(
    ctx: _Ctx, mapping: LineDict, key: str, choices: list[str], what: str, default: str | None = None
) -> str:
    value = mapping.get(key, default)
    if value not in choices:
        ctx.error(
            _line(mapping, key),
            f"{what}: '{key}' phải là một trong {', '.join(c or '""' for c in choices)} (đang là {value!r})",
        )
        return default or choices[0]
    return str(value)


def _bool(ctx: _Ctx, mapping: LineDict, key: str, what: str, default: bool) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        ctx.error(_line(mapping, key), f"{what}: '{key}' phải là true hoặc false")
        return default
    return value


def _int(ctx: _Ctx, mapping: LineDict, key: str, what: str, default: int = 0, minimum: int = 0) -> int:
    value = mapping.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        ctx.error(_line(mapping, key), f"{what}: '{key}' phải là số nguyên ≥ {minimum}")
        return default
    return value


def _amount(ctx: _Ctx, mapping: LineDict, key: str, what: str) -> int | float:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        ctx.error(_line(mapping, key), f"{what}: '{key}' phải là số không âm")
        return 0
    return number(value)


def _date(ctx: _Ctx, mapping: LineDict, key: str, what: str, *, required: bool) -> dt.date | None:
    value = mapping.get(key)
    if value is None:
        if required:
            ctx.error(mapping.line, f"{what}: thiếu '{key}'")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        ctx.error(_line(mapping, key), f"{what}: '{key}' phải là ngày dạng YYYY-MM-DD")
        return None


def _list(ctx: _Ctx, mapping: LineDict, key: str, what: str) -> LineList:
    value = mapping.get(key)
    if value is None:
        empty = LineList()
        empty.line, empty.item_lines = _line(mapping, key), []
        return empty
    if not isinstance(value, LineList):
        ctx.error(_line(mapping, key), f"{what}: '{key}' phải là danh sách")
        empty = LineList()
        empty.line, empty.item_lines = _line(mapping, key), []
        return empty
    return value


def _period(ctx: _Ctx, mapping: LineDict, what: str) -> tuple[dt.date | None, dt.date | None]:
    start = _date(ctx, mapping, "valid_from", what, required=True)
    end = _date(ctx, mapping, "valid_to", what, required=False)
    if start and end and end <= start:
        ctx.error(_line(mapping, "valid_to"), f"{what}: 'valid_to' phải sau 'valid_from'")
    return start, end


def parse(
    text: str, *, resolve_agency: AgencyResolver | None = None, resolve_unit: UnitResolver | None = None
) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """Validate a catalog document; return it in canonical form with the line of each procedure
    (``("procedure", code)``) and version (``("version", code, number)``). Raise CatalogFormatError."""
    doc = load(text)
    ctx = _Ctx(resolve_agency=resolve_agency, resolve_unit=resolve_unit)
    if not _expect_map(ctx, doc, 1, "tệp danh mục"):
        raise CatalogFormatError(ctx.problems)
    _keys(ctx, doc, required=("format",), optional=("fields", "procedures", "source"), what="tệp danh mục")
    if doc.get("format") not in (None, FORMAT):
        ctx.error(_line(doc, "format"), f"định dạng '{doc.get('format')}' không được hỗ trợ (cần {FORMAT})")
    result: dict[str, Any] = {"format": FORMAT}
    if doc.get("source"):
        result["source"] = _str(ctx, doc, "source", "tệp danh mục")
    field_codes: set[str] = set(_existing_field_codes())
    fields_out: list[dict[str, Any]] = []
    raw_fields = _list(ctx, doc, "fields", "tệp danh mục")
    for item, line in zip(raw_fields, raw_fields.item_lines, strict=True):
        if not _expect_map(ctx, item, line, "lĩnh vực"):
            continue
        _keys(ctx, item, required=("code", "name"), optional=(), what="lĩnh vực")
        code = _str(ctx, item, "code", "lĩnh vực")
        if code in {f["code"] for f in fields_out}:
            ctx.error(line, f"lĩnh vực '{code}' bị lặp")
        fields_out.append({"code": code, "name": _str(ctx, item, "name", "lĩnh vực")})
        field_codes.add(code)
    result["fields"] = fields_out
    procedures_out = []
    seen: set[str] = set()
    raw_procedures = _list(ctx, doc, "procedures", "tệp danh mục")
    for item, line in zip(raw_procedures, raw_procedures.item_lines, strict=True):
        if not _expect_map(ctx, item, line, "thủ tục"):
            continue
        parsed = _parse_procedure(ctx, item, field_codes)
        ctx.lines["procedure", parsed["code"]] = line
        if parsed["code"] in seen:
            ctx.error(line, f"thủ tục '{parsed['code']}' bị lặp")
        seen.add(parsed["code"])
        procedures_out.append(parsed)
    result["procedures"] = procedures_out
    if ctx.problems:
        raise CatalogFormatError(ctx.problems)
    return result, ctx.lines


def _existing_field_codes() -> list[str]:
    from .models import Field

    return list(Field.objects.values_list("code", flat=True))


_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]*$")


def _parse_procedure(ctx: _Ctx, item: LineDict, field_codes: set[str]) -> dict[str, Any]:
    code = _str(ctx, item, "code", "thủ tục")
    what = f"thủ tục {code or '?'}"
    _keys(
        ctx,
        item,
        required=("code", "name", "field", "levels"),
        optional=("target", "competence", "versions"),
        what=what,
    )
    if code and not _CODE_RE.match(code):
        ctx.error(_line(item, "code"), f"{what}: mã TTHC không hợp lệ")
    field_code = _str(ctx, item, "field", what)
    if field_code and field_code not in field_codes:
        ctx.error(_line(item, "field"), f"{what}: lĩnh vực '{field_code}' chưa khai báo trong 'fields'")
    levels = item.get("levels")
    if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
        ctx.error(_line(item, "levels"), f"{what}: 'levels' phải là danh sách gồm province và/hoặc commune")
        levels = []
    out: dict[str, Any] = {
        "code": code,
        "name": _str(ctx, item, "name", what),
        "field": field_code,
        "levels": [level for level in LEVELS if level in levels],
        "target": _choice(ctx, item, "target", Target.values, what, default=Target.CITIZEN),
    }
    rules = []
    raw_rules = _list(ctx, item, "competence", what)
    for rule, line in zip(raw_rules, raw_rules.item_lines, strict=True):
        if _expect_map(ctx, rule, line, f"{what}: quy tắc thẩm quyền"):
            rules.append(_parse_rule(ctx, rule, what))
    out["competence"] = rules
    versions: list[dict[str, Any]] = []
    raw_versions = _list(ctx, item, "versions", what)
    for version, line in zip(raw_versions, raw_versions.item_lines, strict=True):
        if _expect_map(ctx, version, line, f"{what}: phiên bản"):
            parsed = _parse_version(ctx, version, what)
            ctx.lines["version", code, parsed["number"]] = line
            if parsed["number"] in {v["number"] for v in versions}:
                ctx.error(line, f"{what}: phiên bản {parsed['number']} bị lặp")
            versions.append(parsed)
    out["versions"] = sorted(versions, key=lambda v: v["number"])
    return out


def _agency_ref(ctx: _Ctx, mapping: LineDict, key: str, what: str, on: dt.date | None) -> str | None:
    ref = mapping.get(key)
    if ref in (None, ""):
        return None
    ref = str(ref)
    if ctx.resolve_agency is None or on is None:
        return ref
    code, error = ctx.resolve_agency(ref, on)
    if error:
        ctx.error(_line(mapping, key), f"{what}: {error}")
    return code or ref


def _parse_rule(ctx: _Ctx, rule: LineDict, what: str) -> dict[str, Any]:
    where = f"{what}: quy tắc thẩm quyền"
    _keys(
        ctx,
        rule,
        required=("place_basis", "scope", "agency_rule", "valid_from"),
        optional=("agency", "valid_to", "legal_basis"),
        what=where,
    )
    start, end = _period(ctx, rule, where)
    scope = _str(ctx, rule, "scope", where)
    if scope and ctx.resolve_unit is not None and start is not None:
        error = ctx.resolve_unit(scope, start)
        if error:
            ctx.error(_line(rule, "scope"), f"{where}: {error}")
    agency_rule = _choice(ctx, rule, "agency_rule", AgencyRule.values, where)
    agency = _agency_ref(ctx, rule, "agency", where, start)
    if agency_rule == AgencyRule.NAMED and not agency:
        ctx.error(rule.line, f"{where}: 'agency_rule: named' cần 'agency'")
    if agency_rule == AgencyRule.COMMUNE_COMMITTEE and agency:
        ctx.error(_line(rule, "agency"), f"{where}: 'agency_rule: commune_committee' không dùng 'agency'")
    return compact(
        {
            "place_basis": _choice(ctx, rule, "place_basis", PlaceBasis.values, where),
            "scope": scope,
            "agency_rule": agency_rule,
            "agency": agency,
            "valid_from": start,
            "valid_to": end,
            "legal_basis": _str(ctx, rule, "legal_basis", where),
        }
    )


VERSION_KEYS = (
    "status",
    "valid_to",
    "same_day_cutoff",
    "location_independent",
    "legal_basis",
    "source",
    "fees",
    "documents",
    "form",
    "notes",
)


def _parse_version(ctx: _Ctx, version: LineDict, what: str) -> dict[str, Any]:
    number_ = _int(ctx, version, "number", what, default=1, minimum=1)
    where = f"{what} v{number_}"
    _keys(
        ctx,
        version,
        required=("number", "valid_from", "time_limit", "online_level", "result", "workflow"),
        optional=VERSION_KEYS,
        what=where,
    )
    start, end = _period(ctx, version, where)
    status = _choice(ctx, version, "status", VersionStatus.values, where, default=VersionStatus.PUBLISHED)
    out: dict[str, Any] = {"number": number_, "status": status, "valid_from": start, "valid_to": end}
    limit: Any = version.get("time_limit")
    if _expect_map(ctx, limit, _line(version, "time_limit"), f"{where}: 'time_limit'"):
        _keys(
            ctx, limit, required=("amount", "unit"), optional=("same_day_cutoff",), what=f"{where}: thời hạn"
        )
        cutoff = limit.get("same_day_cutoff")
        if cutoff is not None and (not isinstance(cutoff, str) or not re.match(r"^\d{2}:\d{2}$", cutoff)):
            ctx.error(_line(limit, "same_day_cutoff"), f"{where}: 'same_day_cutoff' phải dạng HH:MM")
            cutoff = None
        out["time_limit"] = compact(
            {
                "amount": _amount(ctx, limit, "amount", f"{where}: thời hạn"),
                "unit": _choice(ctx, limit, "unit", TimeUnit.values, f"{where}: thời hạn"),
                "same_day_cutoff": cutoff,
            }
        )
    out["online_level"] = _choice(ctx, version, "online_level", OnlineLevel.values, where)
    out["location_independent"] = _bool(ctx, version, "location_independent", where, True)
    out["legal_basis"] = _str(ctx, version, "legal_basis", where)
    out["source"] = _str(ctx, version, "source", where)
    result: Any = version.get("result")
    if _expect_map(ctx, result, _line(version, "result"), f"{where}: 'result'"):
        _keys(ctx, result, required=("name",), optional=("template", "validity"), what=f"{where}: kết quả")
        out["result"] = compact(
            {
                "name": _str(ctx, result, "name", where),
                "template": _str(ctx, result, "template", where),
                "validity": _str(ctx, result, "validity", where),
            }
        )
    fee_rules = plain(version.get("fees") or [])
    for problem in fees.rule_problems(fee_rules):
        ctx.error(_line(version, "fees"), f"{where}: {problem}")
    out["fees"] = canonical(fee_rules)
    form: Any = version.get("form") or LineDict()
    schema: dict[str, Any] = {}
    if _expect_map(ctx, form, _line(version, "form"), f"{where}: 'form'"):
        _keys(ctx, form, required=(), optional=("schema", "ui"), what=f"{where}: biểu mẫu")
        schema = plain(form.get("schema") or {})
        ui = plain(form.get("ui") or {})
        for problem in forms.schema_problems(schema):
            ctx.error(_line(form, "schema"), f"{where}: {problem}")
        for problem in forms.ui_problems(ui, schema):
            ctx.error(_line(form, "ui"), f"{where}: {problem}")
        out["form"] = compact({"schema": canonical(schema), "ui": canonical(ui)})
    names = forms.field_names(schema)
    try:
        unknown = fees.names_used(fee_rules) - names if not fees.rule_problems(fee_rules) else set()
    except ExpressionError:
        unknown = set()
    if unknown:
        ctx.error(
            _line(version, "fees"),
            f"{where}: công thức phí dùng trường không có trong biểu mẫu: {', '.join(sorted(unknown))}",
        )
    documents: list[dict[str, Any]] = []
    raw_docs = _list(ctx, version, "documents", where)
    for doc, line in zip(raw_docs, raw_docs.item_lines, strict=True):
        if not _expect_map(ctx, doc, line, f"{where}: thành phần hồ sơ"):
            continue
        dwhere = f"{where}: thành phần hồ sơ"
        _keys(
            ctx,
            doc,
            required=("code", "name"),
            optional=("originals", "copies", "mandatory", "reuse", "reuse_key", "form_field"),
            what=dwhere,
        )
        form_field = _str(ctx, doc, "form_field", dwhere)
        if form_field and form_field not in names:
            ctx.error(_line(doc, "form_field"), f"{dwhere}: trường '{form_field}' không có trong biểu mẫu")
        code = _str(ctx, doc, "code", dwhere)
        if code in {d["code"] for d in documents}:
            ctx.error(line, f"{dwhere}: mã '{code}' bị lặp")
        entry = compact(
            {
                "code": code,
                "name": _str(ctx, doc, "name", dwhere),
                "originals": _int(ctx, doc, "originals", dwhere),
                "copies": _int(ctx, doc, "copies", dwhere),
                "mandatory": _bool(ctx, doc, "mandatory", dwhere, True),
                "reuse": _choice(ctx, doc, "reuse", ReuseSource.values, dwhere, default=""),
                "reuse_key": _str(ctx, doc, "reuse_key", dwhere),
                "form_field": form_field,
            },
            keep=("originals", "copies"),
        )
        if entry.get("mandatory") is True:
            del entry["mandatory"]
        documents.append(entry)
    out["documents"] = documents
    out["workflow"] = _parse_workflow(ctx, version, where, start)
    out["notes"] = _str(ctx, version, "notes", where)
    return compact(out)


def _parse_workflow(ctx: _Ctx, version: LineDict, where: str, start: dt.date | None) -> dict[str, Any]:
    workflow: Any = version.get("workflow")
    if not _expect_map(ctx, workflow, _line(version, "workflow"), f"{where}: 'workflow'"):
        return {}
    _keys(ctx, workflow, required=("steps",), optional=("name",), what=f"{where}: quy trình")
    steps_out: list[dict[str, Any]] = []
    raw_steps = _list(ctx, workflow, "steps", f"{where}: quy trình")
    codes = [s.get("code") for s in raw_steps if isinstance(s, dict)]
    for step, line in zip(raw_steps, raw_steps.item_lines, strict=True):
        if not _expect_map(ctx, step, line, f"{where}: bước"):
            continue
        code = _str(ctx, step, "code", f"{where}: bước")
        swhere = f"{where}: bước '{code}'"
        _keys(
            ctx,
            step,
            required=("code", "name", "role", "performer", "hours"),
            optional=("agency", "actions", "initial", "transitions"),
            what=swhere,
        )
        if code in {s["code"] for s in steps_out}:
            ctx.error(line, f"{swhere}: mã bước bị lặp")
        performer = _choice(ctx, step, "performer", PerformerRule.values, swhere)
        agency = _agency_ref(ctx, step, "agency", swhere, start)
        if performer == PerformerRule.NAMED and not agency:
            ctx.error(step.line, f"{swhere}: 'performer: named' cần 'agency'")
        if performer != PerformerRule.NAMED and agency:
            ctx.error(_line(step, "agency"), f"{swhere}: chỉ 'performer: named' mới dùng 'agency'")
        actions = step.get("actions") or []
        if not isinstance(actions, list) or any(a not in Action.values for a in actions):
            ctx.error(
                _line(step, "actions"),
                f"{swhere}: 'actions' phải là danh sách trong {', '.join(Action.values)}",
            )
            actions = []
        transitions = []
        raw_transitions = _list(ctx, step, "transitions", swhere)
        for tr, tline in zip(raw_transitions, raw_transitions.item_lines, strict=True):
            if not _expect_map(ctx, tr, tline, f"{swhere}: chuyển bước"):
                continue
            _keys(
                ctx,
                tr,
                required=("action",),
                optional=("to", "requires_reason"),
                what=f"{swhere}: chuyển bước",
            )
            target = tr.get("to")
            if target is not None and target not in codes:
                ctx.error(_line(tr, "to"), f"{swhere}: chuyển tới bước không tồn tại '{target}'")
            entry = {
                "action": _choice(ctx, tr, "action", Action.values, f"{swhere}: chuyển bước"),
                "to": target,
            }
            if _bool(ctx, tr, "requires_reason", swhere, False):
                entry["requires_reason"] = True
            transitions.append(compact(entry))
        role = _str(ctx, step, "role", swhere)
        if role and role not in Role.values:
            ctx.error(
                _line(step, "role"), f"{swhere}: vai trò '{role}' không tồn tại ({', '.join(Role.values)})"
            )
        entry = {
            "code": code,
            "name": _str(ctx, step, "name", swhere),
            "role": role,
            "performer": performer,
            "agency": agency,
            "hours": _amount(ctx, step, "hours", swhere),
            "actions": list(actions),
            "transitions": transitions,
        }
        if _bool(ctx, step, "initial", swhere, False):
            entry["initial"] = True
        steps_out.append(_reorder_step(compact(entry)))
    if steps_out and not any(s.get("initial") for s in steps_out):
        steps_out[0]["initial"] = True  # the first step starts the workflow unless another is marked
        steps_out[0] = _reorder_step(steps_out[0])
    return compact({"name": _str(ctx, workflow, "name", where), "steps": steps_out})


STEP_ORDER = ("code", "name", "role", "performer", "agency", "hours", "initial", "actions", "transitions")


def _reorder_step(step: dict[str, Any]) -> dict[str, Any]:
    return {k: step[k] for k in STEP_ORDER if k in step}


# --- writing ------------------------------------------------------------------------------------------


def dump_procedure(procedure: Procedure, versions: list[ProcedureVersion]) -> dict[str, Any]:
    """A procedure with its competence rules and versions as a canonical dictionary."""
    levels = [
        level for level, on in (("province", procedure.at_province), ("commune", procedure.at_commune)) if on
    ]
    rules = sorted(
        procedure.competence_rules.all(), key=lambda r: (r.valid_from, r.scope.code, r.place_basis, r.id)
    )
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.code,
        "levels": levels,
        "target": procedure.target,
        "competence": [
            compact(
                {
                    "place_basis": r.place_basis,
                    "scope": r.scope.code,
                    "agency_rule": r.agency_rule,
                    "agency": r.agency.code if r.agency is not None else None,
                    "valid_from": r.valid_from,
                    "valid_to": r.valid_to,
                    "legal_basis": r.legal_basis,
                }
            )
            for r in rules
        ],
        "versions": [dump_version(v) for v in sorted(versions, key=lambda v: v.number)],
    }


def dump_version(version: ProcedureVersion) -> dict[str, Any]:
    workflow = getattr(version, "workflow", None)
    steps = sorted(workflow.steps.all(), key=lambda s: s.order) if workflow else []
    code_of = {s.id: s.code for s in steps}
    step_dicts = []
    for step in steps:
        entry: dict[str, Any] = {
            "code": step.code,
            "name": step.name,
            "role": step.role,
            "performer": step.performer,
            "agency": step.performer_agency.code if step.performer_agency_id else None,
            "hours": number(step.allotment_hours),
        }
        if step.is_initial:
            entry["initial"] = True
        entry["actions"] = list(step.actions or [])
        transitions = []
        for t in sorted(step.transitions.all(), key=lambda t: t.id):
            tr: dict[str, Any] = {"action": t.action, "to": code_of.get(t.target_id) if t.target_id else None}
            if t.requires_reason:
                tr["requires_reason"] = True
            transitions.append(compact(tr))
        entry["transitions"] = transitions
        step_dicts.append(compact(entry))
    documents = []
    for doc in sorted(version.documents.all(), key=lambda d: d.order):
        entry = compact(
            {
                "code": doc.code,
                "name": doc.name,
                "originals": doc.originals,
                "copies": doc.copies,
                "mandatory": doc.mandatory,
                "reuse": doc.reuse,
                "reuse_key": doc.reuse_key,
                "form_field": doc.form_field,
            },
            keep=("originals", "copies"),
        )
        if entry.get("mandatory") is True:
            del entry["mandatory"]
        documents.append(entry)
    return compact(
        {
            "number": version.number,
            "status": version.status,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "time_limit": compact(
                {
                    "amount": number(version.time_limit_amount),
                    "unit": version.time_limit_unit,
                    "same_day_cutoff": version.same_day_cutoff.strftime("%H:%M")
                    if version.same_day_cutoff
                    else None,
                }
            ),
            "online_level": version.online_level,
            "location_independent": version.location_independent,
            "legal_basis": version.legal_basis,
            "source": version.source,
            "result": compact(
                {
                    "name": version.result_name,
                    "template": version.result_template,
                    "validity": version.result_validity,
                }
            ),
            "fees": canonical(version.fee_rules or []),
            "documents": documents,
            "form": compact(
                {"schema": canonical(version.form_schema or {}), "ui": canonical(version.ui_schema or {})}
            ),
            "workflow": compact({"name": workflow.name if workflow else "", "steps": step_dicts}),
            "notes": version.notes,
        }
    )


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same date on many rules is written out each time, never as an anchor


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)


_Dumper.add_multi_representer(str, _str_representer)


def dumps(document: dict[str, Any]) -> str:
    return yaml.dump(
        document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )
