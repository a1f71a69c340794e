"""Whom (or what) a dossier concerns, as the e-form names it: the keyword ``x-dossier-subject``.

Lists of dossiers (the citizen's "Hồ sơ của tôi", the officer's inbox) show next to the procedure the
person or business the declaration is about, not only the applicant: the child for a birth registration, the
deceased for a death registration, the household business for its registration. Which field names it is
catalog data: ``"x-dossier-subject": true`` on that e-form property, for example::

    "child_name": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh",
                   "x-dossier-subject": true}

The property is a string, or a ``person`` field (an object) whose ``ho_ten`` sub-property holds the name.
Several properties may carry it (both parties of a marriage): the names are joined in the order of the
property names. A declaration whose marked fields are empty concerns the applicant (the caller falls back).
The catalog verifier reports a keyword that does not fit (``form.dossier_subject``).

Legal source: this only names the dossier for the people who look for it, and decides nothing: the applicant
stays the dossier's owner (chủ hồ sơ). The register of dossiers names "tên cá nhân, tổ chức" beside the
procedure (Circular 03/2025/TT-VPCP, Annex I, form 07 [kiểm tra]; docs/legal-basis.md section 21); a birth
registration is about the child (Law on Civil Status 2014, Art. 14), a death registration about the deceased
(Art. 33 [kiểm tra]).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

KEYWORD = "x-dossier-subject"
# The sub-property of a ``person`` field that holds the name (catalog.subjects.PERSON_PARTS).
PERSON_NAME = "ho_ten"
SEPARATOR = ", "


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return properties if isinstance(properties, Mapping) else {}


def subject_fields(schema: Mapping[str, Any]) -> list[str]:
    """The properties marked ``x-dossier-subject``, by name (a JSON column need not keep key order)."""
    return sorted(
        name for name, sub in _properties(schema).items() if isinstance(sub, Mapping) and KEYWORD in sub
    )


def subject_problems(schema: Mapping[str, Any]) -> list[str]:
    """What is wrong with the schema's ``x-dossier-subject`` marks (Vietnamese, for the verifier)."""
    problems: list[str] = []
    properties = _properties(schema)
    for name in subject_fields(schema):
        spec = properties[name]
        where = _("trường '%(field)s': x-dossier-subject") % {"field": name}
        if spec[KEYWORD] is not True:
            problems.append(_("%(where)s chỉ nhận giá trị true") % {"where": where})
        kind = spec.get("type")
        if kind == "object":
            parts = spec.get("properties")
            part = parts.get(PERSON_NAME) if isinstance(parts, Mapping) else None
            if not isinstance(part, Mapping) or part.get("type") != "string":
                problems.append(
                    _("%(where)s: trường cá nhân không có thành phần họ tên (%(part)s) kiểu string")
                    % {"where": where, "part": PERSON_NAME}
                )
        elif kind != "string" or "enum" in spec or spec.get("format") not in (None, ""):
            problems.append(
                _("%(where)s: trường phải là chuỗi ký tự tự do (string, không enum, không format)")
                % {"where": where}
            )
    return problems


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def subject_name(schema: Mapping[str, Any], form_data: Mapping[str, Any], *, max_length: int) -> str:
    """The names the filled declaration gives in its marked fields, joined; "" when none is filled."""
    if not isinstance(form_data, Mapping):
        return ""
    names: list[str] = []
    for name in subject_fields(schema):
        value = form_data.get(name)
        text = _text(value.get(PERSON_NAME)) if isinstance(value, Mapping) else _text(value)
        if text and text.casefold() not in {n.casefold() for n in names}:
            names.append(text)
    joined = SEPARATOR.join(names)
    return joined if len(joined) <= max_length else joined[: max_length - 1].rstrip() + "…"
