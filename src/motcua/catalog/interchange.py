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
from django.utils.translation import gettext as _

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
            raise yaml.MarkedYAMLError(
                problem=_("khóa '%(key)s' bị lặp") % {"key": key}, problem_mark=key_node.start_mark
            )
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
        return (
            _("dòng %(line)s: %(problem)s") % {"line": self.line, "problem": self.message}
            if self.line
            else self.message
        )


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
        raise CatalogFormatError(
            [Problem(line, _("cú pháp YAML: %(error)s") % {"error": exc.problem})]
        ) from None
    except yaml.YAMLError as exc:
        raise CatalogFormatError([Problem(0, _("cú pháp YAML: %(error)s") % {"error": exc})]) from None


def _line(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
    return getattr(mapping, "line", 0)


def _expect_map(ctx: _Ctx, value: Any, line: int, what: str) -> bool:
    if not isinstance(value, dict):
        ctx.error(line, _("%(what)s phải là một bảng khóa–giá trị") % {"what": what})
        return False
    return True


def _keys(
    ctx: _Ctx, mapping: LineDict, *, required: tuple[str, ...], optional: tuple[str, ...], what: str
) -> None:
    for key in required:
        if key not in mapping or mapping[key] in (None, ""):
            ctx.error(mapping.line, _("%(what)s: thiếu '%(key)s'") % {"what": what, "key": key})
    for key in mapping:
        if key not in required and key not in optional:
            ctx.error(
                _line(mapping, key), _("%(what)s: khóa không hợp lệ '%(key)s'") % {"what": what, "key": key}
            )


def _str(ctx: _Ctx, mapping: LineDict, key: str, what: str, default: str = "") -> str:
    value = mapping.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        ctx.error(_line(mapping, key), _("%(what)s: '%(key)s' phải là chuỗi") % {"what": what, "key": key})
        return default
    return str(value)


def _choice(
    ctx: _Ctx, mapping: LineDict, key: str, choices: list[str], what: str, default: str | None = None
) -> str:
    value = mapping.get(key, default)
    if value not in choices:
        ctx.error(
            _line(mapping, key),
            _("%(what)s: '%(key)s' phải là một trong %(choices)s (đang là %(value)s)")
            % {
                "what": what,
                "key": key,
                "choices": ", ".join(c or '""' for c in choices),
                "value": repr(value),
            },
        )
        return default or choices[0]
    return str(value)


def _bool(ctx: _Ctx, mapping: LineDict, key: str, what: str, default: bool) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        ctx.error(
            _line(mapping, key), _("%(what)s: '%(key)s' phải là true hoặc false") % {"what": what, "key": key}
        )
        return default
    return value


def _int(ctx: _Ctx, mapping: LineDict, key: str, what: str, default: int = 0, minimum: int = 0) -> int:
    value = mapping.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        ctx.error(
            _line(mapping, key),
            _("%(what)s: '%(key)s' phải là số nguyên ≥ %(minimum)s")
            % {"what": what, "key": key, "minimum": minimum},
        )
        return default
    return value


def _amount(ctx: _Ctx, mapping: LineDict, key: str, what: str) -> int | float:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        ctx.error(
            _line(mapping, key), _("%(what)s: '%(key)s' phải là số không âm") % {"what": what, "key": key}
        )
        return 0
    return number(value)


def _date(ctx: _Ctx, mapping: LineDict, key: str, what: str, *, required: bool) -> dt.date | None:
    value = mapping.get(key)
    if value is None:
        if required:
            ctx.error(mapping.line, _("%(what)s: thiếu '%(key)s'") % {"what": what, "key": key})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        ctx.error(
            _line(mapping, key),
            _("%(what)s: '%(key)s' phải là ngày dạng YYYY-MM-DD") % {"what": what, "key": key},
        )
        return None


def _list(ctx: _Ctx, mapping: LineDict, key: str, what: str) -> LineList:
    value = mapping.get(key)
    if value is None:
        empty = LineList()
        empty.line, empty.item_lines = _line(mapping, key), []
        return empty
    if not isinstance(value, LineList):
        ctx.error(
            _line(mapping, key), _("%(what)s: '%(key)s' phải là danh sách") % {"what": what, "key": key}
        )
        empty = LineList()
        empty.line, empty.item_lines = _line(mapping, key), []
        return empty
    return value


def _period(ctx: _Ctx, mapping: LineDict, what: str) -> tuple[dt.date | None, dt.date | None]:
    start = _date(ctx, mapping, "valid_from", what, required=True)
    end = _date(ctx, mapping, "valid_to", what, required=False)
    if start and end and end <= start:
        ctx.error(
            _line(mapping, "valid_to"), _("%(what)s: 'valid_to' phải sau 'valid_from'") % {"what": what}
        )
    return start, end


def parse(
    text: str, *, resolve_agency: AgencyResolver | None = None, resolve_unit: UnitResolver | None = None
) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """Validate a catalog document; return it in canonical form with the line of each procedure
    (``("procedure", code)``) and version (``("version", code, number)``). Raise CatalogFormatError."""
    doc = load(text)
    ctx = _Ctx(resolve_agency=resolve_agency, resolve_unit=resolve_unit)
    catalog_file = _("tệp danh mục")
    if not _expect_map(ctx, doc, 1, catalog_file):
        raise CatalogFormatError(ctx.problems)
    _keys(ctx, doc, required=("format",), optional=("fields", "procedures", "source"), what=catalog_file)
    if doc.get("format") not in (None, FORMAT):
        ctx.error(
            _line(doc, "format"),
            _("định dạng '%(format)s' không được hỗ trợ (cần %(expected)s)")
            % {"format": doc.get("format"), "expected": FORMAT},
        )
    result: dict[str, Any] = {"format": FORMAT}
    if doc.get("source"):
        result["source"] = _str(ctx, doc, "source", catalog_file)
    field_codes: set[str] = set(_existing_field_codes())
    fields_out: list[dict[str, Any]] = []
    raw_fields = _list(ctx, doc, "fields", catalog_file)
    field_ = _("lĩnh vực")
    for item, line in zip(raw_fields, raw_fields.item_lines, strict=True):
        if not _expect_map(ctx, item, line, field_):
            continue
        _keys(ctx, item, required=("code", "name"), optional=(), what=field_)
        code = _str(ctx, item, "code", field_)
        if code in {f["code"] for f in fields_out}:
            ctx.error(line, _("lĩnh vực '%(code)s' bị lặp") % {"code": code})
        fields_out.append({"code": code, "name": _str(ctx, item, "name", field_)})
        field_codes.add(code)
    result["fields"] = fields_out
    procedures_out = []
    seen: set[str] = set()
    raw_procedures = _list(ctx, doc, "procedures", catalog_file)
    for item, line in zip(raw_procedures, raw_procedures.item_lines, strict=True):
        if not _expect_map(ctx, item, line, _("thủ tục")):
            continue
        parsed = _parse_procedure(ctx, item, field_codes)
        ctx.lines["procedure", parsed["code"]] = line
        if parsed["code"] in seen:
            ctx.error(line, _("thủ tục '%(code)s' bị lặp") % {"code": parsed["code"]})
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
    code = _str(ctx, item, "code", _("thủ tục"))
    what = _("thủ tục %(code)s") % {"code": code or "?"}
    _keys(
        ctx,
        item,
        required=("code", "name", "field", "levels"),
        optional=("target", "competence", "versions"),
        what=what,
    )
    if code and not _CODE_RE.match(code):
        ctx.error(_line(item, "code"), _("%(what)s: mã TTHC không hợp lệ") % {"what": what})
    field_code = _str(ctx, item, "field", what)
    if field_code and field_code not in field_codes:
        ctx.error(
            _line(item, "field"),
            _("%(what)s: lĩnh vực '%(field)s' chưa khai báo trong 'fields'")
            % {"what": what, "field": field_code},
        )
    levels = item.get("levels")
    if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
        ctx.error(
            _line(item, "levels"),
            _("%(what)s: 'levels' phải là danh sách gồm province và/hoặc commune") % {"what": what},
        )
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
        if _expect_map(ctx, rule, line, _("%(what)s: quy tắc thẩm quyền") % {"what": what}):
            rules.append(_parse_rule(ctx, rule, what))
    out["competence"] = rules
    versions: list[dict[str, Any]] = []
    raw_versions = _list(ctx, item, "versions", what)
    for version, line in zip(raw_versions, raw_versions.item_lines, strict=True):
        if _expect_map(ctx, version, line, _("%(what)s: phiên bản") % {"what": what}):
            parsed = _parse_version(ctx, version, what)
            ctx.lines["version", code, parsed["number"]] = line
            if parsed["number"] in {v["number"] for v in versions}:
                ctx.error(
                    line,
                    _("%(what)s: phiên bản %(number)s bị lặp") % {"what": what, "number": parsed["number"]},
                )
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
    where = _("%(what)s: quy tắc thẩm quyền") % {"what": what}
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
        ctx.error(rule.line, _("%(what)s: 'agency_rule: named' cần 'agency'") % {"what": where})
    if agency_rule == AgencyRule.COMMUNE_COMMITTEE and agency:
        ctx.error(
            _line(rule, "agency"),
            _("%(what)s: 'agency_rule: commune_committee' không dùng 'agency'") % {"what": where},
        )
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
    time_limit = _("%(what)s: thời hạn") % {"what": where}
    if _expect_map(ctx, limit, _line(version, "time_limit"), f"{where}: 'time_limit'"):
        _keys(ctx, limit, required=("amount", "unit"), optional=("same_day_cutoff",), what=time_limit)
        cutoff = limit.get("same_day_cutoff")
        if cutoff is not None and (not isinstance(cutoff, str) or not re.match(r"^\d{2}:\d{2}$", cutoff)):
            ctx.error(
                _line(limit, "same_day_cutoff"),
                _("%(what)s: 'same_day_cutoff' phải dạng HH:MM") % {"what": where},
            )
            cutoff = None
        out["time_limit"] = compact(
            {
                "amount": _amount(ctx, limit, "amount", time_limit),
                "unit": _choice(ctx, limit, "unit", TimeUnit.values, time_limit),
                "same_day_cutoff": cutoff,
            }
        )
    out["online_level"] = _choice(ctx, version, "online_level", OnlineLevel.values, where)
    out["location_independent"] = _bool(ctx, version, "location_independent", where, True)
    out["legal_basis"] = _str(ctx, version, "legal_basis", where)
    out["source"] = _str(ctx, version, "source", where)
    result: Any = version.get("result")
    if _expect_map(ctx, result, _line(version, "result"), f"{where}: 'result'"):
        _keys(
            ctx,
            result,
            required=("name",),
            optional=("template", "validity"),
            what=_("%(what)s: kết quả") % {"what": where},
        )
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
        _keys(
            ctx, form, required=(), optional=("schema", "ui"), what=_("%(what)s: biểu mẫu") % {"what": where}
        )
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
            _("%(what)s: công thức phí dùng trường không có trong biểu mẫu: %(fields)s")
            % {"what": where, "fields": ", ".join(sorted(unknown))},
        )
    documents: list[dict[str, Any]] = []
    raw_docs = _list(ctx, version, "documents", where)
    for doc, line in zip(raw_docs, raw_docs.item_lines, strict=True):
        dwhere = _("%(what)s: thành phần hồ sơ") % {"what": where}
        if not _expect_map(ctx, doc, line, dwhere):
            continue
        _keys(
            ctx,
            doc,
            required=("code", "name"),
            optional=("originals", "copies", "mandatory", "reuse", "reuse_key", "form_field"),
            what=dwhere,
        )
        form_field = _str(ctx, doc, "form_field", dwhere)
        if form_field and form_field not in names:
            ctx.error(
                _line(doc, "form_field"),
                _("%(what)s: trường '%(field)s' không có trong biểu mẫu")
                % {"what": dwhere, "field": form_field},
            )
        code = _str(ctx, doc, "code", dwhere)
        if code in {d["code"] for d in documents}:
            ctx.error(line, _("%(what)s: mã '%(code)s' bị lặp") % {"what": dwhere, "code": code})
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
    wwhere = _("%(what)s: quy trình") % {"what": where}
    _keys(ctx, workflow, required=("steps",), optional=("name",), what=wwhere)
    steps_out: list[dict[str, Any]] = []
    raw_steps = _list(ctx, workflow, "steps", wwhere)
    codes = [s.get("code") for s in raw_steps if isinstance(s, dict)]
    for step, line in zip(raw_steps, raw_steps.item_lines, strict=True):
        step_what = _("%(what)s: bước") % {"what": where}
        if not _expect_map(ctx, step, line, step_what):
            continue
        code = _str(ctx, step, "code", step_what)
        swhere = _("%(what)s: bước '%(step)s'") % {"what": where, "step": code}
        _keys(
            ctx,
            step,
            required=("code", "name", "role", "performer", "hours"),
            optional=("agency", "actions", "initial", "transitions"),
            what=swhere,
        )
        if code in {s["code"] for s in steps_out}:
            ctx.error(line, _("%(what)s: mã bước bị lặp") % {"what": swhere})
        performer = _choice(ctx, step, "performer", PerformerRule.values, swhere)
        agency = _agency_ref(ctx, step, "agency", swhere, start)
        if performer == PerformerRule.NAMED and not agency:
            ctx.error(step.line, _("%(what)s: 'performer: named' cần 'agency'") % {"what": swhere})
        if performer != PerformerRule.NAMED and agency:
            ctx.error(
                _line(step, "agency"),
                _("%(what)s: chỉ 'performer: named' mới dùng 'agency'") % {"what": swhere},
            )
        actions = step.get("actions") or []
        if not isinstance(actions, list) or any(a not in Action.values for a in actions):
            ctx.error(
                _line(step, "actions"),
                _("%(what)s: 'actions' phải là danh sách trong %(actions)s")
                % {"what": swhere, "actions": ", ".join(Action.values)},
            )
            actions = []
        transitions = []
        raw_transitions = _list(ctx, step, "transitions", swhere)
        twhere = _("%(what)s: chuyển bước") % {"what": swhere}
        for tr, tline in zip(raw_transitions, raw_transitions.item_lines, strict=True):
            if not _expect_map(ctx, tr, tline, twhere):
                continue
            _keys(
                ctx,
                tr,
                required=("action",),
                optional=("to", "requires_reason"),
                what=twhere,
            )
            target = tr.get("to")
            if target is not None and target not in codes:
                ctx.error(
                    _line(tr, "to"),
                    _("%(what)s: chuyển tới bước không tồn tại '%(step)s'")
                    % {"what": swhere, "step": target},
                )
            entry = {
                "action": _choice(ctx, tr, "action", Action.values, twhere),
                "to": target,
            }
            if _bool(ctx, tr, "requires_reason", swhere, False):
                entry["requires_reason"] = True
            transitions.append(compact(entry))
        role = _str(ctx, step, "role", swhere)
        if role and role not in Role.values:
            ctx.error(
                _line(step, "role"),
                _("%(what)s: vai trò '%(role)s' không tồn tại (%(roles)s)")
                % {"what": swhere, "role": role, "roles": ", ".join(Role.values)},
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
