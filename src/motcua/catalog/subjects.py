"""The persons (and enterprises) a procedure's documents concern, as the e-form names them: ``x-subject``.

The citizen's data store (``motcua.datastore``) files every result issued and every document digitized at
reception under each person it concerns and under the applicant (Decree 45/2020/NĐ-CP on administrative
procedures in the electronic environment: the data store of organizations and individuals, kho quản lý dữ liệu
điện tử của tổ chức, cá nhân, Art. 3 and Art. 16 [check]). Which persons a document concerns is catalog data:
the keyword ``x-subject`` on the e-form property holding that person's name (a person) or identifier (an
enterprise), for example the child of a birth registration::

    "child_name": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh",
                   "x-subject": {"id": "child_id_number", "birth_date": "child_birth_date",
                                 "representative": "applicant"}}
    "enterprise_code": {"type": "string", "x-subject": {"kind": "enterprise", "name": "enterprise_name"}}

On a ``person`` field (an object with sub-properties, the ``person`` widget) the keys name its
sub-properties, and default to the names the portal fills from the e-ID: ``ho_ten`` (name),
``so_dinh_danh`` (id), ``ngay_sinh`` (birth_date)::

    "disabled_person": {"type": "object", "x-subject": {}, "properties": {"ho_ten": …, "ngay_sinh": …}}

Keys of ``x-subject`` (all optional):

- ``kind``: ``person`` (default; the property holds the name) or ``enterprise`` (the property holds the
  enterprise / tax code under which business results are filed);
- ``id``: the property holding the person's 12-digit personal identification number;
- ``name``: for an enterprise, the property holding its name (for a person field, the sub-property);
- ``birth_date``: the property holding the person's date of birth (a ``date``);
- ``representative``: ``applicant`` when the applicant acts as the person's legal representative while the
  person is a minor (Civil Code 2015 Art. 21 and Art. 136: parents represent their minor children): the
  applicant then reads the person's documents until the person turns 18.

The catalog verifier reports an ``x-subject`` that does not fit (``form.subject``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

KEYWORD = "x-subject"
PERSON = "person"
ENTERPRISE = "enterprise"
KINDS = (PERSON, ENTERPRISE)
KEYS = frozenset({"kind", "id", "name", "birth_date", "representative"})
REPRESENTATIVES = ("applicant",)
# The sub-properties of a ``person`` field (catalog.eforms, "Điền thông tin của tôi") by default.
PERSON_PARTS = {"name": "ho_ten", "id": "so_dinh_danh", "birth_date": "ngay_sinh"}
PERSONAL_ID = re.compile(r"^[0-9]{12}$")
# Enterprise codes are the tax code: 10 digits, or 13 for a branch, written with or without "-" before the
# last three (Law on Tax Administration 2019 Art. 30 [check]).
ENTERPRISE_CODE = re.compile(r"^[0-9]{10}(-?[0-9]{3})?$")
# The age of majority (Civil Code 2015 Art. 20): a minor's legal representative reads until then.
MAJORITY_YEARS = 18


@dataclass(frozen=True)
class Subject:
    """One person or enterprise a dossier's documents concern, read from its e-form."""

    field: str
    kind: str
    id_number: str
    name: str
    birth_date: dt.date | None = None
    represented_by_applicant: bool = False

    @property
    def majority_on(self) -> dt.date | None:
        """The day the person comes of age (a 29 February birthday: 1 March)."""
        if self.birth_date is None:
            return None
        try:
            return self.birth_date.replace(year=self.birth_date.year + MAJORITY_YEARS)
        except ValueError:
            return dt.date(self.birth_date.year + MAJORITY_YEARS, 3, 1)


def declared(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``x-subject`` declarations of the schema's properties, by property name."""
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return {}
    return {
        name: sub[KEYWORD] for name, sub in properties.items() if isinstance(sub, Mapping) and KEYWORD in sub
    }


def subject_problems(schema: Mapping[str, Any]) -> list[str]:
    """What is wrong with the schema's ``x-subject`` declarations (Vietnamese, for the verifier)."""
    problems: list[str] = []
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return problems
    for name, spec in declared(schema).items():
        where = _("trường '%(field)s': x-subject") % {"field": name}
        if not isinstance(spec, Mapping):
            problems.append(_("%(where)s phải là một đối tượng (object)") % {"where": where})
            continue
        unknown = sorted(str(k) for k in spec if k not in KEYS)
        if unknown:
            problems.append(
                _("%(where)s có khóa không hợp lệ: %(keys)s") % {"where": where, "keys": ", ".join(unknown)}
            )
        kind = spec.get("kind", PERSON)
        if kind not in KINDS:
            problems.append(
                _("%(where)s: kind phải là person hoặc enterprise, không phải '%(kind)s'")
                % {"where": where, "kind": kind}
            )
        field = properties[name] if isinstance(properties[name], Mapping) else {}
        is_person_object = field.get("type") == "object"
        if is_person_object:
            # A person field: the keys name its sub-properties (defaults: PERSON_PARTS).
            parts = field.get("properties")
            scope: Mapping[str, Any] = parts if isinstance(parts, Mapping) else {}
            if kind != PERSON:
                problems.append(_("%(where)s: trường kiểu object chỉ dùng cho cá nhân") % {"where": where})
            if _part(spec, "name", scope) is None:
                problems.append(
                    _("%(where)s: trường cá nhân không có thành phần họ tên (ho_ten hoặc name)")
                    % {"where": where}
                )
        elif field.get("type") != "string":
            problems.append(_("%(where)s: trường phải có kiểu string hoặc object") % {"where": where})
            scope = properties
        else:
            scope = properties
        for key in ("id", "name", "birth_date"):
            target = spec.get(key)
            if target is None:
                continue
            sub = scope.get(target) if isinstance(target, str) else None
            if not isinstance(sub, Mapping):
                problems.append(
                    _("%(where)s: %(key)s chỉ đến trường '%(target)s' không có trong biểu mẫu")
                    % {"where": where, "key": key, "target": target}
                )
            elif key == "birth_date" and sub.get("format") != "date":
                problems.append(
                    _("%(where)s: birth_date chỉ đến trường '%(target)s' không phải ngày (format: date)")
                    % {"where": where, "target": target}
                )
        if kind == ENTERPRISE and ("birth_date" in spec or "representative" in spec or "id" in spec):
            problems.append(
                _("%(where)s: doanh nghiệp chỉ có name; trường mang x-subject là mã số doanh nghiệp")
                % {"where": where}
            )
        if kind == PERSON and "name" in spec and not is_person_object:
            problems.append(
                _("%(where)s: với cá nhân, trường mang x-subject là họ tên; không dùng khóa name")
                % {"where": where}
            )
        has_birth_date = "birth_date" in spec or (is_person_object and _part(spec, "birth_date", scope))
        representative = spec.get("representative")
        if representative is not None and representative not in REPRESENTATIVES:
            problems.append(_("%(where)s: representative chỉ nhận giá trị 'applicant'") % {"where": where})
        if representative is not None and not has_birth_date:
            problems.append(
                _("%(where)s: người đại diện theo pháp luật của người chưa thành niên cần trường birth_date")
                % {"where": where}
            )
    return problems


def _part(spec: Mapping[str, Any], key: str, scope: Mapping[str, Any]) -> str | None:
    """The sub-property of a person field holding ``key``: named in the declaration, else the default one
    when the field has it."""
    named = spec.get(key)
    if isinstance(named, str):
        return named
    default = PERSON_PARTS[key]
    return default if default in scope else None


def _text(data: Mapping[str, Any], key: Any) -> str:
    value = data.get(key) if isinstance(key, str) else None
    return " ".join(value.split()) if isinstance(value, str) else ""


def _date(data: Mapping[str, Any], key: Any) -> dt.date | None:
    text = _text(data, key)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def subjects_in(schema: Mapping[str, Any], form_data: Mapping[str, Any]) -> list[Subject]:
    """The persons and enterprises the filled form names (a declaration whose fields are empty is left out;
    an identifier that is not well formed is not used as one)."""
    found: list[Subject] = []
    for name, spec in declared(schema).items():
        if not isinstance(spec, Mapping):
            continue
        if spec.get("kind", PERSON) == ENTERPRISE:
            code = _text(form_data, name)
            if ENTERPRISE_CODE.match(code):
                found.append(
                    Subject(
                        field=name, kind=ENTERPRISE, id_number=code, name=_text(form_data, spec.get("name"))
                    )
                )
            continue
        values: Mapping[str, Any] = form_data
        keys = {key: spec.get(key) for key in ("id", "birth_date")}
        person_key: Any = name
        value = form_data.get(name)
        if isinstance(value, Mapping):  # a person field: its parts
            values = value
            parts = {key: spec.get(key) or PERSON_PARTS[key] for key in PERSON_PARTS}
            person_key, keys = parts["name"], {"id": parts["id"], "birth_date": parts["birth_date"]}
        person = _text(values, person_key)
        id_number = _text(values, keys["id"])
        if not PERSONAL_ID.match(id_number):
            id_number = ""
        if not person and not id_number:
            continue
        found.append(
            Subject(
                field=name,
                kind=PERSON,
                id_number=id_number,
                name=person,
                birth_date=_date(values, keys["birth_date"]),
                represented_by_applicant=spec.get("representative") == "applicant",
            )
        )
    return found
