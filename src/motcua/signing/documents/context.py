"""What a document template may read: plain data built from a dossier, or sample data for previews.

Keys (all plain strings, numbers, lists and mappings):
- ``agency``: ``name``, ``superior`` (the body above it, printed over it; empty for a People's Committee);
- ``number`` ("05/GKS-UBND", "" in a preview), ``place`` ("Huế"), ``issued_on`` (``day``, ``month``, ``year``,
  ``text``: "ngày 05 tháng 01 năm 2026"), ``verify_url``;
- ``signer``: ``authority`` ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), ``position`` ("PHÓ CHỦ TỊCH"), ``name``;
- ``dossier``: ``code``, ``receiving_agency`` (name), ``applicant_name``, ``applicant_id_number``,
  ``applicant_address``, ``concerned_name``, ``concerned_id_number``, ``summary``, ``received_on`` and
  ``appointment`` (dd/mm/yyyy);
- ``procedure``: ``code``, ``name``, ``result_name``;
- ``form``: the e-form data as submitted (keys of the version's JSON Schema);
- ``fields``: the e-form's answered fields in schema order, each ``label`` and ``value`` as shown to people
  (dates dd/mm/yyyy, yes/no, communes by name);
- ``extra``: what the caller adds for a kind: the stop notice needs ``reason``; the apology ``reason``,
  ``old_date`` and ``new_date`` (dd/mm/yyyy).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.signing.models import DocumentKind, DocumentTemplate


@dataclass(frozen=True)
class Signer:
    """The signature block: authority line(s) ("TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ TỊCH"), position, full name
    (Decree 30/2020/NĐ-CP Art. 13 and Annex I, II.7: "TM.", "KT.", "Q.", "TL.", "TUQ.")."""

    authority: str
    position: str
    name: str


def date_text(day: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2026": a zero before days under 10 and months 1, 2 (Decree 30/2020 Annex I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _issued(day: dt.date) -> dict[str, Any]:
    return {"day": day.day, "month": day.month, "year": day.year, "text": date_text(day)}


def _fold_initials(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(word[0] for word in text.split() if word[:1].isalpha()).upper()


def agency_symbol(agency: Any) -> str:
    """The agency's part of a document symbol: "UBND" for a People's Committee, else its initials."""
    if getattr(agency, "kind", "") == "ubnd":
        return "UBND"
    return _fold_initials(getattr(agency, "short_name", "") or getattr(agency, "name", ""))


def full_symbol(*, template: DocumentTemplate, agency: Any) -> str:
    """ "GKS-UBND": the kind's abbreviation and the agency's (Decree 30/2020 Annex I, II.3)."""
    if "-" in template.symbol:
        return template.symbol
    return f"{template.symbol}-{agency_symbol(agency)}"


def agency_block(agency: Any) -> dict[str, str]:
    parent = getattr(agency, "parent", None)
    superior = ""
    if parent is not None and getattr(agency, "kind", "") != "ubnd":
        superior = parent.name
    return {"name": agency.name, "superior": superior, "code": agency.code}


def _local_date(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}" if moment else ""


def _display(schema: Mapping[str, Any], value: Any, units: Mapping[str, str]) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_display(schema.get("items") or {}, v, units) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    text = str(value)
    if schema.get("format") == "date":
        try:
            return f"{dt.date.fromisoformat(text):%d/%m/%Y}"
        except ValueError:
            return text
    return units.get(text, text) if text in units else text


def form_fields(schema: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The answered fields of an e-form, labelled and shown as people read them (schema order)."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    unit_codes = [
        str(data[name])
        for name in properties
        if name.endswith("_unit") and isinstance(data.get(name), str | int) and data.get(name)
    ]
    units: dict[str, str] = {}
    if unit_codes:
        from motcua.geo.models import AdministrativeUnit

        for code, name in AdministrativeUnit.objects.filter(code__in=unit_codes).values_list("code", "name"):
            units[code] = name
    rows = []
    for name, prop in properties.items():
        value = data.get(name)
        if value in (None, "", []) or (isinstance(value, Mapping) and "sha256" in value):
            continue  # unanswered, or an uploaded file (listed as a document, not printed)
        shown = _display(prop, value, units if name.endswith("_unit") else {})
        rows.append({"name": name, "label": str(prop.get("title") or name), "value": shown})
    return rows


def context_for_dossier(
    dossier: Any,
    *,
    kind: str,
    number: str,
    issued_on: dt.date,
    verify_url: str,
    signer: Signer,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context for ``dossier``'s document of ``kind`` (DocumentKind)."""
    version = dossier.procedure_version
    agency = dossier.competent_agency
    data = dossier.form_data or {}
    return {
        "kind": str(kind),
        "agency": agency_block(agency),
        "number": number,
        "place": settings.MOTCUA_DOCUMENT_PLACE,
        "issued_on": _issued(issued_on),
        "verify_url": verify_url,
        "signer": asdict(signer),
        "dossier": {
            "code": dossier.code,
            "applicant_name": dossier.applicant_name,
            "applicant_id_number": dossier.applicant_id_number,
            "applicant_address": dossier.applicant_address,
            "concerned_name": dossier.concerned_name,
            "concerned_id_number": dossier.concerned_id_number,
            "summary": dossier.summary,
            "receiving_agency": dossier.receiving_agency.name,
            "received_on": _local_date(getattr(dossier, "received_at", None)),
            "appointment": _local_date(getattr(dossier, "appointment_at", None)),
        },
        "procedure": {
            "code": dossier.procedure.code,
            "name": dossier.procedure.name,
            "result_name": version.result_name,
        },
        "form": dict(data),
        "fields": form_fields(version.form_schema or {}, data),
        "extra": dict(extra or {}),
    }


def _sample_value(name: str, prop: Mapping[str, Any]) -> Any:
    if prop.get("examples"):
        return prop["examples"][0]
    if "default" in prop:
        return prop["default"]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return 1
    if kind == "array":
        return []
    if kind == "object":
        return {k: _sample_value(k, p) for k, p in (prop.get("properties") or {}).items()}
    if prop.get("format") == "date":
        return "2026-01-05"
    if name.endswith("_unit"):
        return "19753"
    title = str(prop.get("title") or name)
    return f"[{title}]"


def sample_form(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Sample e-form data: every field filled (examples, defaults, else its title in brackets)."""
    return {name: _sample_value(name, prop) for name, prop in (schema.get("properties") or {}).items()}


def sample_context(
    *,
    template: DocumentTemplate,
    version: Any = None,
    form_schema: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Sample data for a preview and for the verifier: the template's version's e-form filled with samples."""
    version = version if version is not None else template.version
    schema = form_schema if form_schema is not None else (getattr(version, "form_schema", None) or {})
    data = sample_form(schema)
    today = timezone.localdate()
    procedure = getattr(version, "procedure", None)
    return {
        "kind": template.kind,
        "agency": {"name": "Ủy ban nhân dân phường Phú Xuân", "superior": "", "code": "000.00.00.H57"},
        "number": "",
        "place": settings.MOTCUA_DOCUMENT_PLACE,
        "issued_on": _issued(today),
        "verify_url": "http://127.0.0.1:8000/xac-thuc/MAU-XEM-TRUOC",
        "signer": asdict(Signer("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Mẫu")),
        "dossier": {
            "code": "000.00.00.H57-260105-0001",
            "applicant_name": "Trần Thị Mẫu",
            "applicant_id_number": "046190000001",
            "applicant_address": "12 Lê Lợi, phường Phú Xuân, thành phố Huế",
            "concerned_name": "",
            "concerned_id_number": "",
            "summary": "",
            "receiving_agency": "Trung tâm Phục vụ hành chính công phường Phú Xuân",
            "received_on": f"{today:%d/%m/%Y}",
            "appointment": f"{today:%d/%m/%Y}",
        },
        "procedure": {
            "code": getattr(procedure, "code", "0.000000"),
            "name": getattr(procedure, "name", "Thủ tục mẫu"),
            "result_name": getattr(version, "result_name", "Kết quả giải quyết"),
        },
        "form": data,
        "fields": form_fields(schema, data),
        "extra": dict(
            extra or {"reason": "[Lý do]", "new_date": f"{today:%d/%m/%Y}", "old_date": f"{today:%d/%m/%Y}"}
        ),
    }


def template_for(*, dossier: Any, kind: str) -> DocumentTemplate | None:
    """The template of ``kind`` for ``dossier``: its version's, else the latest earlier version's of the same
    procedure (a new version keeps its predecessor's document until it gets its own), else the shared one."""
    version = dossier.procedure_version
    own = (
        DocumentTemplate.objects.filter(
            kind=kind, version__procedure_id=version.procedure_id, version__number__lte=version.number
        )
        .order_by("-version__number")
        .first()
    )
    if own is not None:
        return own
    return DocumentTemplate.objects.filter(kind=kind, version__isnull=True).first()


__all__ = [
    "DocumentKind",
    "Signer",
    "agency_symbol",
    "context_for_dossier",
    "date_text",
    "form_fields",
    "full_symbol",
    "sample_context",
    "sample_form",
    "template_for",
]
