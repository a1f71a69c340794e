"""E-forms (biểu mẫu điện tử): a JSON Schema 2020-12 document plus a small UI schema.

The UI schema holds what JSON Schema does not: ``order`` (list of field names), ``labels``,
``help`` and ``widgets`` (field name -> one of WIDGETS). Field names are the top-level
``properties`` of the schema; fee formulas and required documents refer to them.

A filled form is checked in one place, :func:`form_problems` (used by the dossier services, and by the
portal for its field errors): the schema with the format checker (a date that does not exist is refused),
plus what a schema cannot say: no string holds a control character, a string without its own
``maxLength`` is at most DEFAULT_MAX_LENGTH characters, and every number is finite.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from motcua.core.errors import DomainError
from motcua.core.text import text_problem

from . import form_dates

DIALECT = "https://json-schema.org/draft/2020-12/schema"
WIDGETS = {
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "radio",
    "checkbox",
    "email",
    "tel",
    "file",
    "address",
    "unit",
    "person",
    "hidden",
}
UI_KEYS = {"order", "labels", "help", "widgets"}
# The length of an e-form string whose schema sets no maxLength.
DEFAULT_MAX_LENGTH = 1000


def field_names(schema: Mapping[str, Any]) -> set[str]:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return set(properties) if isinstance(properties, Mapping) else set()


# The one marking of a commune picker: the UI widget ``unit`` on a string field. Its value is the GSO code
# of a commune-level unit; competence rules name such fields in ``place_fields``.
COMMUNE_PICKER = "unit"


def is_commune_picker(schema: Mapping[str, Any], ui: Mapping[str, Any], name: str) -> bool:
    """Whether top-level field ``name`` exists and is marked as a commune picker (widget ``unit``)."""
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    sub = properties.get(name) if isinstance(properties, Mapping) else None
    widgets = ui.get("widgets") if isinstance(ui, Mapping) else None
    if not isinstance(sub, Mapping) or not isinstance(widgets, Mapping):
        return False
    kind = sub.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return widgets.get(name) == COMMUNE_PICKER and "string" in kinds


def field_title(schema: Mapping[str, Any], ui: Mapping[str, Any], name: str) -> str:
    """The words a field is asked in: its UI label, else its schema title, else its name."""
    labels = ui.get("labels") if isinstance(ui, Mapping) else None
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    sub = properties.get(name) if isinstance(properties, Mapping) else None
    label = labels.get(name) if isinstance(labels, Mapping) else None
    title = sub.get("title") if isinstance(sub, Mapping) else None
    return str(label or title or name)


def field_order(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[str]:
    """Top-level field names in the UI schema's ``order``, then the rest in the schema's order."""
    properties = list((schema.get("properties") or {}).keys())
    ordered = [name for name in ui.get("order", []) if name in properties]
    return ordered + [name for name in properties if name not in ordered]


def schema_problems(schema: Any) -> list[str]:
    """Why ``schema`` is not a usable e-form schema (empty list when it is)."""
    if not isinstance(schema, Mapping) or not schema:
        return [_("biểu mẫu trống")]
    try:
        json.dumps(schema)
    except (TypeError, ValueError):
        return [_("biểu mẫu không phải JSON")]
    problems = []
    if schema.get("$schema", DIALECT) != DIALECT:
        problems.append(
            _("biểu mẫu phải dùng JSON Schema 2020-12 ($schema: %(dialect)s)") % {"dialect": DIALECT}
        )
    # The meta-schema check costs ~10 ms for a whole form but ~1-2 ms per part, so the form's
    # skeleton and each field are checked (and cached) separately: forms share most fields.
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        skeleton = {**schema, "properties": {}}
        meta = list(_meta_problems(_key(skeleton)))
        for name, sub in properties.items():
            meta += [
                f"properties/{name}{'/' + path if path else ''}|{message}"
                for path, message in (p.split("|", 1) for p in _meta_problems(_key(sub)))
            ]
    else:
        meta = list(_meta_problems(_key(schema)))
    for entry in meta:
        path, message = entry.split("|", 1)
        problems.append(
            _("JSON Schema không hợp lệ tại '%(path)s': %(error)s") % {"path": path or "/", "error": message}
        )
    if meta:
        return problems
    if schema.get("type") != "object" or not field_names(schema):
        problems.append(_("biểu mẫu phải là một object có 'properties'"))
    for name in schema.get("required", []):
        if name not in field_names(schema):
            problems.append(_("trường bắt buộc '%(field)s' không có trong 'properties'") % {"field": name})
    return problems


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@lru_cache(maxsize=16384)
def _meta_problems(key: str) -> tuple[str, ...]:
    """'path|message' for the first meta-schema error of a (sub)schema, identical parts checked once."""
    try:
        Draft202012Validator.check_schema(json.loads(key))
    except SchemaError as exc:
        return ("/".join(str(p) for p in exc.path) + "|" + exc.message,)
    return ()


def ui_problems(ui: Any, schema: Mapping[str, Any]) -> list[str]:
    if not isinstance(ui, Mapping):
        return [_("giao diện biểu mẫu phải là một bảng khóa–giá trị")]
    names = field_names(schema)
    problems = []
    unknown = set(ui) - UI_KEYS
    if unknown:
        problems.append(_("giao diện có khóa không hợp lệ: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    order = ui.get("order", [])
    if not isinstance(order, list):
        problems.append(_("'order' phải là danh sách tên trường"))
        order = []
    for name in order:
        if name not in names and not _is_part(schema, name):
            problems.append(_("'order' nêu trường không có trong biểu mẫu: %(field)s") % {"field": name})
    for key in ("labels", "help", "widgets"):
        part = ui.get(key, {})
        if not isinstance(part, Mapping):
            problems.append(_("'%(key)s' phải là bảng tên trường -> giá trị") % {"key": key})
            continue
        for name in part:
            if name not in names:
                problems.append(
                    _("'%(key)s' nêu trường không có trong biểu mẫu: %(field)s") % {"key": key, "field": name}
                )
    for name, widget in (ui.get("widgets") or {}).items():
        if widget not in WIDGETS:
            problems.append(
                _("kiểu nhập '%(widget)s' của trường %(field)s không được hỗ trợ")
                % {"widget": widget, "field": name}
            )
        problems.extend(_widget_fit(name, widget, (schema.get("properties") or {}).get(name)))
    return problems


def _is_part(schema: Mapping[str, Any], name: Any) -> bool:
    """``<field>.<sub>``: a sub-property of an object field (the order of a person's inputs)."""
    head, _dot, sub = str(name).partition(".")
    field = (schema.get("properties") or {}).get(head)
    parts = field.get("properties") if isinstance(field, Mapping) else None
    return bool(sub) and isinstance(parts, Mapping) and sub in parts


def _widget_fit(name: str, widget: Any, sub: Any) -> list[str]:
    """A unit or file widget needs a string field, a person widget an object with properties."""
    if not isinstance(sub, Mapping):
        return []
    kind = sub.get("type")
    kinds: list[Any] = kind if isinstance(kind, list) else [kind]
    if widget in ("unit", "file") and "string" not in kinds:
        return [
            _("trường %(field)s dùng kiểu nhập '%(widget)s' nên phải có type: string")
            % {"field": name, "widget": widget}
        ]
    parts = sub.get("properties")
    if widget == "person" and ("object" not in kinds or not isinstance(parts, Mapping) or not parts):
        return [
            _("trường %(field)s dùng kiểu nhập 'person' nên phải là object có 'properties'") % {"field": name}
        ]
    return []


# A chosen administrative unit that is not a commune in force (``catalog.eforms.unit_problems``): not a JSON
# Schema keyword; the problem carries its own message.
UNIT_RULE = "unit"


@dataclass(frozen=True)
class FormProblem:
    """One problem of a filled form: where (``path``: field, then sub-field), which rule (``validator``:
    a JSON Schema keyword, or ``control`` / ``finite``), the rule's value and a message."""

    path: tuple[str, ...]
    validator: str
    validator_value: Any
    message: str

    @property
    def field(self) -> str:
        return self.path[0] if self.path else ""

    def __str__(self) -> str:
        return f"{'/'.join(self.path) or '/'}: {self.message}"


def form_problems(schema: Mapping[str, Any], data: Any, *, on: dt.date | None = None) -> list[FormProblem]:
    """Every problem of a filled form, by path; a missing required field is a problem at its own path.
    ``x-date`` (``catalog.form_dates``) compares dates with ``on``, the day the form is filled (today)."""
    cls = form_dates.validator_class(on or timezone.localdate())
    validator = cls(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = []
    # jsonschema reports ``required`` once per missing field, each error naming the whole list: one problem
    # per missing field, however many errors name it.
    missing: set[tuple[str, ...]] = set()
    for error in validator.iter_errors(data):
        path = tuple(str(p) for p in error.path)
        if error.validator == "required" and isinstance(error.instance, Mapping):
            for name in error.validator_value:
                where = (*path, str(name))
                if name not in error.instance and where not in missing:
                    missing.add(where)
                    message = _("thiếu trường bắt buộc '%(field)s'") % {"field": name}
                    problems.append(FormProblem(where, "required", error.validator_value, message))
            continue
        problems.append(FormProblem(path, str(error.validator), error.validator_value, error.message))
    problems += _value_problems(schema, data, ())
    return sorted(problems, key=lambda p: p.path)


def _value_problems(schema: Any, value: Any, path: tuple[str, ...]) -> list[FormProblem]:
    """Control characters, strings over the default length where the schema sets none, numbers that
    are not finite: what JSON Schema lets through but the database or the fee arithmetic cannot take."""
    schema = schema if isinstance(schema, Mapping) else {}
    if isinstance(value, str):
        control = text_problem(value, max_length=len(value), multiline=True)
        if control is not None:
            return [FormProblem(path, "control", None, str(control))]
        if schema.get("maxLength") is None and len(value) > DEFAULT_MAX_LENGTH:
            too_long = text_problem(value, max_length=DEFAULT_MAX_LENGTH)
            return [FormProblem(path, "maxLength", DEFAULT_MAX_LENGTH, str(too_long))]
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return [FormProblem(path, "finite", None, _("không phải là một số"))]
    if isinstance(value, Mapping):
        properties = schema.get("properties") or {}
        return [
            problem
            for key, sub in value.items()
            for problem in _value_problems(properties.get(key), sub, (*path, str(key)))
        ]
    if isinstance(value, list):
        items = schema.get("items")
        return [
            problem
            for index, sub in enumerate(value)
            for problem in _value_problems(items, sub, (*path, str(index)))
        ]
    return []


def problem_message(error: FormProblem, *, label: str = "", choose: bool = False) -> str:
    """What a person reads beside the field: one Vietnamese sentence per rule (the JSON Schema keyword
    that failed). With the field's ``label`` the sentence names the field, as the GOV.UK error pattern
    asks (the message is also listed in the error summary at the top of the page); ``choose``: the field
    is picked from a list ("Vui lòng chọn ...")."""
    if not label or error.validator == UNIT_RULE:
        return _short_message(error)
    value = error.validator_value
    field = label
    lower = _lower_first(label)
    if error.validator == "required":
        if choose:
            return _("Vui lòng chọn %(field)s.") % {"field": lower}
        return _("Vui lòng nhập %(field)s.") % {"field": lower}
    if error.validator == "enum":
        return _("Vui lòng chọn %(field)s trong danh sách.") % {"field": lower}
    if error.validator == "pattern":
        shape = pattern_shape(str(value))
        if shape:
            return _("%(field)s phải %(shape)s.") % {"field": field, "shape": shape}
        return _("%(field)s không đúng định dạng.") % {"field": field}
    if error.validator == "minLength":
        return _("%(field)s phải có ít nhất %(n)s ký tự.") % {"field": field, "n": value}
    if error.validator == "maxLength":
        return _("%(field)s không được quá %(n)s ký tự.") % {"field": field, "n": value}
    if error.validator == "minimum":
        return _("%(field)s phải lớn hơn hoặc bằng %(n)s.") % {"field": field, "n": _number(value)}
    if error.validator == "exclusiveMinimum":
        return _("%(field)s phải lớn hơn %(n)s.") % {"field": field, "n": _number(value)}
    if error.validator == "maximum":
        return _("%(field)s phải nhỏ hơn hoặc bằng %(n)s.") % {"field": field, "n": _number(value)}
    if error.validator == "exclusiveMaximum":
        return _("%(field)s phải nhỏ hơn %(n)s.") % {"field": field, "n": _number(value)}
    if error.validator == "format" and value == "date":
        return _("%(field)s phải là một ngày có thật, viết theo dạng ngày/tháng/năm, ví dụ 27/03/2024.") % {
            "field": field
        }
    if error.validator == "format" and value == "email":
        return _("%(field)s phải là địa chỉ thư điện tử, ví dụ ten@example.vn.") % {"field": field}
    if error.validator == form_dates.KEYWORD and isinstance(value, Mapping):
        return _date_message(field, value)
    if error.validator in ("type", "finite"):
        kind = value if isinstance(value, str) else ""
        if kind == "integer":
            return _("%(field)s phải là một số nguyên.") % {"field": field}
        if kind == "number" or error.validator == "finite":
            return _("%(field)s phải là một số.") % {"field": field}
    if error.validator == "control":
        return _("%(field)s không được chứa ký tự điều khiển (ký tự không in được).") % {"field": field}
    return _("%(field)s không hợp lệ.") % {"field": field}


def _short_message(error: FormProblem) -> str:
    """The message without the field's name (beside an input whose label the page shows elsewhere)."""
    value = error.validator_value
    if error.validator == UNIT_RULE:
        return error.message
    messages = {
        "required": _("Vui lòng nhập thông tin này."),
        "pattern": _("Giá trị không đúng định dạng."),
        "enum": _("Vui lòng chọn một giá trị trong danh sách."),
        "type": _("Giá trị không hợp lệ."),
        "format": _("Giá trị không đúng định dạng (ngày phải có dạng ngày/tháng/năm hợp lệ)."),
    }
    if error.validator == "minLength":
        return _("Cần ít nhất %(n)s ký tự.") % {"n": value}
    if error.validator == "maxLength":
        return _("Không được quá %(n)s ký tự.") % {"n": value}
    if error.validator in ("minimum", "exclusiveMinimum"):
        return _("Giá trị phải lớn hơn hoặc bằng %(n)s.") % {"n": value}
    if error.validator in ("maximum", "exclusiveMaximum"):
        return _("Giá trị phải nhỏ hơn hoặc bằng %(n)s.") % {"n": value}
    if error.validator == "control":
        return _("Không được chứa ký tự điều khiển (ký tự không in được).")
    if error.validator == form_dates.KEYWORD and isinstance(value, Mapping):
        return _date_message(_("Ngày"), value)
    return messages.get(str(error.validator), _("Giá trị không hợp lệ."))


def _date_message(field: str, broken: Mapping[str, Any]) -> str:
    """The ``x-date`` rule a date broke (``form_dates.broken_rule``), in words."""
    rule = str(broken.get("rule") or "")
    try:
        day = dt.date.fromisoformat(str(broken.get("day"))).strftime("%d/%m/%Y")
    except ValueError:
        day = ""
    messages = {
        "past": _("%(field)s phải là một ngày trong quá khứ (trước ngày %(day)s)."),
        "past-or-today": _("%(field)s không được sau ngày hôm nay (%(day)s)."),
        "future": _("%(field)s phải là một ngày sau ngày hôm nay (%(day)s)."),
        "today-or-future": _("%(field)s không được trước ngày hôm nay (%(day)s)."),
        "not_before": _("%(field)s không được trước ngày %(day)s."),
    }
    return messages.get(rule, _("%(field)s không hợp lệ.")) % {"field": field, "day": day}


def _lower_first(label: str) -> str:
    """ "Họ, chữ đệm, tên" -> "họ, chữ đệm, tên" inside a sentence; "CCCD" stays as it is."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


_DIGITS = re.compile(r"^\^\[0-9([+ ]*)\]\{(\d+)(?:,(\d+))?\}\$$")


def pattern_shape(pattern: str) -> str:
    """A regular expression of digits in words ("gồm đúng 12 chữ số"), '' for any other pattern."""
    match = _DIGITS.match(pattern)
    if match is None:
        return ""
    extra, low, high = match.group(1), match.group(2), match.group(3)
    if high is None:
        shape = _("gồm đúng %(n)s chữ số") % {"n": low}
    else:
        shape = _("gồm từ %(low)s đến %(high)s chữ số") % {"low": low, "high": high}
    if extra:
        shape += " " + _("(được có dấu + và dấu cách)")
    return shape


class FormInvalid(DomainError):
    """``form.invalid``: the filled form has problems; ``problems`` says where, for field errors."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__(
            "form.invalid", _("Tờ khai chưa hợp lệ: %(problems)s"), problems="; ".join(map(str, problems))
        )
        self.problems = problems


def sample_fee_inputs(version: Any) -> dict[str, Any]:
    """A plausible value of each e-form field the fee rules of ``version`` read (benchmarks, tests)."""
    from . import fees

    properties = (version.form_schema or {}).get("properties") or {}
    return {
        name: sample_data(properties[name])
        for name in fees.names_used(version.fee_rules or [])
        if name in properties
    }


def sample_declaration(version: Any, *, unit_code: str, **typed: Any) -> dict[str, Any]:
    """A complete declaration of ``version``'s e-form as the counter officer types it (the engine checks it to
    accept: ``dossiers.services.declaration_problems``), for benchmarks and tests: the schema's sample values,
    each unit field in ``unit_code``, the fee's values (``sample_fee_inputs``), then ``typed`` (the
    applicant's ID number and phone: no sample matches their patterns)."""
    schema = version.form_schema or {}
    data = sample_data(schema) or {}
    widgets = (version.ui_schema or {}).get("widgets") or {}
    for name in data:
        if widgets.get(name) == "unit" or name.endswith("_unit"):
            data[name] = unit_code
    return {**data, **sample_fee_inputs(version), **typed}


def sample_data(schema: Mapping[str, Any]) -> Any:
    """A plausible filled form built from the schema (defaults, examples, enums, minimums)."""
    if not isinstance(schema, Mapping):
        return None
    if "default" in schema:
        return schema["default"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {name: sample_data(sub) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [sample_data(schema.get("items") or {})] * int(schema.get("minItems", 0))
    if kind in ("integer", "number"):
        low = schema.get(
            "minimum", schema.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in schema else 0)
        )
        return max(low, 1) if schema.get("maximum", 1) >= 1 else low
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "2025-07-01"
        if fmt == "email":
            return "mau@example.vn"
        return "x" * max(int(schema.get("minLength", 1)), 1)
    return None
