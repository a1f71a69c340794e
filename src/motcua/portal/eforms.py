"""Server-side rendering and reading of a procedure's e-form (JSON Schema 2020-12 + UI schema).

``build_fields`` turns the schema into an ordered list of ``EFormField`` for the template;
``read_form`` turns posted values back into form data (and the raw values kept in a draft);
``field_errors`` validates form data with jsonschema and says what is wrong, in Vietnamese, per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

UNIT_SUFFIX = "__unit"


@dataclass
class EFormField:
    name: str
    label: str
    widget: str
    required: bool
    help: str = ""
    choices: list[str] = field(default_factory=list)
    value: Any = ""
    unit_value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"


def _widget(name: str, schema: Mapping[str, Any], widgets: Mapping[str, str]) -> str:
    if name in widgets:
        return widgets[name]
    kind = schema.get("type")
    if schema.get("enum"):
        return "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "number"
    if schema.get("format") == "date":
        return "date"
    if schema.get("format") == "email":
        return "email"
    if kind == "string" and int(schema.get("maxLength", 0) or 0) > 300:
        return "textarea"
    return "text"


def field_order(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[str]:
    properties = list((schema.get("properties") or {}).keys())
    ordered = [name for name in ui.get("order", []) if name in properties]
    return ordered + [name for name in properties if name not in ordered]


def build_fields(
    schema: Mapping[str, Any], ui: Mapping[str, Any], *, values: Mapping[str, Any] | None = None
) -> list[EFormField]:
    """The form's fields in UI order, filled with ``values`` (raw posted/draft values) or schema defaults."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    labels = ui.get("labels") or {}
    helps = ui.get("help") or {}
    widgets = ui.get("widgets") or {}
    fields = []
    for name in field_order(schema, ui):
        sub = properties[name] if isinstance(properties[name], Mapping) else {}
        widget = _widget(name, sub, widgets)
        if widget not in (
            "text",
            "textarea",
            "number",
            "date",
            "select",
            "radio",
            "checkbox",
            "email",
            "tel",
            "address",
            "hidden",
        ):
            widget = "text"  # file/unit/person pickers are not offered online yet: typed as text
        if values is not None:
            value: Any = values.get(name, False if widget == "checkbox" else "")
        else:
            value = sub.get("default", False if widget == "checkbox" else "")
        fields.append(
            EFormField(
                name=name,
                label=str(labels.get(name) or sub.get("title") or name),
                widget=widget,
                required=name in required,
                help=str(helps.get(name) or sub.get("description") or ""),
                choices=[str(c) for c in sub.get("enum") or []],
                value=value,
                unit_value=str((values or {}).get(name + UNIT_SUFFIX, "")),
            )
        )
    return fields


def raw_values(fields: list[EFormField], post: Mapping[str, Any]) -> dict[str, Any]:
    """What the citizen typed, as kept in a draft and shown back in the form."""
    raw: dict[str, Any] = {}
    for f in fields:
        if f.widget == "checkbox":
            raw[f.name] = f.name in post
        else:
            raw[f.name] = str(post.get(f.name, "")).strip()
        if f.widget == "address":
            raw[f.name + UNIT_SUFFIX] = str(post.get(f.name + UNIT_SUFFIX, "")).strip()
    return raw


def form_data(
    schema: Mapping[str, Any], fields: list[EFormField], raw: Mapping[str, Any], unit_names: Mapping[str, str]
) -> dict[str, Any]:
    """Typed form data from raw values: empty strings left out, numbers converted, addresses joined."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    data: dict[str, Any] = {}
    for f in fields:
        kind = (properties.get(f.name) or {}).get("type")
        value = raw.get(f.name)
        if f.widget == "checkbox" or kind == "boolean":
            data[f.name] = bool(value)
            continue
        if f.widget == "address":
            unit = unit_names.get(str(raw.get(f.name + UNIT_SUFFIX, "")), "")
            value = ", ".join(part for part in (str(value or ""), unit) if part)
        if value in (None, ""):
            continue
        if kind in ("integer", "number"):
            try:
                number = float(str(value).replace(",", "."))
                data[f.name] = int(number) if kind == "integer" and number.is_integer() else number
            except ValueError:
                data[f.name] = value  # reported as a type error
            continue
        data[f.name] = value
    return data


def _message(error: ValidationError) -> str:
    value = error.validator_value
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
    return messages.get(str(error.validator), _("Giá trị không hợp lệ."))


def field_errors(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Vietnamese messages by field name ('' for errors not tied to a field)."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        if error.validator == "required" and not error.path:
            missing = [n for n in error.validator_value if n not in data]
            for name in missing:
                if _message(error) not in errors.get(name, []):
                    errors.setdefault(name, []).append(_message(error))
            continue
        name = str(error.path[0]) if error.path else ""
        message = _message(error)
        if message not in errors.get(name, []):
            errors.setdefault(name, []).append(message)
    return errors
