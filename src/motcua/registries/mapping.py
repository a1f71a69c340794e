"""The catalog's mapping of e-form fields to registry fields: the JSON Schema keyword ``x-registry``.

A top-level property of a procedure version's e-form schema may say where its value can be read::

    "applicant_name": {
        "type": "string",
        "x-registry": {"registry": "population", "field": "full_name", "key": "applicant_id_number"}
    }

``registry`` is a registry kind of ``registries.fields.REGISTRY_FIELDS``, ``field`` one of that registry's
fields and ``key`` the e-form field holding the identifier the registry is asked with (the personal ID
number, the enterprise code, the parcel). JSON Schema ignores unknown keywords, so the mapping is plain
data: no migration, and the catalog verifier reports a mapping that names an unknown registry, field or
key (``check_version``, plugged into the verifier by ``settings.MOTCUA_CATALOG_CHECKS``).

The fields mapped with the same registry and key form one lookup (a ``Source``): the citizen consents once
for all of them (Decree 13/2023/NĐ-CP on personal data protection, Art. 11: consent names the data and the
purpose [check]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from motcua.catalog.verifier.report import ERROR, AddFinding
from motcua.catalog.verifier.versions import VersionRow

from .fields import REGISTRY_FIELDS

KEYWORD = "x-registry"
MAPPING_KEYS = {"registry", "field", "key"}


@dataclass(frozen=True)
class FieldMapping:
    """One e-form field (``form_field``) filled from ``registry``'s ``source`` field, asked by ``key``."""

    form_field: str
    registry: str
    source: str
    key: str


@dataclass(frozen=True)
class Source:
    """One lookup an e-form offers: a registry asked with the value of one e-form field."""

    registry: str
    key: str
    fields: tuple[FieldMapping, ...]

    @property
    def slug(self) -> str:
        return f"{self.registry}.{self.key}"

    @property
    def registry_fields(self) -> list[str]:
        return [m.source for m in self.fields]


def _properties(schema: Any) -> Mapping[str, Any]:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return properties if isinstance(properties, Mapping) else {}


def _well_formed(value: Any) -> TypeGuard[Mapping[str, Any]]:
    return (
        isinstance(value, Mapping)
        and set(value) == MAPPING_KEYS
        and all(isinstance(value[k], str) and value[k] for k in MAPPING_KEYS)
    )


def field_mappings(schema: Any) -> list[FieldMapping]:
    """The well-formed mappings of the schema's top-level fields, in the schema's order."""
    found = []
    for name, sub in _properties(schema).items():
        value = sub.get(KEYWORD) if isinstance(sub, Mapping) else None
        if _well_formed(value):
            found.append(FieldMapping(str(name), value["registry"], value["field"], value["key"]))
    return found


def sources(schema: Any, known: Mapping[str, Mapping[str, Any]] | None = None) -> list[Source]:
    """The lookups an e-form offers, one per (registry, key); with ``known`` only sound mappings
    (a known registry and field, a key that is a field of the form)."""
    names = set(_properties(schema))
    grouped: dict[tuple[str, str], list[FieldMapping]] = {}
    for m in field_mappings(schema):
        if known is not None and (m.source not in known.get(m.registry, {}) or m.key not in names):
            continue
        grouped.setdefault((m.registry, m.key), []).append(m)
    return [Source(registry, key, tuple(ms)) for (registry, key), ms in grouped.items()]


def source_by_slug(schema: Any, slug: str, known: Mapping[str, Mapping[str, Any]]) -> Source | None:
    return next((s for s in sources(schema, known) if s.slug == slug), None)


def mapping_problems(schema: Any, known: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Why the schema's ``x-registry`` mappings cannot be used (empty when they can), in Vietnamese."""
    problems = []
    properties = _properties(schema)
    for name, sub in properties.items():
        if not isinstance(sub, Mapping):
            continue
        for part, part_schema in _properties(sub).items():
            if isinstance(part_schema, Mapping) and KEYWORD in part_schema:
                problems.append(
                    _("'%(keyword)s' chỉ dùng cho trường cấp trên cùng, không dùng cho '%(field)s'")
                    % {"keyword": KEYWORD, "field": f"{name}.{part}"}
                )
        if KEYWORD not in sub:
            continue
        value = sub[KEYWORD]
        if not _well_formed(value):
            problems.append(
                _("'%(keyword)s' của trường '%(field)s' phải có đúng các khóa registry, field, key (chuỗi)")
                % {"keyword": KEYWORD, "field": name}
            )
            continue
        registry, source, key = value["registry"], value["field"], value["key"]
        if registry not in known:
            problems.append(
                _("trường '%(field)s' lấy từ cơ sở dữ liệu không có: '%(registry)s' (có: %(known)s)")
                % {"field": name, "registry": registry, "known": ", ".join(sorted(known))}
            )
            continue
        if source not in known[registry]:
            problems.append(
                _("trường '%(field)s' lấy trường '%(source)s' không có trong cơ sở dữ liệu '%(registry)s'")
                % {"field": name, "source": source, "registry": registry}
            )
        if key == name:
            problems.append(_("trường '%(field)s' không thể là khóa tra cứu của chính nó") % {"field": name})
        elif key not in properties:
            problems.append(
                _("khóa tra cứu '%(key)s' của trường '%(field)s' không có trong biểu mẫu")
                % {"key": key, "field": name}
            )
        elif not _is_string(properties[key]):
            problems.append(
                _("khóa tra cứu '%(key)s' của trường '%(field)s' phải là trường chuỗi (type: string)")
                % {"key": key, "field": name}
            )
    return problems


def _is_string(sub: Any) -> bool:
    kind = sub.get("type") if isinstance(sub, Mapping) else None
    return "string" in (kind if isinstance(kind, list) else [kind])


def check_version(add: AddFinding, version: VersionRow) -> None:
    """The verifier's ``form.registry`` check: the e-form's mappings and the registries named by documents
    taken from a registry (``RequiredDocument.reuse_key`` "<registry>.<record>") are known."""
    known = known_fields()
    for problem in mapping_problems(version.form_schema or {}, known):
        add(ERROR, "form.registry", problem)
    for doc in version.documents:
        registry = doc.reuse_key.split(".", 1)[0]
        if doc.reuse == "registry" and doc.reuse_key and registry not in known:
            add(
                ERROR,
                "form.registry",
                _("giấy tờ '%(document)s' lấy từ cơ sở dữ liệu không có: '%(registry)s' (có: %(known)s)")
                % {"document": doc.name, "registry": registry, "known": ", ".join(sorted(known))},
            )


def known_fields() -> Mapping[str, Mapping[str, Any]]:
    """registry kind -> {field key: label}: what the registry adapters can return."""
    return REGISTRY_FIELDS
