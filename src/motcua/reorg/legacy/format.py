"""The legacy export format ``motcua-legacy/1`` (docs/legacy-import.md): a directory with ``manifest.json``,
four JSON-lines files and ``files/``. This module reads it and checks each row on its own (fields, types,
dates, values); references between rows and to this system are checked by ``importer``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

FORMAT = "motcua-legacy/1"
MANIFEST = "manifest.json"
AGENCIES, DOSSIERS, EVENTS, ATTACHMENTS = (
    "agencies.jsonl",
    "dossiers.jsonl",
    "events.jsonl",
    "attachments.jsonl",
)
DATA_FILES = (AGENCIES, DOSSIERS, EVENTS, ATTACHMENTS)
FILES_DIR = "files"

# Levels of the old three-tier system (tỉnh, huyện, xã) and the kinds of old agencies.
LEVELS = ("tinh", "huyen", "xa")
AGENCY_KINDS = ("ubnd", "so", "phong")
# Final statuses of an old dossier: result returned, refused (stopped after review), withdrawn.
STATUSES = ("da_tra_ket_qua", "tu_choi", "rut_ho_so")
# What happened to an old dossier, in the old system's words.
EVENT_KINDS = (
    "nop",
    "tiep_nhan",
    "chuyen_xu_ly",
    "yeu_cau_bo_sung",
    "bo_sung",
    "co_ket_qua",
    "tra_ket_qua",
    "tu_choi",
    "rut_ho_so",
)
ATTACHMENT_KINDS = ("submitted", "result")

_TEXT, _DATE, _MOMENT, _INT = "text", "date", "moment", "int"
# field -> (type, required, max length)
_FIELDS: dict[str, dict[str, tuple[str, bool, int]]] = {
    AGENCIES: {
        "code": (_TEXT, True, 40),
        "name": (_TEXT, True, 255),
        "level": (_TEXT, True, 8),
        "kind": (_TEXT, True, 8),
        "unit_code": (_TEXT, True, 8),
        "valid_from": (_DATE, False, 0),
        "valid_to": (_DATE, True, 0),
        "parent_code": (_TEXT, False, 40),
        "successor_code": (_TEXT, False, 40),
    },
    DOSSIERS: {
        "code": (_TEXT, True, 80),
        "procedure_code": (_TEXT, True, 60),
        "agency_code": (_TEXT, True, 40),
        "applicant_name": (_TEXT, True, 200),
        "applicant_id_number": (_TEXT, False, 20),
        "applicant_phone": (_TEXT, False, 20),
        "address": (_TEXT, False, 255),
        "unit_code": (_TEXT, False, 8),
        "summary": (_TEXT, False, 500),
        "received_at": (_MOMENT, True, 0),
        "appointment_at": (_MOMENT, True, 0),
        "finished_at": (_MOMENT, True, 0),
        "status": (_TEXT, True, 16),
    },
    EVENTS: {
        "dossier_code": (_TEXT, True, 80),
        "seq": (_INT, True, 0),
        "at": (_MOMENT, True, 0),
        "kind": (_TEXT, True, 24),
        "agency_code": (_TEXT, False, 40),
        "actor": (_TEXT, False, 200),
        "note": (_TEXT, False, 2000),
        "appointment_at": (_MOMENT, False, 0),
    },
    ATTACHMENTS: {
        "dossier_code": (_TEXT, True, 80),
        "path": (_TEXT, True, 400),
        "name": (_TEXT, True, 255),
        "kind": (_TEXT, True, 12),
        "sha256": (_TEXT, True, 64),
        "size": (_INT, True, 0),
    },
}
_CHOICES = {
    (AGENCIES, "level"): LEVELS,
    (AGENCIES, "kind"): AGENCY_KINDS,
    (DOSSIERS, "status"): STATUSES,
    (EVENTS, "kind"): EVENT_KINDS,
    (ATTACHMENTS, "kind"): ATTACHMENT_KINDS,
}


@dataclass(frozen=True)
class RowError:
    """One problem of one row, as the report lists it (the message in Vietnamese)."""

    file: str
    line: int
    field: str
    message: str
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class Row:
    """A row that passed its own checks: the values parsed (dates as ``date``, moments as aware datetimes)."""

    file: str
    line: int
    values: dict[str, Any]
    sha256: str  # of the line as exported: two rows with one key are identical when their checksums are

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class Manifest:
    format: str
    source: str
    exported_at: dt.datetime
    province_code: str
    files: dict[str, dict[str, Any]]  # file -> {"rows": n, "sha256": hex}
    sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(directory: Path) -> tuple[Manifest | None, list[RowError]]:
    """The manifest and the problems of the export as a whole (format, counts and checksums of data files).

    A problem here stops the import before any row is read: the files are not the ones the manifest lists."""
    path = directory / MANIFEST
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except FileNotFoundError:
        return None, [RowError(MANIFEST, 0, "", _("Không có tệp kê khai manifest.json trong thư mục."))]
    except ValueError:
        return None, [RowError(MANIFEST, 0, "", _("Tệp kê khai không phải JSON hợp lệ."))]
    errors: list[RowError] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, [
            RowError(MANIFEST, 0, "format", _("Định dạng phải là %(format)s.") % {"format": FORMAT})
        ]
    exported_at = parse_moment(data.get("exported_at"))
    source = data.get("source")
    province_code = data.get("province_code")
    files = data.get("files")
    if not isinstance(source, str) or not source.strip() or len(source) > 120:
        errors.append(RowError(MANIFEST, 0, "source", _("Thiếu tên hệ thống nguồn (tối đa 120 ký tự).")))
    if exported_at is None:
        errors.append(RowError(MANIFEST, 0, "exported_at", _("Ngày xuất dữ liệu không hợp lệ.")))
    if not isinstance(province_code, str) or not province_code.isdigit() or len(province_code) != 2:
        errors.append(RowError(MANIFEST, 0, "province_code", _("Mã tỉnh phải gồm 2 chữ số.")))
    if not isinstance(files, dict):
        errors.append(RowError(MANIFEST, 0, "files", _("Thiếu danh sách tệp dữ liệu.")))
        files = {}
    for name in DATA_FILES:
        listed = files.get(name)
        if not isinstance(listed, dict):
            errors.append(
                RowError(MANIFEST, 0, name, _("Tệp kê khai không liệt kê tệp %(file)s.") % {"file": name})
            )
            continue
        data_path = directory / name
        if not data_path.is_file():
            errors.append(RowError(name, 0, "", _("Không có tệp dữ liệu %(file)s.") % {"file": name}))
            continue
        if file_sha256(data_path) != listed.get("sha256"):
            errors.append(
                RowError(name, 0, "sha256", _("Mã kiểm tra SHA-256 của tệp không khớp với tệp kê khai."))
            )
        lines = _count_lines(data_path)
        if lines != listed.get("rows"):
            errors.append(
                RowError(
                    name,
                    0,
                    "rows",
                    _("Tệp có %(found)s dòng, tệp kê khai ghi %(listed)s.")
                    % {"found": lines, "listed": listed.get("rows")},
                )
            )
    if errors:
        return None, errors
    assert exported_at is not None and isinstance(source, str) and isinstance(province_code, str)
    manifest = Manifest(
        format=FORMAT,
        source=source.strip(),
        exported_at=exported_at,
        province_code=province_code,
        files=files,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    return manifest, []


def write_manifest(
    directory: Path, *, source: str, exported_at: dt.datetime, province_code: str
) -> dict[str, Any]:
    """Write ``manifest.json`` for the data files in ``directory`` (their rows and checksums)."""
    files = {
        name: {"rows": _count_lines(directory / name), "sha256": file_sha256(directory / name)}
        for name in DATA_FILES
    }
    manifest = {
        "format": FORMAT,
        "source": source,
        "exported_at": exported_at.isoformat(),
        "province_code": province_code,
        "files": files,
    }
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def read_rows(directory: Path, name: str) -> Iterator[tuple[Row | None, list[RowError]]]:
    """Each non-empty line of ``name`` checked on its own: the row, or None with its errors."""
    with (directory / name).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            yield check_row(name, number, raw)


def check_row(name: str, number: int, raw: bytes) -> tuple[Row | None, list[RowError]]:
    try:
        data = json.loads(raw)
    except ValueError:
        return None, [RowError(name, number, "", _("Dòng không phải JSON hợp lệ."))]
    if not isinstance(data, dict):
        return None, [RowError(name, number, "", _("Dòng phải là một đối tượng JSON."))]
    key = str(data.get("code") or data.get("dossier_code") or "")[:80]
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for field, (kind, required, length) in _FIELDS[name].items():
        value = data.get(field)
        if value is None or value == "":
            if required:
                errors.append(RowError(name, number, field, _("Thiếu giá trị bắt buộc."), key))
            values[field] = None if kind != _TEXT else ""
            continue
        parsed, message = _parse(kind, value, length)
        if message:
            errors.append(RowError(name, number, field, message, key))
            continue
        choices = _CHOICES.get((name, field))
        if choices is not None and parsed not in choices:
            errors.append(
                RowError(
                    name,
                    number,
                    field,
                    _("Giá trị %(value)s không thuộc danh mục (%(choices)s).")
                    % {"value": parsed, "choices": ", ".join(choices)},
                    key,
                )
            )
            continue
        values[field] = parsed
    if errors:
        return None, errors
    return Row(name, number, values, hashlib.sha256(raw.strip()).hexdigest()), []


def _parse(kind: str, value: Any, length: int) -> tuple[Any, str]:
    if kind == _TEXT:
        if not isinstance(value, str):
            return None, _("Phải là chuỗi ký tự.")
        text = value.strip()
        if len(text) > length:
            return None, _("Dài quá %(length)s ký tự.") % {"length": length}
        if any(ord(ch) < 32 for ch in text):
            return None, _("Có ký tự điều khiển không hợp lệ.")
        return text, ""
    if kind == _INT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None, _("Phải là số nguyên không âm.")
        return value, ""
    if kind == _DATE:
        try:
            return dt.date.fromisoformat(str(value)), ""
        except ValueError:
            return None, _("Ngày phải có dạng YYYY-MM-DD.")
    moment = parse_moment(value)
    if moment is None:
        return None, _("Thời điểm phải có dạng ISO 8601 kèm múi giờ (2024-03-05T08:30:00+07:00).")
    return moment, ""


def parse_moment(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
