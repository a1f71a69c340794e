"""What a counter officer types in the declaration block (workspace.declaration) for any procedure: a valid
value for every required field of its e-form that the page asks there, built from the schema, so that a
test about something else (fees, forwarding, scans) can accept a dossier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers import lookups
from motcua.workspace import declaration


def _value(name: str, sub: dict[str, Any], *, unit_code: str) -> Any:
    if sub.get("enum"):
        return str(sub["enum"][0])
    kind = sub.get("type")
    if kind == "boolean":
        return None
    if kind in ("integer", "number"):
        return str(max(1, int(sub.get("minimum") or 1)))
    if sub.get("format") == "date":
        return "2020-01-15"
    pattern = str(sub.get("pattern") or "")
    if pattern == "^[0-9]{12}$":
        return "046190000777"
    if pattern == "^[0-9]{5}$" or name.endswith("_unit"):
        return unit_code
    if pattern:
        return "0914000111"
    return "Nguyễn Văn An" if name.endswith("name") else "Nội dung kê khai tại quầy"


def declaration_of(procedure: Any, *, on: dt.date, unit_code: str, **typed: Any) -> dict[str, Any]:
    """POST values of the declaration block of ``procedure``'s e-form: its marker, a value for each required
    field the block shows (not the applicant's, not the competence place), then ``typed`` over them."""
    version = lookups.version_in_force(procedure=procedure, on=on)
    schema = version.form_schema or {}
    if not schema:
        return dict(typed)
    places = set(lookups.competence_place_fields(procedure=procedure, on=on))
    properties = schema.get("properties") or {}
    values: dict[str, Any] = {declaration.MARKER: procedure.code}
    for name in schema.get("required") or []:
        if name in declaration.APPLICANT_FIELDS or name in places:
            continue
        sub = properties.get(name) or {}
        if sub.get("type") == "object":
            for part in sub.get("required") or []:
                part_value = _value(part, (sub.get("properties") or {}).get(part) or {}, unit_code=unit_code)
                if part_value is not None:
                    values[f"{name}.{part}"] = part_value
            continue
        value = _value(name, sub, unit_code=unit_code)
        if value is not None:
            values[name] = value
    values.update(typed)
    return values
