"""The e-form data of a dossier as people read it (tờ khai): labels from the catalog, unit names, dates
as dd/mm/yyyy, persons as their parts, uploaded files as downloadable names.

Used by the officer's dossier page and the citizen's; the raw ``Dossier.form_data`` stays what the
national portal sync and the fee formulas read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.catalog.forms import field_order, field_title
from motcua.core.errors import DomainError
from motcua.dossiers import lookups
from motcua.dossiers.files import display_name
from motcua.dossiers.models import Dossier

FILE_PREFIX = "dossiers/"


@dataclass(frozen=True)
class FormEntry:
    name: str
    label: str
    text: str = ""
    is_file: bool = False
    parts: list[tuple[str, str]] = field(default_factory=list)


def _unit_name(code: str) -> str:
    unit = lookups.latest_unit(code=code)
    if unit is None:
        return code
    return f"{unit.name}, {unit.parent.name}" if unit.parent is not None else unit.name


def _plain(value: Any, schema: Mapping[str, Any]) -> str:
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if schema.get("format") == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def form_entries(dossier: Dossier) -> list[FormEntry]:
    """Filled fields of the dossier's e-form, in the form's order; empty ones are left out."""
    version = dossier.procedure_version
    schema: Mapping[str, Any] = version.form_schema or {}
    ui: Mapping[str, Any] = version.ui_schema or {}
    properties: Mapping[str, Any] = schema.get("properties") or {}
    labels: Mapping[str, Any] = ui.get("labels") or {}
    widgets: Mapping[str, Any] = ui.get("widgets") or {}
    data = dossier.form_data or {}
    entries = []
    for name in field_order(schema, ui):
        value = data.get(name)
        if value in (None, "", [], {}):
            continue
        sub = properties.get(name) or {}
        label = str(labels.get(name) or sub.get("title") or name)
        widget = widgets.get(name)
        if widget == "file" and isinstance(value, str):
            entries.append(FormEntry(name=name, label=label, text=display_name(value), is_file=True))
        elif widget == "unit" and isinstance(value, str):
            entries.append(FormEntry(name=name, label=label, text=_unit_name(value)))
        elif isinstance(value, Mapping):
            part_schemas: Mapping[str, Any] = sub.get("properties") or {}
            parts = [
                (
                    str((part_schemas.get(key) or {}).get("title") or key),
                    _plain(v, part_schemas.get(key) or {}),
                )
                for key, v in value.items()
                if v not in (None, "")
            ]
            entries.append(FormEntry(name=name, label=label, parts=parts))
        else:
            entries.append(FormEntry(name=name, label=label, text=_plain(value, sub)))
    return entries


@dataclass(frozen=True)
class RoutingFact:
    """Which fact routed the dossier to its competent agency, for the officer: "Thẩm quyền theo: <label>:
    <unit>"."""

    label: str
    unit: str


def routing_fact(dossier: Dossier) -> RoutingFact:
    """The e-form field whose commune decided competence (``Dossier.place_field``, in the words of the
    form) and that commune. Dossiers received before the field was recorded, and those whose rule names no
    field, keep the old wording: the place of the dossier ("Địa bàn")."""
    unit = dossier.place_unit
    name = f"{unit.name}, {unit.parent.name}" if unit.parent_id and unit.parent else unit.name
    if not dossier.place_field:
        return RoutingFact(label=str(_("Địa bàn")), unit=name)
    version = dossier.procedure_version
    label = field_title(version.form_schema or {}, version.ui_schema or {}, dossier.place_field)
    return RoutingFact(label=label, unit=name)


def form_file_ref(dossier: Dossier, name: str) -> str:
    """The stored file of the e-form's ``file`` field ``name``; the caller has checked access."""
    widgets: Mapping[str, Any] = (dossier.procedure_version.ui_schema or {}).get("widgets") or {}
    value = (dossier.form_data or {}).get(name)
    if widgets.get(name) != "file" or not isinstance(value, str) or not value.startswith(FILE_PREFIX):
        raise DomainError("file.forbidden", _("Không tìm thấy tệp hoặc bạn không có quyền tải tệp này."))
    return value
