"""E-forms (biểu mẫu điện tử): a JSON Schema 2020-12 document plus a small UI schema.

The UI schema holds what JSON Schema does not: ``order`` (list of field names), ``labels``,
``help`` and ``widgets`` (field name -> one of WIDGETS). Field names are the top-level
``properties`` of the schema; fee formulas and required documents refer to them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

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


def field_names(schema: Mapping[str, Any]) -> set[str]:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return set(properties) if isinstance(properties, Mapping) else set()


def schema_problems(schema: Any) -> list[str]:
    """Why ``schema`` is not a usable e-form schema (empty list when it is)."""
    if not isinstance(schema, Mapping) or not schema:
        return ["biểu mẫu trống"]
    try:
        json.dumps(schema)
    except (TypeError, ValueError):
        return ["biểu mẫu không phải JSON"]
    problems = []
    if schema.get("$schema", DIALECT) != DIALECT:
        problems.append(f"biểu mẫu phải dùng JSON Schema 2020-12 ($schema: {DIALECT})")
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
        problems.append(f"JSON Schema không hợp lệ tại '{path or '/'}': {message}")
    if meta:
        return problems
    if schema.get("type") != "object" or not field_names(schema):
        problems.append("biểu mẫu phải là một object có 'properties'")
    for name in schema.get("required", []):
        if name not in field_names(schema):
            problems.append(f"trường bắt buộc '{name}' không có trong 'properties'")
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
        return ["giao diện biểu mẫu phải là một bảng khóa–giá trị"]
    names = field_names(schema)
    problems = []
    unknown = set(ui) - UI_KEYS
    if unknown:
        problems.append(f"giao diện có khóa không hợp lệ: {', '.join(sorted(unknown))}")
    order = ui.get("order", [])
    if not isinstance(order, list):
        problems.append("'order' phải là danh sách tên trường")
        order = []
    for name in order:
        if name not in names:
            problems.append(f"'order' nêu trường không có trong biểu mẫu: {name}")
    for key in ("labels", "help", "widgets"):
        part = ui.get(key, {})
        if not isinstance(part, Mapping):
            problems.append(f"'{key}' phải là bảng tên trường -> giá trị")
            continue
        for name in part:
            if name not in names:
                problems.append(f"'{key}' nêu trường không có trong biểu mẫu: {name}")
    for name, widget in (ui.get("widgets") or {}).items():
        if widget not in WIDGETS:
            problems.append(f"kiểu nhập '{widget}' của trường {name} không được hỗ trợ")
    return problems


def validate_data(schema: Mapping[str, Any], data: Any) -> list[str]:
    """Problems of a filled form against its schema, one message per error, by field path."""
    validator = Draft202012Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.path) or '/'}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    ]


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
