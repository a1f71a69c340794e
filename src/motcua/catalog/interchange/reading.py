"""Reading a catalog document: procedures, their competence rules and versions (``parse``)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from .. import fees, forms
from ..expressions import ExpressionError
from ..models import (
    AgencyRule,
    OnlineLevel,
    PlaceBasis,
    ReuseSource,
    SupplementClock,
    Target,
    TimeUnit,
    VersionStatus,
)
from .document import (
    FORMAT,
    LEVELS,
    AgencyResolver,
    CatalogFormatError,
    LineDict,
    UnitResolver,
    canonical,
    compact,
    load,
    plain,
)
from .values import (
    ReadContext,
    agency_ref,
    check_keys,
    expect_map,
    line_of,
    read_amount,
    read_bool,
    read_choice,
    read_date,
    read_int,
    read_list,
    read_period,
    read_str,
)
from .workflows import parse_workflow


def parse(
    text: str, *, resolve_agency: AgencyResolver | None = None, resolve_unit: UnitResolver | None = None
) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """Validate a catalog document; return it in canonical form with the line of each procedure
    (``("procedure", code)``) and version (``("version", code, number)``). Raise CatalogFormatError."""
    doc = load(text)
    ctx = ReadContext(resolve_agency=resolve_agency, resolve_unit=resolve_unit)
    catalog_file = _("tệp danh mục")
    if not expect_map(ctx, doc, 1, catalog_file):
        raise CatalogFormatError(ctx.problems)
    check_keys(
        ctx,
        doc,
        required=("format",),
        optional=("fields", "legal_documents", "procedures", "source"),
        what=catalog_file,
    )
    if doc.get("format") not in (None, FORMAT):
        ctx.error(
            line_of(doc, "format"),
            _("định dạng '%(format)s' không được hỗ trợ (cần %(expected)s)")
            % {"format": doc.get("format"), "expected": FORMAT},
        )
    result: dict[str, Any] = {"format": FORMAT}
    if doc.get("source"):
        result["source"] = read_str(ctx, doc, "source", catalog_file)
    field_codes: set[str] = set(_existing_field_codes())
    fields_out: list[dict[str, Any]] = []
    raw_fields = read_list(ctx, doc, "fields", catalog_file)
    field_ = _("lĩnh vực")
    for item, line in zip(raw_fields, raw_fields.item_lines, strict=True):
        if not expect_map(ctx, item, line, field_):
            continue
        check_keys(ctx, item, required=("code", "name"), optional=(), what=field_)
        code = read_str(ctx, item, "code", field_)
        if code in {f["code"] for f in fields_out}:
            ctx.error(line, _("lĩnh vực '%(code)s' bị lặp") % {"code": code})
        fields_out.append({"code": code, "name": read_str(ctx, item, "name", field_)})
        field_codes.add(code)
    result["fields"] = fields_out
    legal = _parse_legal_documents(ctx, doc, catalog_file)
    if legal:
        result["legal_documents"] = legal
    procedures_out = []
    seen: set[str] = set()
    raw_procedures = read_list(ctx, doc, "procedures", catalog_file)
    for item, line in zip(raw_procedures, raw_procedures.item_lines, strict=True):
        if not expect_map(ctx, item, line, _("thủ tục")):
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


def _parse_legal_documents(ctx: ReadContext, doc: LineDict, what_file: str) -> list[dict[str, Any]]:
    """The legal documents the catalog cites, with the dates they are in force and what replaced them: the
    verifier's list of superseded documents (``legal.not_in_force``). ``replaced_by`` names a document of
    the same list or one already in the catalog."""
    out: list[dict[str, Any]] = []
    raw = read_list(ctx, doc, "legal_documents", what_file)
    known = set(_existing_legal_numbers())
    lines: dict[str, int] = {}
    for item, line in zip(raw, raw.item_lines, strict=True):
        what = _("văn bản pháp luật")
        if not expect_map(ctx, item, line, what):
            continue
        check_keys(
            ctx,
            item,
            required=("number", "title"),
            optional=("in_force_from", "in_force_to", "replaced_by", "notes"),
            what=what,
        )
        number_ = read_str(ctx, item, "number", what)
        what = _("văn bản %(number)s") % {"number": number_ or "?"}
        if number_ in lines:
            ctx.error(line, _("văn bản '%(number)s' bị lặp") % {"number": number_})
        lines[number_] = line
        start = read_date(ctx, item, "in_force_from", what, required=False)
        end = read_date(ctx, item, "in_force_to", what, required=False)
        if start and end and end <= start:
            ctx.error(
                line_of(item, "in_force_to"),
                _("%(what)s: 'in_force_to' phải sau 'in_force_from'") % {"what": what},
            )
        out.append(
            compact(
                {
                    "number": number_,
                    "title": read_str(ctx, item, "title", what),
                    "in_force_from": start,
                    "in_force_to": end,
                    "replaced_by": read_str(ctx, item, "replaced_by", what),
                    "notes": read_str(ctx, item, "notes", what),
                }
            )
        )
    for entry in out:
        target = entry.get("replaced_by")
        if target and target not in lines and target not in known:
            ctx.error(
                lines[entry["number"]],
                _("văn bản %(number)s: văn bản thay thế '%(target)s' chưa khai báo trong 'legal_documents'")
                % {"number": entry["number"], "target": target},
            )
        if target and target == entry["number"]:
            ctx.error(lines[entry["number"]], _("văn bản %(number)s tự thay thế chính nó") % entry)
    return out


def _existing_legal_numbers() -> list[str]:
    from ..models import LegalDocument

    return list(LegalDocument.objects.values_list("number", flat=True))


def _existing_field_codes() -> list[str]:
    from ..models import Field

    return list(Field.objects.values_list("code", flat=True))


CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]*$")


def _read_keywords(ctx: ReadContext, item: LineDict, what: str) -> list[str]:
    """``keywords``: a list of words or phrases (Vietnamese or English) a citizen may search with; at most
    500 characters together, no comma inside one (the database keeps them comma-separated)."""
    words: list[str] = []
    for word in read_list(ctx, item, "keywords", what):
        if not isinstance(word, str) or not word.strip() or "," in word:
            ctx.error(
                line_of(item, "keywords"),
                _("%(what)s: mỗi từ khóa phải là một chuỗi không rỗng, không chứa dấu phẩy") % {"what": what},
            )
            return []
        words.append(" ".join(word.split()))
    if len(", ".join(words)) > 500:
        ctx.error(line_of(item, "keywords"), _("%(what)s: từ khóa dài quá 500 ký tự") % {"what": what})
        return []
    return words


def _parse_procedure(ctx: ReadContext, item: LineDict, field_codes: set[str]) -> dict[str, Any]:
    code = read_str(ctx, item, "code", _("thủ tục"))
    what = _("thủ tục %(code)s") % {"code": code or "?"}
    check_keys(
        ctx,
        item,
        required=("code", "name", "field", "levels"),
        optional=("name_en", "keywords", "featured", "target", "competence", "versions"),
        what=what,
    )
    if code and not CODE_RE.match(code):
        ctx.error(line_of(item, "code"), _("%(what)s: mã TTHC không hợp lệ") % {"what": what})
    field_code = read_str(ctx, item, "field", what)
    if field_code and field_code not in field_codes:
        ctx.error(
            line_of(item, "field"),
            _("%(what)s: lĩnh vực '%(field)s' chưa khai báo trong 'fields'")
            % {"what": what, "field": field_code},
        )
    levels = item.get("levels")
    if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
        ctx.error(
            line_of(item, "levels"),
            _("%(what)s: 'levels' phải là danh sách gồm province và/hoặc commune") % {"what": what},
        )
        levels = []
    out: dict[str, Any] = {
        "code": code,
        "name": read_str(ctx, item, "name", what),
        "field": field_code,
        "levels": [level for level in LEVELS if level in levels],
        "target": read_choice(ctx, item, "target", Target.values, what, default=Target.CITIZEN),
        "name_en": read_str(ctx, item, "name_en", what).strip(),
        "keywords": _read_keywords(ctx, item, what),
        "featured": read_bool(ctx, item, "featured", what, default=False),
    }
    rules = []
    raw_rules = read_list(ctx, item, "competence", what)
    for rule, line in zip(raw_rules, raw_rules.item_lines, strict=True):
        if expect_map(ctx, rule, line, _("%(what)s: quy tắc thẩm quyền") % {"what": what}):
            rules.append(_parse_rule(ctx, rule, what))
    out["competence"] = rules
    versions: list[dict[str, Any]] = []
    raw_versions = read_list(ctx, item, "versions", what)
    for version, line in zip(raw_versions, raw_versions.item_lines, strict=True):
        if expect_map(ctx, version, line, _("%(what)s: phiên bản") % {"what": what}):
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


def _parse_rule(ctx: ReadContext, rule: LineDict, what: str) -> dict[str, Any]:
    where = _("%(what)s: quy tắc thẩm quyền") % {"what": what}
    check_keys(
        ctx,
        rule,
        required=("place_basis", "scope", "agency_rule", "valid_from"),
        optional=("place_fields", "agency", "valid_to", "legal_basis"),
        what=where,
    )
    start, end = read_period(ctx, rule, where)
    scope = read_str(ctx, rule, "scope", where)
    if scope and ctx.resolve_unit is not None and start is not None:
        error = ctx.resolve_unit(scope, start)
        if error:
            ctx.error(line_of(rule, "scope"), f"{where}: {error}")
    agency_rule = read_choice(ctx, rule, "agency_rule", AgencyRule.values, where)
    agency = agency_ref(ctx, rule, "agency", where, start)
    if agency_rule == AgencyRule.NAMED and not agency:
        ctx.error(rule.line, _("%(what)s: 'agency_rule: named' cần 'agency'") % {"what": where})
    if agency_rule == AgencyRule.COMMUNE_COMMITTEE and agency:
        ctx.error(
            line_of(rule, "agency"),
            _("%(what)s: 'agency_rule: commune_committee' không dùng 'agency'") % {"what": where},
        )
    return compact(
        {
            "place_basis": read_choice(ctx, rule, "place_basis", PlaceBasis.values, where),
            "place_fields": _place_fields(ctx, rule, where),
            "scope": scope,
            "agency_rule": agency_rule,
            "agency": agency,
            "valid_from": start,
            "valid_to": end,
            "legal_basis": read_str(ctx, rule, "legal_basis", where),
        }
    )


def _place_fields(ctx: ReadContext, rule: LineDict, where: str) -> list[str]:
    """The e-form fields carrying the place, in fallback order: distinct field names (the verifier checks
    that each is a commune picker of the form of every version in force)."""
    names: list[str] = []
    items = read_list(ctx, rule, "place_fields", where)
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, str) or not item.strip() or item in names:
            ctx.error(
                line,
                _("%(what)s: 'place_fields' phải là danh sách tên trường tờ khai khác nhau")
                % {"what": where},
            )
            continue
        names.append(item)
    return names


VERSION_KEYS = (
    "status",
    "valid_to",
    "same_day_cutoff",
    "apologies_allowed",
    "location_independent",
    "online_only",
    "supplement_clock",
    "supplement_request_days",
    "legal_basis",
    "source",
    "fees",
    "documents",
    "form",
    "notes",
)


# Working days within which a processing-stage supplement is asked for: at most a working year.
MAX_REQUEST_DAYS = 250


def _request_days(ctx: ReadContext, version: LineDict, where: str) -> int | None:
    """``supplement_request_days``: absent or null for no deadline, else whole working days (1 to 250)."""
    if version.get("supplement_request_days") is None:
        return None
    days = read_int(ctx, version, "supplement_request_days", where, default=0, minimum=1)
    if days > MAX_REQUEST_DAYS:
        ctx.error(
            line_of(version, "supplement_request_days"),
            _("%(what)s: 'supplement_request_days' tối đa %(max)s ngày làm việc")
            % {"what": where, "max": MAX_REQUEST_DAYS},
        )
        return None
    return days or None


def _parse_version(ctx: ReadContext, version: LineDict, what: str) -> dict[str, Any]:
    number_ = read_int(ctx, version, "number", what, default=1, minimum=1)
    where = f"{what} v{number_}"
    check_keys(
        ctx,
        version,
        required=("number", "valid_from", "time_limit", "online_level", "result", "workflow"),
        optional=VERSION_KEYS,
        what=where,
    )
    start, end = read_period(ctx, version, where)
    status = read_choice(ctx, version, "status", VersionStatus.values, where, default=VersionStatus.PUBLISHED)
    out: dict[str, Any] = {"number": number_, "status": status, "valid_from": start, "valid_to": end}
    limit: Any = version.get("time_limit")
    time_limit = _("%(what)s: thời hạn") % {"what": where}
    if expect_map(ctx, limit, line_of(version, "time_limit"), f"{where}: 'time_limit'"):
        check_keys(
            ctx,
            limit,
            required=("amount", "unit"),
            optional=("same_day_cutoff", "extension_max", "extension_basis"),
            what=time_limit,
        )
        cutoff = limit.get("same_day_cutoff")
        if cutoff is not None and (not isinstance(cutoff, str) or not re.match(r"^\d{2}:\d{2}$", cutoff)):
            ctx.error(
                line_of(limit, "same_day_cutoff"),
                _("%(what)s: 'same_day_cutoff' phải dạng HH:MM") % {"what": where},
            )
            cutoff = None
        out["time_limit"] = compact(
            {
                "amount": read_amount(ctx, limit, "amount", time_limit),
                "unit": read_choice(ctx, limit, "unit", TimeUnit.values, time_limit),
                "same_day_cutoff": cutoff,
                "extension_max": (
                    read_int(ctx, limit, "extension_max", time_limit, minimum=1)
                    if limit.get("extension_max") is not None
                    else None
                ),
                "extension_basis": read_str(ctx, limit, "extension_basis", time_limit),
            }
        )
        if "extension_max" in out["time_limit"] and not out["time_limit"].get("extension_basis"):
            ctx.error(
                line_of(limit, "extension_max"),
                _("%(what)s: 'extension_max' cần 'extension_basis' (căn cứ cho phép gia hạn)")
                % {"what": where},
            )
    apologies = read_int(ctx, version, "apologies_allowed", where, default=1, minimum=1)
    if apologies != 1:  # the default is left out, as on export
        out["apologies_allowed"] = apologies
    out["online_level"] = read_choice(ctx, version, "online_level", OnlineLevel.values, where)
    out["location_independent"] = read_bool(ctx, version, "location_independent", where, True)
    online_only: Any = version.get("online_only")
    if online_only is not None and expect_map(
        ctx, online_only, line_of(version, "online_only"), f"{where}: 'online_only'"
    ):
        # Directive 24/CT-TTg: no paper dossier from this day (docs/catalog.md, docs/legal-basis.md § 2).
        what_only = _("%(what)s: chỉ tiếp nhận trực tuyến") % {"what": where}
        check_keys(ctx, online_only, required=("from",), optional=("basis",), what=what_only)
        out["online_only"] = compact(
            {
                "from": read_date(ctx, online_only, "from", what_only, required=True),
                "basis": read_str(ctx, online_only, "basis", what_only),
            }
        )
    # Only when not the default, as the export writes them (an unchanged version compares equal).
    clock = read_choice(
        ctx, version, "supplement_clock", SupplementClock.values, where, default=SupplementClock.RESUME
    )
    if clock != SupplementClock.RESUME:
        out["supplement_clock"] = clock
    request_days = _request_days(ctx, version, where)
    if request_days is not None:
        out["supplement_request_days"] = request_days
    out["legal_basis"] = read_str(ctx, version, "legal_basis", where)
    out["source"] = read_str(ctx, version, "source", where)
    result: Any = version.get("result")
    if expect_map(ctx, result, line_of(version, "result"), f"{where}: 'result'"):
        check_keys(
            ctx,
            result,
            required=("name",),
            optional=("template", "validity", "kind"),
            what=_("%(what)s: kết quả") % {"what": where},
        )
        out["result"] = compact(
            {
                "name": read_str(ctx, result, "name", where),
                "template": read_str(ctx, result, "template", where),
                "validity": read_str(ctx, result, "validity", where),
                "kind": read_str(ctx, result, "kind", where),
            }
        )
    fee_rules = plain(version.get("fees") or [])
    for problem in fees.rule_problems(fee_rules):
        ctx.error(line_of(version, "fees"), f"{where}: {problem}")
    out["fees"] = canonical(fee_rules)
    form: Any = version.get("form") or LineDict()
    schema: dict[str, Any] = {}
    if expect_map(ctx, form, line_of(version, "form"), f"{where}: 'form'"):
        check_keys(
            ctx, form, required=(), optional=("schema", "ui"), what=_("%(what)s: biểu mẫu") % {"what": where}
        )
        schema = plain(form.get("schema") or {})
        ui = plain(form.get("ui") or {})
        for problem in forms.schema_problems(schema):
            ctx.error(line_of(form, "schema"), f"{where}: {problem}")
        for problem in forms.ui_problems(ui, schema):
            ctx.error(line_of(form, "ui"), f"{where}: {problem}")
        out["form"] = compact({"schema": canonical(schema), "ui": canonical(ui)})
    names = forms.field_names(schema)
    try:
        unknown = fees.names_used(fee_rules) - names if not fees.rule_problems(fee_rules) else set()
    except ExpressionError:
        unknown = set()
    if unknown:
        ctx.error(
            line_of(version, "fees"),
            _("%(what)s: công thức phí dùng trường không có trong biểu mẫu: %(fields)s")
            % {"what": where, "fields": ", ".join(sorted(unknown))},
        )
    documents: list[dict[str, Any]] = []
    raw_docs = read_list(ctx, version, "documents", where)
    for doc, line in zip(raw_docs, raw_docs.item_lines, strict=True):
        dwhere = _("%(what)s: thành phần hồ sơ") % {"what": where}
        if not expect_map(ctx, doc, line, dwhere):
            continue
        check_keys(
            ctx,
            doc,
            required=("code", "name"),
            optional=("originals", "copies", "mandatory", "reuse", "reuse_key", "form_field", "condition"),
            what=dwhere,
        )
        form_field = read_str(ctx, doc, "form_field", dwhere)
        if form_field and form_field not in names:
            ctx.error(
                line_of(doc, "form_field"),
                _("%(what)s: trường '%(field)s' không có trong biểu mẫu")
                % {"what": dwhere, "field": form_field},
            )
        code = read_str(ctx, doc, "code", dwhere)
        if code in {d["code"] for d in documents}:
            ctx.error(line, _("%(what)s: mã '%(code)s' bị lặp") % {"what": dwhere, "code": code})
        entry = compact(
            {
                "code": code,
                "name": read_str(ctx, doc, "name", dwhere),
                "originals": read_int(ctx, doc, "originals", dwhere),
                "copies": read_int(ctx, doc, "copies", dwhere),
                "mandatory": read_bool(ctx, doc, "mandatory", dwhere, True),
                "reuse": read_choice(ctx, doc, "reuse", ReuseSource.values, dwhere, default=""),
                "reuse_key": read_str(ctx, doc, "reuse_key", dwhere),
                "form_field": form_field,
                "condition": read_str(ctx, doc, "condition", dwhere),
            },
            keep=("originals", "copies"),
        )
        if entry.get("mandatory") is True:
            del entry["mandatory"]
        documents.append(entry)
    out["documents"] = documents
    out["workflow"] = parse_workflow(ctx, version, where, start)
    out["notes"] = read_str(ctx, version, "notes", where)
    return compact(out)
