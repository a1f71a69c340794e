"""Document templates as a file (YAML, format ``motcua-documents/1``), beside the procedure catalog's file.

Templates are catalog data: an administrator changes one by importing a file (``motcua documents import``)
or in the admin, never by a deploy. A template names its procedure version by the procedure's code and the
version's number; the shared ones (stop notice, apology, generic result) name none::

    format: motcua-documents/1
    templates:
    - kind: result            # result | stop_notice | apology
      procedure: '1.001193'   # with version: the template of that procedure version
      version: 1
      name: Giấy khai sinh
      title: GIẤY KHAI SINH
      symbol: GKS
      legal_basis: Thông tư 04/2024/TT-BTP
      body: |
        Họ, chữ đệm, tên:: {{ form.child_name | upper }}
      recipients: |
        - Người yêu cầu;

Import is all or nothing: every template must name a known version and fill with sample data built from
that version's e-form (the verifier's ``document.template`` check), else the file is refused with each
problem and its line. Importing the same file twice changes nothing; the export reads back identically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.interchange import CatalogFormatError, Problem, load
from motcua.catalog.interchange.values import line_of
from motcua.catalog.interchange.writing import dumps
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError

from .documents import fill, sample_context
from .models import DocumentKind, DocumentTemplate

FORMAT = "motcua-documents/1"
SAMPLE_TEMPLATES = Path(__file__).resolve().parent / "data" / "hue-documents.yaml"
_TEXT_FIELDS = ("name", "title", "symbol", "body", "recipients", "legal_basis")
_REQUIRED = ("kind", "name", "title", "symbol", "body")
_KEYS = frozenset(("kind", "procedure", "version", *_TEXT_FIELDS))


def _parse(text: str) -> list[tuple[int, dict[str, Any], ProcedureVersion | None]]:
    document = load(text)
    problems: list[Problem] = []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CatalogFormatError(
            [Problem(1, _("tệp mẫu văn bản phải có 'format: %(format)s'") % {"format": FORMAT})]
        )
    items = document.get("templates")
    if not isinstance(items, list):
        raise CatalogFormatError([Problem(line_of(document), _("thiếu danh sách 'templates'"))])
    versions: dict[tuple[str, Any], ProcedureVersion] = {
        (v.procedure.code, v.number): v
        for v in ProcedureVersion.objects.select_related("procedure").filter(
            procedure__code__in=[str(i.get("procedure")) for i in items if isinstance(i, dict)]
        )
    }
    entries: list[tuple[int, dict[str, Any], ProcedureVersion | None]] = []
    seen: set[tuple[Any, str]] = set()
    for item in items:
        line = line_of(item)
        if not isinstance(item, dict):
            problems.append(Problem(line, _("mỗi mẫu văn bản phải là một bảng khóa–giá trị")))
            continue
        unknown = sorted(set(item) - _KEYS)
        if unknown:
            problems.append(Problem(line, _("khóa không biết: %(keys)s") % {"keys": ", ".join(unknown)}))
        missing = [key for key in _REQUIRED if not str(item.get(key) or "").strip()]
        if missing:
            problems.append(Problem(line, _("thiếu %(keys)s") % {"keys": ", ".join(missing)}))
            continue
        if item["kind"] not in DocumentKind.values:
            problems.append(
                Problem(
                    line_of(item, "kind"),
                    _("loại văn bản '%(kind)s' không có (có: %(known)s)")
                    % {"kind": item["kind"], "known": ", ".join(DocumentKind.values)},
                )
            )
            continue
        version = None
        if item.get("procedure") is not None or item.get("version") is not None:
            version = versions.get((str(item.get("procedure")), item.get("version")))
            if version is None:
                problems.append(
                    Problem(
                        line_of(item, "procedure"),
                        _("không có thủ tục %(code)s phiên bản %(number)s")
                        % {"code": item.get("procedure"), "number": item.get("version")},
                    )
                )
                continue
        key = (version.pk if version else None, item["kind"])
        if key in seen:
            problems.append(Problem(line, _("mẫu văn bản lặp lại cho cùng phiên bản và loại")))
            continue
        seen.add(key)
        values = {field: str(item.get(field) or "") for field in _TEXT_FIELDS}
        values["kind"] = item["kind"]
        probe = DocumentTemplate(version=version, **values)
        try:
            fill(template=probe, context=sample_context(template=probe))
        except DomainError as exc:
            problems.append(Problem(line, str(exc)))
            continue
        entries.append((line, values, version))
    if problems:
        raise CatalogFormatError(problems)
    return entries


@transaction.atomic
def import_templates(*, text: str | None = None, path: str | Path | None = None) -> dict[str, int]:
    """Create or update the file's templates (all or nothing); returns how many were created / updated."""
    if text is None:
        if path is None:
            raise ValueError("import_templates needs text or path")
        text = Path(path).read_text(encoding="utf-8")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _line, values, version in _parse(text):
        current = DocumentTemplate.objects.filter(version=version, kind=values["kind"]).first()
        if current is None:
            DocumentTemplate.objects.create(version=version, **values)
            counts["created"] += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def import_sample_templates() -> dict[str, int]:
    """The Huế demo's result documents, stop notice and apology (after the sample catalog)."""
    return import_templates(path=SAMPLE_TEMPLATES)


def _dump(template: DocumentTemplate) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": template.kind}
    if template.version is not None:
        entry["procedure"] = template.version.procedure.code
        entry["version"] = template.version.number
    for field in _TEXT_FIELDS:
        value = getattr(template, field)
        if value or field in _REQUIRED:
            entry[field] = value
    return entry


def export_templates() -> str:
    """Every template in the file format; importing it back changes nothing."""
    templates = DocumentTemplate.objects.select_related("version__procedure").order_by(
        "version__procedure__code", "version__number", "kind"
    )
    shared = [t for t in templates if t.version is None]
    own = [t for t in templates if t.version is not None]
    return dumps({"format": FORMAT, "templates": [_dump(t) for t in shared + own]})


__all__ = ["FORMAT", "SAMPLE_TEMPLATES", "export_templates", "import_sample_templates", "import_templates"]
