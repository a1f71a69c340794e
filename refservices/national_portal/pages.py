"""Citizen pages of the reference portal (Vietnamese, no script): submit a dossier, follow its status.

The submission form is built from the procedure's record in procedures.json (``BieuMau``: motcua's
sample e-form fields; ``TepDinhKem``: the documents uploaded as files), so that what a citizen submits
here passes motcua's intake validation.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from flask import Flask, abort, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from ..idp import citizens
from . import catalog, protocol, submissions
from .app import Config, answer
from .store import Store

# File kinds accepted, recognised by their first bytes (the name and the browser's type are not trusted).
MAGIC = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
)
ID_NUMBER = re.compile(r"[0-9]{12}")
PHONE = re.compile(r"[0-9+ ]{9,15}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# motcua's e-form check refuses longer strings where the schema sets no maxLength (catalog/forms.py).
DEFAULT_MAX_LENGTH = 1000
# The person fields: (name, label, required, min and max length, pattern, message when the pattern fails);
# the lengths and patterns are those of the applicant fields of motcua's sample e-forms.
PERSON_FIELDS: tuple[tuple[str, str, bool, int, int, re.Pattern[str] | None, str], ...] = (
    ("ChuHoSo", "Họ, chữ đệm và tên người nộp hồ sơ", True, 2, 100, None, ""),
    (
        "MaDoiTuong",
        "Số định danh cá nhân",
        True,
        12,
        12,
        ID_NUMBER,
        "Số định danh cá nhân gồm 12 chữ số.",
    ),
    ("SoDienThoai", "Số điện thoại", False, 9, 15, PHONE, "Số điện thoại gồm 9 đến 15 chữ số."),
    ("Email", "Thư điện tử", False, 3, 254, EMAIL, "Địa chỉ thư điện tử không đúng định dạng."),
    ("DiaChi", "Địa chỉ nơi cư trú", True, 5, 300, None, ""),
)

SUBMISSION_OUTCOMES = {
    "": "Chờ cơ quan có thẩm quyền tiếp nhận",
    "synced": "Cơ quan có thẩm quyền đã tiếp nhận",
    "rejected": "Bị từ chối tiếp nhận",
}


def shown_stamp(value: str) -> str:
    """``yyyyMMddHHmmss`` as ``dd/mm/yyyy HH:MM`` (anything else unchanged)."""
    moment = protocol.parse_stamp(value or "")
    return moment.strftime("%d/%m/%Y %H:%M") if moment else (value or "")


def file_kind(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, label in MAGIC:
        if head.startswith(magic):
            return content_type, label
    return None


@dataclass
class FormInput:
    """What the citizen typed, the errors per field and, when valid, the submission to store."""

    values: dict[str, str]
    errors: dict[str, str]
    fields: dict[str, Any]
    files: list[submissions.UploadedFile]


def _form_value(definition: dict[str, Any], raw: str, units: set[str]) -> tuple[Any, str]:
    """The e-form value of one field from its text, or an error message (Vietnamese)."""
    title = definition["title"]
    kind = definition.get("type", "string")
    if kind == "boolean":
        return raw == "1", ""
    raw = raw.strip()
    if not raw:
        return None, f"Vui lòng nhập {title[0].lower()}{title[1:]}." if definition.get("required") else ""
    if CONTROL.search(raw):
        return None, f"{title}: không được chứa ký tự điều khiển."
    if kind == "integer":
        if not re.fullmatch(r"-?[0-9]+", raw):
            return None, f"{title} phải là số nguyên."
        number = int(raw)
        if "minimum" in definition and number < definition["minimum"]:
            return None, f"{title} không được nhỏ hơn {definition['minimum']}."
        if "maximum" in definition and number > definition["maximum"]:
            return None, f"{title} không được lớn hơn {definition['maximum']}."
        return number, ""
    if definition.get("format") == "date":
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return None, f"{title} phải là ngày có thật (ngày/tháng/năm)."
        if day > date.today():
            return None, f"{title} không được sau ngày hôm nay."
        return day.isoformat(), ""
    if "enum" in definition and raw not in definition["enum"]:
        return None, f"{title}: hãy chọn một trong {', '.join(definition['enum'])}."
    if definition.get("options") == "DonViHanhChinh" and raw not in units:
        return None, f"{title}: hãy chọn một xã, phường trong danh sách."
    if "minLength" in definition and len(raw) < definition["minLength"]:
        return None, f"{title} phải có ít nhất {definition['minLength']} ký tự."
    max_length = definition.get("maxLength", DEFAULT_MAX_LENGTH)
    if len(raw) > max_length:
        return None, f"{title} không được dài quá {max_length} ký tự."
    if "pattern" in definition and not re.search(definition["pattern"], raw):
        return None, f"{title} không đúng định dạng."
    return raw, ""


def _upload(
    upload: FileStorage | None, document: dict[str, Any], max_bytes: int
) -> tuple[submissions.UploadedFile | None, str]:
    title = document["Ten"]
    if upload is None or not upload.filename:
        return None, f"Vui lòng đính kèm: {title}." if document["BatBuoc"] else ""
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        return None, f"{title}: tệp quá lớn, tối đa {max_bytes // (1024 * 1024)} MB."
    if not data:
        return None, f"{title}: tệp rỗng, hãy chọn lại tệp."
    kind = file_kind(data[:16])
    if kind is None:
        return None, f"{title}: chỉ nhận tệp PDF, JPEG hoặc PNG (nội dung tệp không thuộc các loại này)."
    name = PurePath(upload.filename.replace("\\", "/")).name[:200] or f"{document['Ma']}.{kind[1].lower()}"
    return submissions.UploadedFile(name=name, component=document["Ma"], content_type=kind[0], data=data), ""


def read_form(procedure: dict[str, Any], form: Any, files: Any, max_bytes: int) -> FormInput:
    units = {unit["Ma"] for unit in catalog.units()}
    values = {key: str(value) for key, value in form.items()}
    errors: dict[str, str] = {}
    person: dict[str, str] = {}
    for name, label, required, min_length, max_length, pattern, pattern_message in PERSON_FIELDS:
        value = person[name] = values.get(name, "").strip()
        if not value:
            if required:
                errors[name] = f"Vui lòng nhập {label[0].lower()}{label[1:]}."
        elif CONTROL.search(value):
            errors[name] = f"{label}: không được chứa ký tự điều khiển."
        elif len(value) > max_length:
            errors[name] = f"{label} không được dài quá {max_length} ký tự."
        elif pattern is not None and not pattern.fullmatch(value):
            errors[name] = pattern_message
        elif len(value) < min_length:
            errors[name] = f"{label} phải có ít nhất {min_length} ký tự."
    data: dict[str, Any] = {}
    for definition in procedure["BieuMau"]:
        name = definition["name"]
        if "from" in definition:
            if person.get(definition["from"]):
                data[name] = person[definition["from"]]
            continue
        value, error = _form_value(definition, values.get(f"bm_{name}", ""), units)
        if error:
            errors[f"bm_{name}"] = error
        elif value is not None:
            data[name] = value
    uploads: list[submissions.UploadedFile] = []
    for document in procedure["TepDinhKem"]:
        upload, error = _upload(files.get(f"tep_{document['Ma']}"), document, max_bytes)
        if error:
            errors[f"tep_{document['Ma']}"] = error
        elif upload is not None:
            uploads.append(upload)
    summary = values.get("TrichYeuHoSo", "").strip() or f"{procedure['TenTTHC']} - {person['ChuHoSo']}"
    fields = {
        **person,
        "MaTTHC": procedure["MaTTHC"],
        "LoaiDoiTuong": "1",
        "TrichYeuHoSo": summary[:500],
        "DuLieuBieuMau": data,
    }
    return FormInput(values=values, errors=errors, fields=fields, files=uploads)


def prefilled(citizen_id: str) -> dict[str, str]:
    citizen = citizens.find(citizen_id) if citizen_id else None
    if citizen is None:
        return {}
    return {
        "ChuHoSo": citizen.full_name,
        "MaDoiTuong": citizen.national_id,
        "SoDienThoai": citizen.phone,
        "DiaChi": citizen.address["formatted"],
    }


def dossier_rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every dossier the portal knows: submissions made here and dossiers motcua synchronised."""
    rows: list[dict[str, Any]] = []
    linked: set[str] = set()
    for row in db.execute(
        "SELECT s.*, d.status AS dossier_status, d.updated_at AS dossier_updated FROM submission s"
        " LEFT JOIN dossier d ON d.ma_ho_so = s.ma_ho_so AND s.ma_ho_so != '' ORDER BY s.id DESC"
    ):
        record = json.loads(row["record"])
        if row["ma_ho_so"]:
            linked.add(row["ma_ho_so"])
        status = row["dossier_status"]
        rows.append(
            {
                "code": row["code"],
                "local_code": row["ma_ho_so"],
                "procedure": record.get("MaTTHC", ""),
                "owner": record.get("ChuHoSo", ""),
                "status": protocol.STATUS_NAMES[status] if status else SUBMISSION_OUTCOMES[row["outcome"]],
                "submitted": shown_stamp(row["submitted_at"]),
            }
        )
    for row in db.execute("SELECT * FROM dossier ORDER BY updated_at DESC"):
        if row["ma_ho_so"] in linked:
            continue
        record = json.loads(row["record"])
        rows.append(
            {
                "code": row["ma_ho_so"],
                "local_code": row["ma_ho_so"],
                "procedure": record.get("MaTTHC", ""),
                "owner": record.get("ChuHoSo", ""),
                "status": protocol.STATUS_NAMES[row["status"]],
                "submitted": shown_stamp(record.get("NgayNopHoSo") or record.get("NgayTiepNhan") or ""),
            }
        )
    return rows


def dossier_detail(db: sqlite3.Connection, code: str) -> dict[str, Any] | None:
    submission = db.execute("SELECT * FROM submission WHERE code = ?", (code,)).fetchone()
    local_code = submission["ma_ho_so"] if submission is not None else code
    sync: dict[str, Any] | None = None
    if local_code:
        try:
            sync = protocol.lookup_dossier(db, local_code)
        except protocol.Invalid:
            sync = None
    if submission is None and sync is None:
        return None
    detail: dict[str, Any] = {"code": code, "sync": sync, "submission": None}
    if submission is not None:
        record = json.loads(submission["record"])
        files = db.execute(
            "SELECT name, component, size, sha256 FROM attachment WHERE submission_code = ?"
            " ORDER BY position",
            (code,),
        ).fetchall()
        detail["submission"] = {
            "record": record,
            "outcome": submission["outcome"],
            "outcome_text": SUBMISSION_OUTCOMES[submission["outcome"]],
            "acknowledged_at": shown_stamp(submission["acknowledged_at"]),
            "reason": submission["reason"],
            "local_code": submission["ma_ho_so"],
            "submitted": shown_stamp(submission["submitted_at"]),
            "files": [dict(row) for row in files],
        }
    return detail


def register_pages(app: Flask, config: Config, store: Store) -> None:
    app.jinja_env.filters["ngay"] = shown_stamp

    @app.context_processor
    def common() -> dict[str, Any]:
        return {
            "status_names": protocol.STATUS_NAMES,
            "rating_names": protocol.RATING_NAMES,
            "procedure_names": {code: record["TenTTHC"] for code, record in catalog.procedures().items()},
        }

    @app.get("/")
    def index() -> str:
        return render_template("index.html", procedures=list(catalog.procedures().values()))

    @app.route("/nop-ho-so/<code>/", methods=["GET", "POST"])
    def submit(code: str) -> Any:
        procedure = catalog.procedures().get(code)
        if procedure is None:
            abort(404)
        context = {
            "procedure": procedure,
            "citizens": citizens.CITIZENS,
            "units": catalog.units(),
            "max_mb": config.max_file_bytes // (1024 * 1024),
        }
        if request.method == "GET":
            values = prefilled(request.args.get("cong-dan", ""))
            return render_template("submit.html", values=values, errors={}, **context)
        entered = read_form(procedure, request.form, request.files, config.max_file_bytes)
        if entered.errors:
            return render_template(
                "submit.html", values=entered.values, errors=entered.errors, **context
            ), 400
        with store.write() as db:
            national_code = submissions.create_submission(
                db, province=config.province, fields=entered.fields, files=entered.files
            )
        return redirect(f"{url_for('dossier', code=national_code)}?da-nop=1", code=303)

    @app.get("/ho-so/")
    def dossiers() -> str:
        with store.read() as db:
            rows = dossier_rows(db)
        return render_template("dossiers.html", rows=rows)

    @app.get("/ho-so/<code>/")
    def dossier(code: str) -> str:
        with store.read() as db:
            detail = dossier_detail(db, code)
        if detail is None:
            abort(404)
        return render_template(
            "dossier.html", detail=detail, just_submitted=request.args.get("da-nop") == "1"
        )

    @app.errorhandler(404)
    def not_found(error: Any) -> Any:
        if request.path.startswith(("/api/", "/_test/")):
            return answer(protocol.UNKNOWN_SERVICE, "Không có dịch vụ này.", 404)
        return render_template("error.html", message="Không tìm thấy trang hoặc hồ sơ này."), 404

    @app.errorhandler(413)
    def too_large(error: Any) -> Any:
        message = "Tổng dung lượng gửi lên quá lớn, hãy giảm số hoặc kích thước tệp."
        return render_template("error.html", message=message), 413
