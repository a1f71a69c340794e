"""Citizen submissions on the portal (hồ sơ nộp trên Cổng) and their files, until motcua pulls them."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from .protocol import now_vn, stamp

# The fields of a submission as LayHoSoMoi lists them (minus the portal code and the files).
SUBMISSION_FIELDS = (
    "MaTTHC",
    "ChuHoSo",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "SoDienThoai",
    "Email",
    "DiaChi",
    "TrichYeuHoSo",
    "NgayNopHoSo",
    "DuLieuBieuMau",
)


@dataclass(frozen=True)
class UploadedFile:
    name: str
    component: str  # MaThanhPhanHoSo: the code of the required document in the procedure
    content_type: str
    data: bytes
    # A test may announce a wrong size or digest to see the client's checks fail.
    declared_size: int | None = None
    declared_sha256: str = ""


def create_submission(
    db: sqlite3.Connection, *, province: str, fields: dict[str, Any], files: list[UploadedFile]
) -> str:
    """Store a submission and its files; the portal code is ``QG.<province>-<yyMMdd>-<number>``."""
    record = {name: fields.get(name, "") for name in SUBMISSION_FIELDS}
    record["LoaiDoiTuong"] = record["LoaiDoiTuong"] or "1"
    record["DuLieuBieuMau"] = record["DuLieuBieuMau"] or {}
    record["NgayNopHoSo"] = record["NgayNopHoSo"] or stamp()
    cursor = db.execute(
        "INSERT INTO submission (province, record, submitted_at) VALUES (?, ?, ?)",
        (province, json.dumps(record, ensure_ascii=False), record["NgayNopHoSo"]),
    )
    number = cursor.lastrowid
    code = f"QG.{province}-{now_vn():%y%m%d}-{number:06d}"
    db.execute("UPDATE submission SET code = ? WHERE id = ?", (code, number))
    for position, upload in enumerate(files):
        digest = hashlib.sha256(upload.data).hexdigest()
        db.execute(
            "INSERT INTO attachment VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                secrets.token_hex(16),
                code,
                position,
                upload.name,
                upload.component,
                upload.content_type,
                len(upload.data),
                digest,
                len(upload.data) if upload.declared_size is None else upload.declared_size,
                upload.declared_sha256 or digest,
                upload.data,
            ),
        )
    return code


def _files(db: sqlite3.Connection, code: str, base_url: str) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT id, name, component, declared_size, declared_sha256 FROM attachment"
        " WHERE submission_code = ? ORDER BY position",
        (code,),
    )
    return [
        {
            "TepDinhKemId": row["id"],
            "TenTepDinhKem": row["name"],
            "MaThanhPhanHoSo": row["component"],
            "KichThuoc": row["declared_size"],
            "MaBam": row["declared_sha256"],
            "DuongDanTaiTep": f"{base_url.rstrip('/')}/api/tep/{row['id']}",
        }
        for row in rows
    ]


def as_listed(db: sqlite3.Connection, row: sqlite3.Row, base_url: str) -> dict[str, Any]:
    return {
        "MaHoSoQuocGia": row["code"],
        **json.loads(row["record"]),
        "TaiLieuNop": _files(db, row["code"], base_url),
    }


def pending(db: sqlite3.Connection, *, province: str, limit: int, base_url: str) -> list[dict[str, Any]]:
    """LayHoSoMoi: the province's submissions not yet acknowledged, oldest first."""
    rows = db.execute(
        "SELECT * FROM submission WHERE province = ? AND outcome = '' ORDER BY id LIMIT ?", (province, limit)
    ).fetchall()
    return [as_listed(db, row, base_url) for row in rows]


def file_content(db: sqlite3.Connection, file_id: str) -> sqlite3.Row | None:
    return db.execute("SELECT name, content_type, data FROM attachment WHERE id = ?", (file_id,)).fetchone()
