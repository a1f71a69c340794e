"""The portal's services: validation of each record and its effect on the store, one transaction a call.

Error codes (every answer carries one): 00 ok, 01 bad credentials, 02 session missing or expired,
03 invalid field, 04 illegal status transition or out of order, 05 unknown dossier / procedure,
06 unknown service; 99 is the simulated server failure of the fault switches.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"

OK = "00"
BAD_CREDENTIALS = "01"
NO_SESSION = "02"
INVALID = "03"
ILLEGAL = "04"
UNKNOWN = "05"
UNKNOWN_SERVICE = "06"
SERVER_ERROR = "99"

# Dossier statuses as the national portal sees them (shared/reference/legal.md, "Dossier statuses").
STATUS_NAMES = {
    "1": "Mới đăng ký",
    "2": "Được tiếp nhận",
    "3": "Không được tiếp nhận",
    "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung",
    "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý",
    "9": "Đã xử lý xong",
    "10": "Đã trả kết quả",
}
STATUSES = tuple(STATUS_NAMES)
FIRST_STATUSES = frozenset({"1", "2", "3"})
# Legal transitions of TrangThaiHoSo (SPEC12 §4); the same status again is always legal.
TRANSITIONS: dict[str, frozenset[str]] = {
    "1": frozenset(["2", "3", "5", "7", "8"]),
    "2": frozenset(["4", "5", "6", "7", "8", "9"]),
    "3": frozenset(),
    "4": frozenset(["5", "6", "7", "8", "9"]),
    "5": frozenset(["1", "2", "3", "4", "6", "7", "8", "9"]),
    "6": frozenset(["4", "5", "7", "8", "9"]),
    "7": frozenset(["2", "4", "5", "6", "8", "9", "10"]),
    "8": frozenset(),
    "9": frozenset(["4", "10"]),
    "10": frozenset(),
}
# Date fields a status needs (SPEC12 §4). A supplement request (5) and a withdrawal request (7) may
# come before the receipt (asked at the desk, withdrawn while waiting): no reception date or appointment then.
DATES_REQUIRED_BY_STATUS: dict[str, tuple[str, ...]] = {
    "1": (),
    "2": ("NgayTiepNhan", "NgayHenTra"),
    "3": ("NgayTuChoi",),
    "4": ("NgayTiepNhan", "NgayHenTra"),
    "5": (),
    "6": ("NgayTiepNhan", "NgayHenTra"),
    "7": (),
    "8": ("NgayTiepNhan",),
    "9": ("NgayTiepNhan", "NgayKetThucXuLy"),
    "10": ("NgayTiepNhan", "NgayKetThucXuLy", "NgayTra"),
}
# Levels of motcua's SatisfactionRating (dossiers/constants.py Satisfaction): 4 very satisfied .. 1 not.
RATING_LEVELS = frozenset({"1", "2", "3", "4"})
RATING_NAMES = {"4": "Rất hài lòng", "3": "Hài lòng", "2": "Chấp nhận được", "1": "Không hài lòng"}

FLAG = frozenset({"0", "1"})
DATE_FIELDS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTraBanDau",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayTuChoi",
)


def now_vn() -> datetime:
    return datetime.now(TIMEZONE)


def stamp(moment: datetime | None = None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh."""
    return (moment or now_vn()).astimezone(TIMEZONE).strftime(DATE_FORMAT)


def parse_stamp(value: str) -> datetime | None:
    if not re.fullmatch(r"\d{14}", value):
        return None
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=TIMEZONE)
    except ValueError:
        return None


class Invalid(Exception):
    """A record (or a whole call) the portal refuses: an error code, a Vietnamese message, the field."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


# Field checks -----------------------------------------------------------------------------------


def _present(record: Mapping[str, Any], name: str) -> bool:
    value = record.get(name)
    return value is not None and value != "" and value != []


def _text(record: Mapping[str, Any], name: str, *, required: bool = False, prefix: str = "") -> str:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(INVALID, f"Thiếu trường bắt buộc {prefix}{name}.", prefix + name)
        return ""
    if not isinstance(value, str):
        raise Invalid(INVALID, f"Trường {prefix}{name} phải là chuỗi ký tự.", prefix + name)
    if required and not value.strip():
        raise Invalid(INVALID, f"Thiếu trường bắt buộc {prefix}{name}.", prefix + name)
    return value


def _choice(
    record: Mapping[str, Any],
    name: str,
    allowed: frozenset[str] | tuple[str, ...],
    *,
    required: bool = False,
    prefix: str = "",
) -> str:
    value = _text(record, name, required=required, prefix=prefix)
    if value and value not in allowed:
        shown = ", ".join(f'"{a}"' for a in sorted(allowed, key=lambda a: (len(a), a)))
        raise Invalid(INVALID, f"Trường {prefix}{name} phải là một trong {shown}.", prefix + name)
    return value


def _date(record: Mapping[str, Any], name: str, *, required: bool = False, prefix: str = "") -> str:
    value = _text(record, name, required=required, prefix=prefix)
    if value and parse_stamp(value) is None:
        raise Invalid(
            INVALID,
            f"Trường {prefix}{name} phải là ngày giờ có thật theo định dạng yyyyMMddHHmmss.",
            prefix + name,
        )
    return value


def _integer(record: Mapping[str, Any], name: str, *, required: bool = False, prefix: str = "") -> int | None:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(INVALID, f"Thiếu trường bắt buộc {prefix}{name}.", prefix + name)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(INVALID, f"Trường {prefix}{name} phải là số nguyên không âm.", prefix + name)
    return value


def _items(record: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Invalid(INVALID, f"Trường {name} phải là danh sách các đối tượng.", name)
    return value


def _key(record: Mapping[str, Any]) -> str:
    value = record.get("IdempotencyKey")
    return value if isinstance(value, str) else ""


def validate_sync_record(record: Mapping[str, Any]) -> None:
    """A DongBoHoSoMC record, field by field (the transition is checked against the store later)."""
    for name in ("IdempotencyKey", "MaHoSo", "MaTTHC", "ChuHoSo"):
        _text(record, name, required=True)
    _choice(record, "LoaiDoiTuong", ("1", "2"), required=True)
    _choice(record, "KenhNop", ("1", "2", "3"), required=True)
    status = _choice(record, "TrangThaiHoSo", STATUSES, required=True)
    _date(record, "ThoiDiemSuKien", required=True)
    _integer(record, "SoThuTuSuKien", required=True)
    for name in (
        "MaHoSoQuocGia", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "MaDoiTuong", "Email", "SoDienThoai",
        "TrichYeuHoSo", "DonViXuLy", "TenDonViXuLy", "NoiTiepNhan", "GhiChu",
    ):  # fmt: skip
        _text(record, name)
    _choice(record, "LoaiGiayTo", ("CCCD", "MST"))
    _choice(record, "HinhThucTraKetQua", ("1", "2", "3"))
    _choice(record, "XacThucVNeID", FLAG)
    required_dates = DATES_REQUIRED_BY_STATUS[status]
    for name in DATE_FIELDS:
        _date(record, name, required=name in required_dates)
    for index, item in enumerate(_items(record, "TaiLieuNop")):
        prefix = f"TaiLieuNop[{index}]."
        _text(item, "TenTepDinhKem", required=True, prefix=prefix)
        _text(item, "TepDinhKemId", prefix=prefix)
        _text(item, "MaThanhPhanHoSo", prefix=prefix)
        for flag in ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG"):
            _choice(item, flag, FLAG, prefix=prefix)
    for index, item in enumerate(_items(record, "DanhSachLePhi")):
        prefix = f"DanhSachLePhi[{index}]."
        _text(item, "TenPhiLePhi", required=True, prefix=prefix)
        _integer(item, "Gia", required=True, prefix=prefix)
        _choice(item, "DaThanhToan", FLAG, prefix=prefix)
        _choice(item, "HinhThucThanhToan", ("1", "2"), prefix=prefix)
    for index, item in enumerate(_items(record, "DanhSachHoSoBoSung")):
        prefix = f"DanhSachHoSoBoSung[{index}]."
        _text(item, "NoiDungBoSung", required=True, prefix=prefix)
        _date(item, "NgayYeuCau", required=True, prefix=prefix)
        _date(item, "NgayBoSung", prefix=prefix)
    for index, item in enumerate(_items(record, "DanhSachGiayToKetQua")):
        prefix = f"DanhSachGiayToKetQua[{index}]."
        _text(item, "TenGiayTo", required=True, prefix=prefix)
        _text(item, "GiayToId", prefix=prefix)


def validate_progress_record(record: Mapping[str, Any]) -> None:
    for name in ("IdempotencyKey", "MaHoSo", "NguoiXuLy", "NoiDungXuLy"):
        _text(record, name, required=True)
    for name in ("ChucDanh", "PhongBanXuLy"):
        _text(record, name)
    _date(record, "ThoiDiemXuLy", required=True)
    _date(record, "NgayBatDau")
    _date(record, "NgayKetThucTheoQuyDinh")
    _choice(record, "TrangThai", STATUSES, required=True)
    _integer(record, "SoThuTuSuKien", required=True)


def validate_rating_record(record: Mapping[str, Any]) -> None:
    _text(record, "IdempotencyKey", required=True)
    _text(record, "MaHoSo", required=True)
    _choice(record, "MucDoHaiLong", RATING_LEVELS, required=True)
    _text(record, "GopY")
    _date(record, "ThoiDiem", required=True)


def validate_ack_record(record: Mapping[str, Any]) -> None:
    _text(record, "IdempotencyKey", required=True)
    _text(record, "MaHoSoQuocGia", required=True)
    _choice(record, "KetQua", ("tu_choi",), required=True)
    _text(record, "LyDo", required=True)


# Services ---------------------------------------------------------------------------------------


def data_items(body: Mapping[str, Any]) -> list[Any]:
    """The ``data`` list of a batch call; a malformed call fails whole (HTTP 400, code 03)."""
    items = body.get("data")
    if not isinstance(items, list):
        raise Invalid(INVALID, "Trường data phải là danh sách bản ghi.", "data")
    return items


def _effect_exists(db: sqlite3.Connection, key: str) -> bool:
    return db.execute("SELECT 1 FROM effect WHERE key = ?", (key,)).fetchone() is not None


def _record_effect(
    db: sqlite3.Connection, service: str, key: str, ma_ho_so: str, record: Mapping[str, Any]
) -> None:
    db.execute(
        "INSERT INTO effect (key, service, ma_ho_so, record, at) VALUES (?, ?, ?, ?, ?)",
        (key, service, ma_ho_so, json.dumps(record, ensure_ascii=False), now_vn().isoformat()),
    )


def _dossier(db: sqlite3.Connection, ma_ho_so: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM dossier WHERE ma_ho_so = ?", (ma_ho_so,)).fetchone()


def _submission(db: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM submission WHERE code = ?", (code,)).fetchone()


def apply_sync(db: sqlite3.Connection, record: Mapping[str, Any]) -> None:
    """Record one DongBoHoSoMC record, or raise Invalid (its checks against the recorded state)."""
    validate_sync_record(record)
    ma_ho_so = record["MaHoSo"]
    status = record["TrangThaiHoSo"]
    seq = record["SoThuTuSuKien"]
    current = _dossier(db, ma_ho_so)
    if current is None:
        if status not in FIRST_STATUSES:
            raise Invalid(
                ILLEGAL,
                f"Hồ sơ {ma_ho_so} chưa được đồng bộ: bản ghi đầu tiên phải có trạng thái 1, 2 hoặc 3"
                f" (nhận được {status}).",
                "TrangThaiHoSo",
            )
    else:
        if seq < current["seq"]:
            raise Invalid(
                ILLEGAL,
                f"Sai thứ tự (out of order): SoThuTuSuKien {seq} nhỏ hơn {current['seq']} đã ghi nhận"
                f" cho hồ sơ {ma_ho_so}.",
                "SoThuTuSuKien",
            )
        previous = current["status"]
        if status != previous and status not in TRANSITIONS[previous]:
            raise Invalid(
                ILLEGAL,
                f"Không được chuyển trạng thái hồ sơ {ma_ho_so} từ {previous} ({STATUS_NAMES[previous]})"
                f" sang {status} ({STATUS_NAMES[status]}).",
                "TrangThaiHoSo",
            )
    national = _text(record, "MaHoSoQuocGia")
    if not national and current is not None:
        national = current["ma_ho_so_quoc_gia"]
    if national:
        submission = _submission(db, national)
        if submission is None:
            raise Invalid(UNKNOWN, f"Không có hồ sơ nộp trên Cổng mã {national}.", "MaHoSoQuocGia")
        if submission["outcome"] == "rejected":
            raise Invalid(
                ILLEGAL, f"Hồ sơ {national} đã bị từ chối tiếp nhận, không thể đồng bộ.", "MaHoSoQuocGia"
            )
        if submission["ma_ho_so"] and submission["ma_ho_so"] != ma_ho_so:
            raise Invalid(
                INVALID,
                f"Hồ sơ {national} đã gắn với mã hồ sơ {submission['ma_ho_so']}, không phải {ma_ho_so}.",
                "MaHoSoQuocGia",
            )
        if current is not None and current["ma_ho_so_quoc_gia"] not in ("", national):
            raise Invalid(
                INVALID,
                f"Hồ sơ {ma_ho_so} đã gắn với mã {current['ma_ho_so_quoc_gia']} trên Cổng.",
                "MaHoSoQuocGia",
            )
    at = now_vn().isoformat()
    encoded = json.dumps(record, ensure_ascii=False)
    if current is None:
        db.execute(
            "INSERT INTO dossier (ma_ho_so, ma_ho_so_quoc_gia, status, seq, record, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (ma_ho_so, national, status, seq, encoded, at),
        )
    else:
        db.execute(
            "UPDATE dossier SET ma_ho_so_quoc_gia = ?, status = ?, seq = ?, record = ?, updated_at = ?"
            " WHERE ma_ho_so = ?",
            (national, status, seq, encoded, at, ma_ho_so),
        )
    db.execute(
        "INSERT INTO status_history (ma_ho_so, status, seq, event_at, key, at) VALUES (?, ?, ?, ?, ?, ?)",
        (ma_ho_so, status, seq, record["ThoiDiemSuKien"], record["IdempotencyKey"], at),
    )
    if national:
        db.execute(
            "UPDATE submission SET outcome = 'synced', acknowledged_at = ?, ma_ho_so = ?"
            " WHERE code = ? AND outcome = ''",
            (stamp(), ma_ho_so, national),
        )
    _record_effect(db, "DongBoHoSoMC", record["IdempotencyKey"], ma_ho_so, record)


def apply_progress(db: sqlite3.Connection, record: Mapping[str, Any]) -> None:
    validate_progress_record(record)
    ma_ho_so = record["MaHoSo"]
    current = _dossier(db, ma_ho_so)
    if current is None:
        raise Invalid(UNKNOWN, f"Hồ sơ {ma_ho_so} chưa được đồng bộ lên Cổng (DongBoHoSoMC).", "MaHoSo")
    seq = record["SoThuTuSuKien"]
    # Progress keeps its own order: a status batch and a progress batch of one delivery interleave.
    if current["progress_seq"] is not None and seq < current["progress_seq"]:
        raise Invalid(
            ILLEGAL,
            f"Sai thứ tự (out of order): SoThuTuSuKien {seq} nhỏ hơn {current['progress_seq']} đã ghi nhận"
            f" cho tiến độ hồ sơ {ma_ho_so}.",
            "SoThuTuSuKien",
        )
    at = now_vn().isoformat()
    db.execute("UPDATE dossier SET progress_seq = ? WHERE ma_ho_so = ?", (seq, ma_ho_so))
    db.execute(
        "INSERT INTO progress (ma_ho_so, key, seq, record, at) VALUES (?, ?, ?, ?, ?)",
        (ma_ho_so, record["IdempotencyKey"], seq, json.dumps(record, ensure_ascii=False), at),
    )
    _record_effect(db, "CapNhatTienDoHoSoMC", record["IdempotencyKey"], ma_ho_so, record)


def apply_rating(db: sqlite3.Connection, record: Mapping[str, Any]) -> None:
    validate_rating_record(record)
    ma_ho_so = record["MaHoSo"]
    if _dossier(db, ma_ho_so) is None:
        raise Invalid(UNKNOWN, f"Hồ sơ {ma_ho_so} chưa được đồng bộ lên Cổng (DongBoHoSoMC).", "MaHoSo")
    db.execute(
        "INSERT INTO rating (ma_ho_so, key, record, at) VALUES (?, ?, ?, ?)",
        (ma_ho_so, record["IdempotencyKey"], json.dumps(record, ensure_ascii=False), now_vn().isoformat()),
    )
    _record_effect(db, "DanhGiaHoSo", record["IdempotencyKey"], ma_ho_so, record)


def apply_ack(db: sqlite3.Connection, record: Mapping[str, Any]) -> None:
    validate_ack_record(record)
    national = record["MaHoSoQuocGia"]
    submission = _submission(db, national)
    if submission is None:
        raise Invalid(UNKNOWN, f"Không có hồ sơ nộp trên Cổng mã {national}.", "MaHoSoQuocGia")
    if submission["outcome"] == "synced":
        raise Invalid(
            ILLEGAL,
            f"Hồ sơ {national} đã được tiếp nhận (mã {submission['ma_ho_so']}), không thể từ chối.",
            "MaHoSoQuocGia",
        )
    if submission["outcome"] == "rejected":
        raise Invalid(ILLEGAL, f"Hồ sơ {national} đã bị từ chối trước đó.", "MaHoSoQuocGia")
    db.execute(
        "UPDATE submission SET outcome = 'rejected', acknowledged_at = ?, reason = ? WHERE code = ?",
        (stamp(), record["LyDo"], national),
    )
    _record_effect(db, "XacNhanHoSoMoi", record["IdempotencyKey"], national, record)


# service name -> (how to apply one record, the field naming the dossier, the field holding the status)
BATCH_SERVICES: dict[str, tuple[Callable[[sqlite3.Connection, Mapping[str, Any]], None], str, str]] = {
    "DongBoHoSoMC": (apply_sync, "MaHoSo", "TrangThaiHoSo"),
    "CapNhatTienDoHoSoMC": (apply_progress, "MaHoSo", "TrangThai"),
    "DanhGiaHoSo": (apply_rating, "MaHoSo", "MucDoHaiLong"),
    "XacNhanHoSoMoi": (apply_ack, "MaHoSoQuocGia", "KetQua"),
}


def run_batch(db: sqlite3.Connection, service: str, items: list[Any], *, worker: str) -> list[dict[str, Any]]:
    """Apply each record in order, inside the caller's write transaction; one result per record."""
    apply, dossier_field, status_field = BATCH_SERVICES[service]
    results: list[dict[str, Any]] = []
    for item in items:
        record: Mapping[str, Any] = item if isinstance(item, dict) else {}
        key = _key(record)
        result: dict[str, Any] = {
            "IdempotencyKey": key,
            "error_code": OK,
            "message": "Thành công",
            "duplicate": False,
        }
        if not isinstance(item, dict):
            result.update(error_code=INVALID, message="Mỗi bản ghi phải là một đối tượng JSON.", field="data")
        elif key and _effect_exists(db, key):
            result.update(message="Bản ghi đã được ghi nhận trước đó (trùng IdempotencyKey).", duplicate=True)
        else:
            try:
                db.execute("SAVEPOINT record")
                apply(db, record)
                db.execute("RELEASE record")
            except Invalid as error:
                db.execute("ROLLBACK TO record")
                db.execute("RELEASE record")
                result.update(error_code=error.code, message=error.message, field=error.field)
        seq = record.get("SoThuTuSuKien")
        db.execute(
            "INSERT INTO receipt (service, key, ma_ho_so, status, seq, worker, duplicate, error_code,"
            " message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                service,
                key,
                str(record.get(dossier_field) or ""),
                str(record.get(status_field) or ""),
                seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
                worker,
                int(result["duplicate"]),
                result["error_code"],
                result["message"],
                now_vn().isoformat(),
            ),
        )
        results.append(result)
    return results


def lookup_dossier(db: sqlite3.Connection, ma_ho_so: str) -> dict[str, Any]:
    """TraCuuHoSo: the last record, the status history and the progress entries of a dossier."""
    current = _dossier(db, ma_ho_so)
    if current is None:
        raise Invalid(UNKNOWN, f"Không tìm thấy hồ sơ {ma_ho_so}.", "MaHoSo")
    data = json.loads(current["record"])
    data["LichSu"] = [
        {
            "TrangThaiHoSo": row["status"],
            "TenTrangThai": STATUS_NAMES[row["status"]],
            "SoThuTuSuKien": row["seq"],
            "ThoiDiemSuKien": row["event_at"],
            "IdempotencyKey": row["key"],
        }
        for row in db.execute("SELECT * FROM status_history WHERE ma_ho_so = ? ORDER BY id", (ma_ho_so,))
    ]
    data["TienDo"] = [
        json.loads(row["record"])
        for row in db.execute("SELECT record FROM progress WHERE ma_ho_so = ? ORDER BY id", (ma_ho_so,))
    ]
    data["DanhGia"] = [
        json.loads(row["record"])
        for row in db.execute("SELECT record FROM rating WHERE ma_ho_so = ? ORDER BY id", (ma_ho_so,))
    ]
    return data
