"""Server-side rendering and reading of a procedure's e-form (JSON Schema 2020-12 + UI schema), for every
page that fills one: the citizens' portal and the counter's assisted online submission (the workspace).

``build_fields`` turns the schema into an ordered list of ``EFormField`` for the template;
``raw_values`` reads what was posted (kept as is in a draft); ``form_data`` turns raw values into typed
form data; ``field_errors`` and ``unit_errors`` say what is wrong, in Vietnamese, per field
(``<field>.<sub>`` for a person's part). Storing the files of ``file`` fields is the page's own
(``portal.eforms.keep_files`` counts them in the citizen's quota).

Widgets beyond single inputs (see docs/portal.md):

- ``address``: text + commune select (``<field>__unit``); the value is "<text>, <commune name>". When
  the citizen types the whole address (old or new units) and chooses no commune, the page proposes one
  (``propose_address_units``): the 2025 commune the text names is chosen, the text keeps the street, and
  the form comes back once to be checked;
- ``unit``: province select (``<field>__province``) + commune select (``<field>``); the value is the
  5-digit GSO code of a commune-level unit in force today;
- ``person``: a fieldset with one input per sub-property (``<field>.<sub>``); the value is an object;
- ``file``: an upload stored with ``motcua.dossiers.files``; the value is the stored file's ``ref``.
  The draft keeps ``{ref, name, size, sha256}`` so that the form can say "Đã tải lên: <name>".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from motcua.catalog.forms import (
    UNIT_RULE,
    WIDGETS,
    FormProblem,
    field_order,
    form_problems,
    problem_message,
)
from motcua.core.errors import DomainError
from motcua.geo import selectors as geo

UNIT_SUFFIX = "__unit"  # address widget: its commune select
PROVINCE_SUFFIX = "__province"  # unit widget: its province select
REMOVE_SUFFIX = "__remove"  # file widget: "remove the stored file" box
PART = "."  # person widget: inputs are named <field>.<sub>
UNIT_CODE = re.compile(r"^[0-9]{5}$")
# The catalog's widgets (catalog.forms.WIDGETS) that are one plain input each.
SIMPLE_WIDGETS = WIDGETS - {"address", "unit", "person", "file"}
STORED_KEYS = ("ref", "name", "size", "sha256")
# unit widget: the choice "the same commune as the address above" (value "=<address field>"), so that a
# form asking an address and then a commune (the applicant's residence, then the parents') asks the ward
# once when it is the same (issue 17, item 11); the value is resolved to that commune when posted.
SAME_AS = "="


@dataclass
class EFormField:
    name: str
    label: str
    widget: str
    required: bool
    help: str = ""
    kind: str = ""
    choices: list[str] = field(default_factory=list)
    value: Any = ""
    unit_value: str = ""
    errors: list[str] = field(default_factory=list)
    parts: list[EFormField] = field(default_factory=list)  # person: one field per sub-property
    province: str = ""  # unit: the province whose communes are listed
    units: list[Any] = field(default_factory=list)  # unit: the communes to choose from
    unit_label: str = ""  # unit: the chosen unit's name and province, shown back
    note: str = ""  # address: what the text was read as (``propose_address_units``)
    origin: Any = None  # a value prefilled from a registry, shown beside it (registries.prefill)
    same_as: EFormField | None = None  # unit: the address above whose commune it may take (SAME_AS)

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"

    @property
    def shown(self) -> Any:
        """The value in the input: a date as the citizen writes it (27/03/2024), the rest as kept."""
        if self.widget == "date":
            return date_text(self.value)
        return self.value

    @property
    def chosen_from_list(self) -> bool:
        """Answered by picking (a select, a commune): "Vui lòng chọn ..." rather than "nhập"."""
        return self.widget in ("select", "radio", "unit") or bool(self.choices)

    @property
    def all_errors(self) -> list[tuple[str, str]]:
        """(input id, message) of this field and its parts: the error summary's links."""
        links = [(self.input_id, m) for m in self.errors]
        for part in self.parts:
            links += [(part.input_id, m) for m in part.errors]
        return links

    @property
    def stored(self) -> dict[str, Any] | None:
        """file: the upload kept in the draft, if any."""
        return dict(self.value) if stored_file(self.value) else None


def stored_file(value: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(value, Mapping) and bool(value.get("ref")) and bool(value.get("name"))


# A date typed the Vietnamese way: day/month/year (27/03/2024); 27-03-2024 and 27.03.2024 are read too.
TYPED_DATE = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def read_date(text: str) -> str:
    """A typed date as ISO 8601 (what the schema's ``format: date`` and the fee formulas read), read
    strictly: day/month/year with a four-digit year, or already ISO; a date that does not exist, or
    any other text, is kept as typed so that the schema refuses it with its message."""
    text = text.strip()
    match = TYPED_DATE.match(text)
    if match is not None:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def date_text(value: Any) -> str:
    """An ISO date as shown in the form (27/03/2024); any other value as it was typed."""
    text = str(value or "")
    if ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return text
    return text


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


def _kind(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "")
    return str(kind or "")


def _empty(widget: str) -> Any:
    return False if widget == "checkbox" else ""


def _parts(
    name: str,
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None,
    order: list[Any],
    *,
    optional: bool,
) -> list[EFormField]:
    """The inputs of a person: one per sub-property, in the order of ``<field>.<sub>`` entries of
    ``ui.order`` then the schema's (jsonb keeps no key order), widgets from the sub-schema.
    The parts of an optional person are not marked required (they are only once one is filled)."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set() if optional else set(schema.get("required") or [])
    prefix = name + PART
    ordered = [str(n)[len(prefix) :] for n in order if str(n).startswith(prefix)]
    ordered = [n for n in ordered if n in properties]
    parts = []
    for sub_name in ordered + [n for n in properties if n not in ordered]:
        sub = properties[sub_name] if isinstance(properties[sub_name], Mapping) else {}
        widget = _widget(sub_name, sub, {})
        widget = widget if widget in SIMPLE_WIDGETS - {"hidden"} else "text"
        if values is not None:
            value = values.get(sub_name, _empty(widget))
        else:
            value = sub.get("default", _empty(widget))
        parts.append(
            EFormField(
                name=f"{name}{PART}{sub_name}",
                label=str(sub.get("title") or sub_name),
                widget=widget,
                required=sub_name in required,
                help=str(sub.get("description") or ""),
                kind=_kind(sub),
                choices=[str(c) for c in sub.get("enum") or []],
                value=value,
            )
        )
    return parts


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
        if widget not in WIDGETS or (widget == "person" and not isinstance(sub.get("properties"), Mapping)):
            widget = "text"
        if values is not None:
            value: Any = values.get(name, _empty(widget))
        else:
            value = sub.get("default", _empty(widget))
        parts: list[EFormField] = []
        if widget == "person":
            known = value if isinstance(value, Mapping) else None if values is None else {}
            parts = _parts(name, sub, known, list(ui.get("order") or []), optional=name not in required)
            value = ""
        if widget == "file" and not stored_file(value):
            value = ""
        fields.append(
            EFormField(
                name=name,
                label=str(labels.get(name) or sub.get("title") or name),
                widget=widget,
                required=name in required,
                help=str(helps.get(name) or sub.get("description") or ""),
                kind=_kind(sub),
                choices=[str(c) for c in sub.get("enum") or []],
                value=value,
                unit_value=str((values or {}).get(name + UNIT_SUFFIX, "")),
                parts=parts,
                province=str((values or {}).get(name + PROVINCE_SUFFIX, "")),
            )
        )
    address: EFormField | None = None
    for f in fields:
        if f.widget == "address":
            address = f
        elif f.widget == "unit":
            f.same_as = address
    return fields


def _posted(f: EFormField, post: Mapping[str, Any]) -> Any:
    if f.widget == "checkbox":
        return f.name in post
    if f.widget == "date":
        return read_date(str(post.get(f.name, "")))
    return str(post.get(f.name, "")).strip()


def raw_values(fields: list[EFormField], post: Mapping[str, Any]) -> dict[str, Any]:
    """What the citizen typed, as kept in a draft and shown back in the form (files: see ``keep_files``)."""
    raw: dict[str, Any] = {}
    for f in fields:
        if f.widget == "person":
            raw[f.name] = {p.name.split(PART, 1)[1]: _posted(p, post) for p in f.parts}
        elif f.widget == "file":
            raw[f.name] = ""
            raw[f.name + REMOVE_SUFFIX] = f.name + REMOVE_SUFFIX in post
        else:
            raw[f.name] = _posted(f, post)
        if f.widget == "address":
            raw[f.name + UNIT_SUFFIX] = str(post.get(f.name + UNIT_SUFFIX, "")).strip()
        if f.widget == "unit":
            raw[f.name + PROVINCE_SUFFIX] = str(post.get(f.name + PROVINCE_SUFFIX, "")).strip()
            same = f.same_as
            if same is not None and raw[f.name] == SAME_AS + same.name:
                # "The same commune as <address>": that address's commune, in the address's province.
                raw[f.name] = str(post.get(same.name + UNIT_SUFFIX, "")).strip()
                raw[f.name + PROVINCE_SUFFIX] = ""
    return raw


def _typed(kind: str, widget: str, value: Any) -> tuple[bool, Any]:
    """(present, typed value) of one raw value."""
    if widget == "checkbox" or kind == "boolean":
        return True, bool(value)
    if value in (None, ""):
        return False, None
    if kind in ("integer", "number"):
        try:
            number = float(str(value).replace(",", "."))
        except ValueError:
            return True, value  # reported as a type error
        if not math.isfinite(number):
            return True, value  # NaN, Infinity: not a number, reported as a type error
        return True, int(number) if kind == "integer" and number.is_integer() else number
    return True, value


def form_data(
    schema: Mapping[str, Any], fields: list[EFormField], raw: Mapping[str, Any], unit_names: Mapping[str, str]
) -> dict[str, Any]:
    """Typed form data from raw values: empty strings left out, numbers converted, addresses joined,
    a person as an object of its filled parts, a file as its stored ``ref``."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    data: dict[str, Any] = {}
    for f in fields:
        value = raw.get(f.name)
        if f.widget == "person":
            typed = _person(f, value if isinstance(value, Mapping) else {})
            if typed or (f.required and (properties.get(f.name) or {}).get("required")):
                data[f.name] = typed  # an empty required person: each required part says it is missing
            continue
        if f.widget == "file":
            if stored_file(value):
                data[f.name] = value["ref"]
            continue
        if f.widget == "address":
            unit = unit_names.get(str(raw.get(f.name + UNIT_SUFFIX, "")), "")
            value = ", ".join(part for part in (str(value or ""), unit) if part)
        present, typed_value = _typed(f.kind, f.widget, value)
        if present:
            data[f.name] = typed_value
    return data


def _person(f: EFormField, raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for part in f.parts:
        sub = part.name.split(PART, 1)[1]
        present, typed = _typed(part.kind, part.widget, raw.get(sub))
        if present:
            values[sub] = typed
    # Unticked boxes alone do not make a person: the parts typed by the citizen do.
    if all(v is False for v in values.values()):
        return {}
    return values


def field_errors(
    schema: Mapping[str, Any],
    data: Mapping[str, Any],
    *,
    file_fields: Collection[str] = (),
    fields: list[EFormField] | None = None,
    on: dt.date | None = None,
) -> dict[str, list[str]]:
    """Vietnamese messages by field name: ``<field>`` or ``<field>.<sub>`` for a part of an object,
    '' for errors not tied to a field. A missing required file asks for the file. With ``fields`` each
    message names its field (the GOV.UK error pattern: the summary at the top lists them).

    The rules are the catalog's (``catalog.forms.form_problems``), the same the dossier service applies;
    ``on`` is the day dates are compared with (``x-date``, today by default)."""
    return problem_errors(form_problems(schema, data, on=on), file_fields=file_fields, fields=fields)


def problem_errors(
    problems: list[FormProblem],
    *,
    file_fields: Collection[str] = (),
    fields: list[EFormField] | None = None,
) -> dict[str, list[str]]:
    """The catalog's form problems (also those of a refused submission) as messages by field name,
    naming the field when ``fields`` (the form's, with their labels) are given."""
    by_name: dict[str, EFormField] = {}
    for f in fields or []:
        by_name[f.name] = f
        by_name.update({part.name: part for part in f.parts})
    errors: dict[str, list[str]] = {}
    for problem in problems:
        key = PART.join(problem.path[:2])
        named = by_name.get(key)
        label = named.label if named is not None else ""
        if problem.validator == "required" and key in file_fields:
            message = (
                _("Vui lòng đính kèm tệp %(field)s.") % {"field": label}
                if label
                else _("Vui lòng đính kèm tệp.")
            )
        else:
            message = problem_message(problem, label=label, choose=bool(named and named.chosen_from_list))
        if message not in errors.get(key, []):
            errors.setdefault(key, []).append(message)
    return errors


def unit_problems(fields: list[EFormField], raw: Mapping[str, Any], *, on: dt.date) -> list[FormProblem]:
    """A chosen unit must be a commune-level unit in force on ``on`` (and of the province shown beside it):
    one problem (validator ``unit``, its own message) per unit field that is not."""
    problems: list[FormProblem] = []
    for f in fields:
        code = str(raw.get(f.name) or "") if f.widget == "unit" else ""
        if not code:
            continue
        unit = None
        if UNIT_CODE.match(code):
            try:
                unit = geo.unit_by_code(code=code, on=on)
            except DomainError:
                unit = None
        if unit is None or unit.level != "commune":
            message = _(
                "Mã %(code)s không phải là xã, phường, đặc khu đang có hiệu lực ngày %(day)s. "
                "Vui lòng chọn lại trong danh sách."
            ) % {"code": code[:20], "day": on.strftime("%d/%m/%Y")}
            problems.append(FormProblem((f.name,), UNIT_RULE, code[:20], message))
            continue
        province = str(raw.get(f.name + PROVINCE_SUFFIX) or "")
        if province and province != unit.province_code:
            message = _("%(unit)s không thuộc tỉnh, thành phố đã chọn. Vui lòng chọn lại xã, phường.") % {
                "unit": unit.name
            }
            problems.append(FormProblem((f.name,), UNIT_RULE, code, message))
    return problems


def unit_errors(fields: list[EFormField], raw: Mapping[str, Any], *, on: dt.date) -> dict[str, list[str]]:
    """``unit_problems`` as messages by field name."""
    return {problem.field: [problem.message] for problem in unit_problems(fields, raw, on=on)}


def choose_units(fields: list[EFormField], *, on: dt.date, default_province: str) -> list[Any]:
    """Fill each unit field's province and commune list; returns the provinces (for their select).

    The province is the one posted or kept in the draft, else the chosen unit's, else the default.
    """
    unit_fields = [f for f in fields if f.widget == "unit"]
    if not unit_fields:
        return []
    provinces = list(geo.province_choices(on=on))
    names = {p.code: p.name for p in provinces}
    communes: dict[str, list[Any]] = {}
    for f in unit_fields:
        chosen = None
        if UNIT_CODE.match(str(f.value or "")):
            try:
                chosen = geo.unit_by_code(code=str(f.value), on=on)
            except DomainError:
                chosen = None
        province = f.province if f.province in names else ""
        province = province or (chosen.province_code if chosen else "") or default_province
        if province not in communes:
            communes[province] = list(geo.commune_choices(province_code=province, on=on))
        f.province, f.units = province, communes[province]
        if chosen is not None and chosen.level == "commune":
            f.unit_label = ", ".join(n for n in (chosen.name, names.get(chosen.province_code, "")) if n)
    return provinces


@dataclass
class AddressNotes:
    """What ``propose_address_units`` read: a note per address field, and whether it chose a commune."""

    notes: dict[str, str] = field(default_factory=dict)
    changed: bool = False


def propose_address_units(
    fields: list[EFormField], raw: dict[str, Any], *, unit_names: Mapping[str, str]
) -> AddressNotes:
    """Address fields whose text names the commune (old or 2025 units) but whose commune select is empty:
    choose the 2025 commune the text names (one of ``unit_names``, the communes offered) and keep only the
    street in the text, for the citizen or officer to check before the form is sent again. An ambiguous
    text, or one in a commune not offered, gets a note and is left as typed."""
    result = AddressNotes()
    for f in fields:
        text = str(raw.get(f.name) or "") if f.widget == "address" else ""
        if not text or raw.get(f.name + UNIT_SUFFIX):
            continue
        reading = geo.read_address(text)
        if reading.ambiguous:
            result.notes[f.name] = _(
                "Địa chỉ đã nhập có thể thuộc một trong các xã, phường: %(candidates)s. "
                "Vui lòng chọn xã, phường."
            ) % {"candidates": "; ".join(label for _unit, label in reading.candidate_labels)}
        elif reading.commune is not None and reading.commune.code not in unit_names:
            result.notes[f.name] = _("Địa chỉ đã nhập thuộc %(unit)s.") % {"unit": reading.label}
        elif reading.commune is not None:
            raw[f.name] = reading.street
            raw[f.name + UNIT_SUFFIX] = reading.commune.code
            result.notes[f.name] = _(
                "Địa chỉ “%(text)s” được đọc theo đơn vị hành chính hiện hành là %(unit)s: "
                "đã chọn xã, phường tương ứng. Vui lòng kiểm tra rồi gửi lại."
            ) % {"text": text, "unit": reading.label}
            result.changed = True
    return result


def attach_notes(fields: list[EFormField], notes: AddressNotes) -> None:
    for f in fields:
        f.note = notes.notes.get(f.name, "")


def attach_errors(fields: list[EFormField], errors: Mapping[str, list[str]]) -> list[str]:
    """Give each field (and each part of a person) its messages; returns those of no field."""
    left = {key: list(messages) for key, messages in errors.items()}
    for f in fields:
        f.errors = left.pop(f.name, [])
        for part in f.parts:
            part.errors = left.pop(part.name, [])
    for key in list(left):
        owner = next((f for f in fields if f.name == key.split(PART, 1)[0]), None)
        if owner is not None:
            owner.errors += [m for m in left.pop(key) if m not in owner.errors]
    return [m for messages in left.values() for m in messages]
