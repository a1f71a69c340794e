"""The reference national portal (refservices.national_portal): the protocol motcua's adapter speaks
(SPEC12 section 4), its fault switches, the intake of citizen submissions and the citizen pages."""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from refservices.national_portal import catalog
from refservices.national_portal.app import Config, create_app
from refservices.national_portal.process import running_national_portal
from refservices.national_portal.protocol import DATES_REQUIRED_BY_STATUS, TRANSITIONS

PDF = b"%PDF-1.4\n% reference portal test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SAMPLE_CATALOG = Path(__file__).resolve().parents[2] / "src/motcua/catalog/data/hue.yaml"


class Api:
    """motcua's side of the protocol, as plainly as a test needs it."""

    def __init__(self, portal: Any, *, worker: str = "test-worker") -> None:
        self.portal = portal
        self.worker = worker
        self.session = ""

    def login(self) -> dict[str, Any]:
        body = {"username": self.portal.username, "password": self.portal.password}
        answer = requests.post(f"{self.portal.url}/api/dang-nhap", json=body, timeout=10).json()
        self.session = answer.get("session", "")
        return answer

    def call(self, service: str, body: Any, *, timeout: float = 10) -> requests.Response:
        if not self.session:
            self.login()
        headers = {"Authorization": f"Bearer {self.session}", "X-Motcua-Worker": self.worker}
        return requests.post(f"{self.portal.url}/api/{service}", json=body, headers=headers, timeout=timeout)

    def sync(self, *records: dict[str, Any], timeout: float = 10) -> list[dict[str, Any]]:
        response = self.call("DongBoHoSoMC", {"isUpdating": False, "data": list(records)}, timeout=timeout)
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def one(self, service: str, record: dict[str, Any]) -> dict[str, Any]:
        response = self.call(service, {"data": [record]})
        assert response.status_code == 200, response.text
        return response.json()["results"][0]


DATES = {
    "NgayNopHoSo": "20261130080000",
    "NgayTiepNhan": "20261130081500",
    "NgayHenTraBanDau": "20261201163000",
    "NgayHenTra": "20261201163000",
    "NgayKetThucXuLy": "20261201100000",
    "NgayTra": "20261201150000",
    "NgayTuChoi": "20261130090000",
}


def status_record(code: str, status: str, seq: int, *, key: str = "", **extra: Any) -> dict[str, Any]:
    """A DongBoHoSoMC record with the required fields and the dates the status needs."""
    record: dict[str, Any] = {
        "IdempotencyKey": key or f"{code}:{seq}:{status}",
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh",
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "046085001234",
        "LoaiGiayTo": "CCCD",
        "KenhNop": "2",
        "TrangThaiHoSo": status,
        "ThoiDiemSuKien": "20261130090000",
        "SoThuTuSuKien": seq,
        "HinhThucTraKetQua": "1",
        "XacThucVNeID": "1",
        "TaiLieuNop": [{"TepDinhKemId": "1", "TenTepDinhKem": "to-khai.pdf", "DuocSoHoa": "1"}],
        "DanhSachLePhi": [
            {"TenPhiLePhi": "Lệ phí", "Gia": 8000, "DaThanhToan": "1", "HinhThucThanhToan": "1"}
        ],
    }
    record.update({name: DATES[name] for name in DATES_REQUIRED_BY_STATUS[status]})
    record.update(extra)
    return record


def progress_record(code: str, seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "IdempotencyKey": f"{code}:progress:{seq}",
        "MaHoSo": code,
        "NguoiXuLy": "Lê Thị Tư Pháp",
        "ChucDanh": "Công chức tư pháp - hộ tịch",
        "ThoiDiemXuLy": "20261130093000",
        "PhongBanXuLy": "Bộ phận Một cửa",
        "NoiDungXuLy": "Thẩm định hồ sơ",
        "TrangThai": "4",
        "NgayBatDau": "20261130093000",
        "NgayKetThucTheoQuyDinh": "20261201100000",
        "SoThuTuSuKien": seq,
        **extra,
    }


def eventually(read: Any, *, within: float = 20.0) -> Any:
    """``read()`` once it returns something (a busy machine may commit after the client gave up)."""
    deadline = time.monotonic() + within
    while not (value := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


# Login and sessions ---------------------------------------------------------------------------


def test_login_gives_a_session_and_wrong_credentials_get_01(national_portal):
    api = Api(national_portal)
    answer = api.login()
    assert answer["error_code"] == "00" and answer["session"] and answer["expires_in"] == 900
    wrong = requests.post(
        f"{national_portal.url}/api/dang-nhap",
        json={"username": national_portal.username, "password": "wrong"},
        timeout=10,
    )
    assert (wrong.status_code, wrong.json()["error_code"]) == (401, "01")


def test_a_call_without_a_valid_session_gets_02(national_portal):
    for headers in ({}, {"Authorization": "Bearer not-a-session"}):
        response = requests.post(
            f"{national_portal.url}/api/LayThuTuc", json={"MaTTHC": "1.001193"}, headers=headers, timeout=10
        )
        assert (response.status_code, response.json()["error_code"]) == (401, "02")
    download = requests.get(f"{national_portal.url}/api/tep/whatever", timeout=10)
    assert download.status_code == 401


def test_a_session_expires_after_its_lifetime(tmp_path):
    with running_national_portal(tmp_path / "portal", session_ttl=2, workers=1) as portal:
        api = Api(portal)
        assert api.login()["expires_in"] == 2
        assert api.call("LayThuTuc", {"MaTTHC": "1.001193"}).json()["error_code"] == "00"
        time.sleep(2.5)
        expired = api.call("LayThuTuc", {"MaTTHC": "1.001193"})
        assert (expired.status_code, expired.json()["error_code"]) == (401, "02")
        api.login()
        assert api.call("LayThuTuc", {"MaTTHC": "1.001193"}).json()["error_code"] == "00"


# The services ---------------------------------------------------------------------------------


def test_a_dossier_life_is_recorded_and_looked_up(national_portal):
    api = Api(national_portal)
    code = "H46.19789-261130-0001"
    results = api.sync(status_record(code, "1", 1), status_record(code, "2", 2))
    assert [(r["error_code"], r["duplicate"]) for r in results] == [("00", False), ("00", False)]
    assert api.sync(status_record(code, "4", 3))[0]["error_code"] == "00"
    assert api.one("CapNhatTienDoHoSoMC", progress_record(code, 3))["error_code"] == "00"
    assert api.sync(status_record(code, "9", 4), status_record(code, "10", 5))[1]["error_code"] == "00"
    rating = {
        "IdempotencyKey": f"{code}:rating",
        "MaHoSo": code,
        "MucDoHaiLong": "4",
        "GopY": "Nhanh, chu đáo",
        "ThoiDiem": "20261201160000",
    }
    assert api.one("DanhGiaHoSo", rating)["error_code"] == "00"

    looked_up = api.call("TraCuuHoSo", {"MaHoSo": code}).json()
    assert looked_up["error_code"] == "00"
    data = looked_up["data"]
    assert data["TrangThaiHoSo"] == "10"
    assert [h["TrangThaiHoSo"] for h in data["LichSu"]] == ["1", "2", "4", "9", "10"]
    assert [p["NoiDungXuLy"] for p in data["TienDo"]] == ["Thẩm định hồ sơ"]
    assert data["DanhGia"][0]["MucDoHaiLong"] == "4"
    assert [e["service"] for e in national_portal.effects()] == [
        "DongBoHoSoMC",
        "DongBoHoSoMC",
        "DongBoHoSoMC",
        "CapNhatTienDoHoSoMC",
        "DongBoHoSoMC",
        "DongBoHoSoMC",
        "DanhGiaHoSo",
    ]
    receipt = national_portal.received()[0]
    assert (receipt["MaHoSo"], receipt["status"], receipt["seq"], receipt["worker"]) == (
        code,
        "1",
        1,
        "test-worker",
    )

    page = requests.get(f"{national_portal.url}/ho-so/{code}/", timeout=10).text
    assert "Đã trả kết quả" in page and "Thẩm định hồ sơ" in page and "Rất hài lòng" in page


def test_the_procedure_record_comes_from_the_catalog_and_an_unknown_one_is_05(national_portal):
    api = Api(national_portal)
    record = api.call("LayThuTuc", {"MaTTHC": "1.001193"}).json()["data"]
    assert record["TenTTHC"] == "Đăng ký khai sinh"
    assert record["ThoiHanGiaiQuyet"][0] == {
        "KenhNop": "Trực tiếp",
        "ThoiGian": 1,
        "DonViTinh": "Ngày làm việc",
    }
    assert {"SoKyHieu", "TrichYeu", "NgayBanHanh"} <= set(record["CanCuPhapLy"][0])
    assert "BieuMau" not in record
    unknown = api.call("LayThuTuc", {"MaTTHC": "9.999999"})
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, "05")


def test_an_unknown_service_is_06(national_portal):
    response = Api(national_portal).call("KhongCoDichVuNay", {})
    assert (response.status_code, response.json()["error_code"]) == (404, "06")


def test_an_unknown_dossier_is_05(national_portal):
    api = Api(national_portal)
    assert api.one("CapNhatTienDoHoSoMC", progress_record("H46-never-synced", 1))["error_code"] == "05"
    looked_up = api.call("TraCuuHoSo", {"MaHoSo": "H46-never-synced"})
    assert (looked_up.status_code, looked_up.json()["error_code"]) == (404, "05")
    assert national_portal.effects() == []


# Validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["IdempotencyKey", "MaHoSo", "MaTTHC", "ChuHoSo", "LoaiDoiTuong", "KenhNop", "TrangThaiHoSo",
              "ThoiDiemSuKien", "SoThuTuSuKien"],
)  # fmt: skip
def test_a_record_without_a_required_field_is_03(national_portal, field):
    record = status_record("H46-required", "1", 1, key="k-required")
    del record[field]
    result = Api(national_portal).sync(record)[0]
    assert (result["error_code"], result["field"]) == ("03", field)
    assert national_portal.effects() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ThoiDiemSuKien", "20260230090000"),  # 30 February
        ("ThoiDiemSuKien", "2026-11-30 09:00"),
        ("NgayNopHoSo", "202611300900"),
        ("TrangThaiHoSo", 1),  # a number, not the string "1"
        ("TrangThaiHoSo", "11"),
        ("TrangThaiHoSo", "0"),
        ("LoaiDoiTuong", "3"),
        ("KenhNop", "4"),
        ("SoThuTuSuKien", "1"),
        ("SoThuTuSuKien", -1),
        ("XacThucVNeID", "yes"),
        ("HinhThucTraKetQua", "4"),
        ("LoaiGiayTo", "CMND"),
        ("TaiLieuNop", [{"TenTepDinhKem": "a.pdf", "DuocSoHoa": "2"}]),
        ("DanhSachLePhi", [{"TenPhiLePhi": "Lệ phí", "Gia": "8000"}]),
        ("DanhSachHoSoBoSung", [{"NoiDungBoSung": "Giấy chứng sinh", "NgayYeuCau": "20261332000000"}]),
    ],
)
def test_a_malformed_field_is_03_and_names_the_field(national_portal, field, value):
    record = status_record("H46-malformed", "1", 1, key="k-malformed", **{field: value})
    result = Api(national_portal).sync(record)[0]
    assert result["error_code"] == "03"
    assert result["field"].startswith(field)
    assert national_portal.effects() == []


@pytest.mark.parametrize(
    ("status", "date_field"), [("2", "NgayHenTra"), ("3", "NgayTuChoi"), ("2", "NgayTiepNhan")]
)
def test_a_status_without_its_dates_is_03(national_portal, status, date_field):
    record = status_record("H46-dates", status, 1)
    del record[date_field]
    result = Api(national_portal).sync(record)[0]
    assert (result["error_code"], result["field"]) == ("03", date_field)


def test_a_dossier_needs_its_finishing_date_for_9_and_its_return_date_for_10(national_portal):
    api = Api(national_portal)
    code = "H46-finish"
    api.sync(status_record(code, "2", 1))
    without_finish = status_record(code, "9", 2)
    del without_finish["NgayKetThucXuLy"]
    assert api.sync(without_finish)[0]["field"] == "NgayKetThucXuLy"
    assert api.sync(status_record(code, "9", 2))[0]["error_code"] == "00"
    without_return = status_record(code, "10", 3)
    del without_return["NgayTra"]
    assert api.sync(without_return)[0]["field"] == "NgayTra"


def test_a_malformed_call_fails_whole_with_03(national_portal):
    api = Api(national_portal)
    response = api.call("DongBoHoSoMC", {"isUpdating": False, "data": "not a list"})
    assert (response.status_code, response.json()["error_code"], response.json()["field"]) == (
        400,
        "03",
        "data",
    )
    not_json = requests.post(
        f"{national_portal.url}/api/DongBoHoSoMC",
        data=b"\xff",
        headers={"Authorization": f"Bearer {api.session}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert (not_json.status_code, not_json.json()["error_code"]) == (400, "03")


def test_each_record_of_a_batch_gets_its_own_result(national_portal):
    results = Api(national_portal).sync(
        status_record("H46-a", "1", 1),
        status_record("H46-b", "1", 1, MaTTHC=""),
        status_record("H46-c", "1", 1),
    )
    assert [r["error_code"] for r in results] == ["00", "03", "00"]
    assert [e["MaHoSo"] for e in national_portal.effects()] == ["H46-a", "H46-c"]


# Idempotency, transitions, order ----------------------------------------------------------------


def test_a_key_seen_before_answers_duplicate_and_records_nothing(national_portal):
    api = Api(national_portal)
    record = status_record("H46-dup", "1", 1, key="the-key")
    assert api.sync(record)[0] == {
        "IdempotencyKey": "the-key",
        "error_code": "00",
        "message": "Thành công",
        "duplicate": False,
    }
    again = api.sync(record)[0]
    assert (again["error_code"], again["duplicate"]) == ("00", True)
    assert len(national_portal.effects()) == 1
    assert [r["duplicate"] for r in national_portal.received()] == [False, True]


def test_transition_table_first_record_ten_before_nine_and_terminal_statuses(national_portal):
    api = Api(national_portal)
    assert api.sync(status_record("H46-first", "4", 1))[0]["error_code"] == "04"
    api.sync(status_record("H46-t", "1", 1), status_record("H46-t", "2", 2))
    assert api.sync(status_record("H46-t", "10", 3))[0]["error_code"] == "04"
    assert api.sync(status_record("H46-t", "2", 3))[0]["error_code"] == "00"  # the same status again
    assert api.sync(status_record("H46-t", "9", 4), status_record("H46-t", "10", 5))[1]["error_code"] == "00"
    api.sync(status_record("H46-refused", "3", 1))
    for status in ("1", "2", "4"):
        assert api.sync(status_record("H46-refused", status, 2))[0]["error_code"] == "04"


# A legal way to reach each status from a first record.
LEGAL_PATHS = {
    "1": ["1"],
    "2": ["2"],
    "3": ["3"],
    "4": ["2", "4"],
    "5": ["1", "5"],
    "6": ["2", "6"],
    "7": ["1", "7"],
    "8": ["1", "8"],
    "9": ["2", "9"],
    "10": ["2", "9", "10"],
}


@pytest.mark.parametrize("previous", sorted(TRANSITIONS, key=int))
def test_every_transition_of_the_table_is_enforced(national_portal, previous):
    api = Api(national_portal)
    path = LEGAL_PATHS[previous]
    for status in (str(n) for n in range(1, 11)):
        code = f"H46-{previous}-{status}"
        setup = api.sync(*(status_record(code, s, i + 1) for i, s in enumerate(path)))
        assert all(r["error_code"] == "00" for r in setup)
        result = api.sync(status_record(code, status, len(path) + 1))[0]
        legal = status == previous or status in TRANSITIONS[previous]
        assert result["error_code"] == ("00" if legal else "04"), (previous, status, result)


def test_a_record_older_than_the_last_one_is_refused_out_of_order(national_portal):
    api = Api(national_portal)
    api.sync(status_record("H46-order", "1", 5))
    late = api.sync(status_record("H46-order", "2", 3))[0]
    assert late["error_code"] == "04" and "out of order" in late["message"]
    assert api.sync(status_record("H46-order", "2", 6))[0]["error_code"] == "00"
    api.one("CapNhatTienDoHoSoMC", progress_record("H46-order", 8))
    assert api.one("CapNhatTienDoHoSoMC", progress_record("H46-order", 7))["error_code"] == "04"


# Fault switches -------------------------------------------------------------------------------


def test_fail_status_fails_that_many_calls_then_serves_again(national_portal):
    api = Api(national_portal)
    api.login()
    national_portal.faults(fail_status=503, fail_count=2)
    answers = [api.call("DongBoHoSoMC", {"data": [status_record("H46-5xx", "1", 1)]}) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert [e["MaHoSo"] for e in national_portal.effects()] == ["H46-5xx"]


def test_fail_count_minus_one_fails_until_cleared(national_portal):
    api = Api(national_portal)
    api.login()
    national_portal.faults(fail_status=500, fail_count=-1)
    assert [api.call("LayThuTuc", {"MaTTHC": "1.001193"}).status_code for _ in range(3)] == [500, 500, 500]
    national_portal.clear_faults()
    assert api.call("LayThuTuc", {"MaTTHC": "1.001193"}).status_code == 200


def test_a_dropped_answer_is_a_connection_error_but_the_effect_is_recorded(national_portal):
    api = Api(national_portal)
    api.login()
    national_portal.faults(drop_after_commit_count=1)
    with pytest.raises(requests.ConnectionError):
        api.sync(status_record("H46-drop", "1", 1, key="dropped"))
    assert [e["key"] for e in national_portal.effects()] == ["dropped"]
    again = api.sync(status_record("H46-drop", "1", 1, key="dropped"))[0]
    assert again["duplicate"] is True


def test_after_commit_delay_records_before_answering(national_portal):
    api = Api(national_portal)
    api.login()
    national_portal.faults(after_commit_delay_seconds=3)
    with pytest.raises(requests.Timeout):
        api.sync(status_record("H46-late", "1", 1, key="late"), timeout=0.5)
    # The client gave up, yet the portal has the effect: a redelivery must be answered "duplicate".
    assert [e["key"] for e in eventually(national_portal.effects)] == ["late"]


def test_delay_seconds_delays_then_serves(national_portal):
    api = Api(national_portal)
    api.login()
    national_portal.faults(delay_seconds=0.2)
    assert api.sync(status_record("H46-slow", "1", 1))[0]["error_code"] == "00"
    assert national_portal.faults(delay_seconds=0.2)["delay_seconds"] == 0.2


def test_unknown_fault_switches_are_refused(national_portal):
    response = requests.post(f"{national_portal.url}/_test/faults", json={"fail_sometimes": 1}, timeout=10)
    assert response.status_code == 400


# Intake of citizen submissions -----------------------------------------------------------------


def submission(**extra: Any) -> dict[str, Any]:
    return {
        "MaTTHC": "1.001193",
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "046085001234",
        "SoDienThoai": "0905123401",
        "Email": "an@example.vn",
        "DiaChi": "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "DuLieuBieuMau": {"child_name": "Nguyễn Văn Bình"},
        "TaiLieuNop": [
            {"TenTepDinhKem": "chung-sinh.pdf", "MaThanhPhanHoSo": "giay_chung_sinh", "NoiDung": PDF},
        ],
        **extra,
    }


def test_new_submissions_are_listed_with_files_whose_digest_matches(national_portal):
    api = Api(national_portal)
    first = national_portal.submit(**submission())
    second = national_portal.submit(**submission(ChuHoSo="Trần Thị Bích Ngọc", MaDoiTuong="046190004321"))
    listed = api.call("LayHoSoMoi", {"MaTinh": "46", "SoLuong": 50}).json()
    assert listed["error_code"] == "00"
    assert [s["MaHoSoQuocGia"] for s in listed["data"]] == [first, second]
    item = listed["data"][0]
    assert (item["MaDoiTuong"], item["DuLieuBieuMau"]) == ("046085001234", {"child_name": "Nguyễn Văn Bình"})
    document = item["TaiLieuNop"][0]
    assert document["MaThanhPhanHoSo"] == "giay_chung_sinh" and document["KichThuoc"] == len(PDF)
    assert document["DuongDanTaiTep"] == f"{national_portal.url}/api/tep/{document['TepDinhKemId']}"
    content = requests.get(
        document["DuongDanTaiTep"], headers={"Authorization": f"Bearer {api.session}"}, timeout=10
    ).content
    assert hashlib.sha256(content).hexdigest() == document["MaBam"] and content == PDF
    assert api.call("LayHoSoMoi", {"MaTinh": "46", "SoLuong": 1}).json()["data"][0]["MaHoSoQuocGia"] == first
    assert api.call("LayHoSoMoi", {"MaTinh": "01"}).json()["data"] == []
    bad = api.call("LayHoSoMoi", {"MaTinh": "46", "SoLuong": 0})
    assert (bad.status_code, bad.json()["field"]) == (400, "SoLuong")


def test_a_synced_record_carrying_the_portal_code_acknowledges_the_submission(national_portal):
    api = Api(national_portal)
    code = national_portal.submit(**submission())
    result = api.sync(status_record("H46-intake", "2", 1, MaHoSoQuocGia=code))[0]
    assert result["error_code"] == "00"
    assert api.call("LayHoSoMoi", {"MaTinh": "46"}).json()["data"] == []
    # Later records need not repeat the code; another dossier may not claim it.
    assert api.sync(status_record("H46-intake", "4", 2))[0]["error_code"] == "00"
    assert api.sync(status_record("H46-other", "2", 1, MaHoSoQuocGia=code))[0]["error_code"] == "03"
    page = requests.get(f"{national_portal.url}/ho-so/{code}/", timeout=10).text
    assert "Cơ quan có thẩm quyền đã tiếp nhận" in page and "H46-intake" in page and "Đang xử lý" in page


def test_a_rejected_submission_leaves_the_list_and_shows_its_reason(national_portal):
    api = Api(national_portal)
    code = national_portal.submit(**submission())
    rejection = {
        "IdempotencyKey": f"intake:{code}",
        "MaHoSoQuocGia": code,
        "KetQua": "tu_choi",
        "LyDo": "Giấy chứng sinh không đọc được",
    }
    assert api.one("XacNhanHoSoMoi", rejection)["error_code"] == "00"
    assert api.one("XacNhanHoSoMoi", rejection)["duplicate"] is True
    assert api.call("LayHoSoMoi", {"MaTinh": "46"}).json()["data"] == []
    assert api.sync(status_record("H46-late-intake", "2", 1, MaHoSoQuocGia=code))[0]["error_code"] == "04"
    page = requests.get(f"{national_portal.url}/ho-so/{code}/", timeout=10).text
    assert "Bị từ chối tiếp nhận" in page and "Giấy chứng sinh không đọc được" in page


def test_an_acknowledgement_of_an_unknown_or_accepted_submission_is_refused(national_portal):
    api = Api(national_portal)
    unknown = {
        "IdempotencyKey": "x1",
        "MaHoSoQuocGia": "QG.46-000000-999999",
        "KetQua": "tu_choi",
        "LyDo": "x",
    }
    assert api.one("XacNhanHoSoMoi", unknown)["error_code"] == "05"
    code = national_portal.submit(**submission())
    api.sync(status_record("H46-accepted", "2", 1, MaHoSoQuocGia=code))
    late = {"IdempotencyKey": "x2", "MaHoSoQuocGia": code, "KetQua": "tu_choi", "LyDo": "x"}
    assert api.one("XacNhanHoSoMoi", late)["error_code"] == "04"
    assert (
        api.one("XacNhanHoSoMoi", {**late, "IdempotencyKey": "x3", "KetQua": "dong_y"})["error_code"] == "03"
    )
    assert api.one("XacNhanHoSoMoi", {**late, "IdempotencyKey": "x4", "LyDo": ""})["field"] == "LyDo"
    assert (
        api.sync(status_record("H46-ghost", "2", 1, MaHoSoQuocGia="QG.46-000000-999999"))[0]["error_code"]
        == "05"
    )


def test_a_submission_may_announce_a_wrong_digest_for_the_clients_checks(national_portal):
    api = Api(national_portal)
    files = [
        {"TenTepDinhKem": "x.pdf", "MaThanhPhanHoSo": "giay_chung_sinh", "NoiDung": PDF, "MaBam": "0" * 64}
    ]
    national_portal.submit(**submission(TaiLieuNop=files))
    document = api.call("LayHoSoMoi", {"MaTinh": "46"}).json()["data"][0]["TaiLieuNop"][0]
    assert document["MaBam"] == "0" * 64


# Persistence and concurrency ------------------------------------------------------------------


def test_a_restart_keeps_the_state_and_the_sessions(national_portal):
    api = Api(national_portal)
    api.sync(status_record("H46-restart", "1", 1, key="before-restart"))
    code = national_portal.submit(**submission())
    national_portal.stop()
    national_portal.start()
    assert [e["key"] for e in national_portal.effects()] == ["before-restart"]
    assert api.sync(status_record("H46-restart", "1", 1, key="before-restart"))[0]["duplicate"] is True
    assert api.call("LayHoSoMoi", {"MaTinh": "46"}).json()["data"][0]["MaHoSoQuocGia"] == code


def test_two_workers_do_not_record_one_key_twice_under_concurrent_requests(national_portal):
    api = Api(national_portal)
    api.login()
    record = status_record("H46-race", "1", 1, key="raced")
    start = threading.Barrier(8)
    results: list[dict[str, Any]] = []

    def post() -> None:
        start.wait(timeout=10)
        results.extend(api.sync(record, timeout=30))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 8
    assert sorted(r["duplicate"] for r in results) == [False] + [True] * 7
    assert [e["key"] for e in national_portal.effects()] == ["raced"]
    assert len(national_portal.received()) == 8


# Catalog data ---------------------------------------------------------------------------------


def sample_procedure(code: str) -> dict[str, Any]:
    sample = yaml.safe_load(SAMPLE_CATALOG.read_text(encoding="utf-8"))
    procedure = next(p for p in sample["procedures"] if p["code"] == code)
    return next(v for v in reversed(procedure["versions"]) if v["status"] == "published")


@pytest.mark.parametrize("code", sorted(catalog.procedures()))
def test_the_portal_form_asks_what_the_sample_e_form_requires(code):
    schema = sample_procedure(code)["form"]["schema"]
    fields = {f["name"]: f for f in catalog.procedures()[code]["BieuMau"]}
    assert set(fields) == set(schema["properties"])
    assert {name for name, f in fields.items() if f["required"]} == set(schema["required"])


def test_the_catalog_has_the_demo_procedures_and_one_deliberate_difference():
    procedures = catalog.procedures()
    assert {"1.001193", "1.004884", "2.000815"} <= set(procedures) and len(procedures) >= 5
    sample_limit = sample_procedure("1.004884")["time_limit"]["amount"]
    record = catalog.national_record("1.004884")
    assert record is not None and record["ThoiHanGiaiQuyet"][0]["ThoiGian"] != sample_limit
    assert "Khác có chủ ý" in procedures["1.004884"]["GhiChu"]


# Citizen pages (the Flask app in-process: the pages need no second process) ------------------


@pytest.fixture
def pages(tmp_path):
    app = create_app(Config(state_dir=tmp_path, max_file_bytes=64 * 1024))
    return app.test_client()


def birth_form(**extra: Any) -> dict[str, Any]:
    return {
        "ChuHoSo": "Nguyễn Văn An",
        "MaDoiTuong": "046085001234",
        "SoDienThoai": "0905123401",
        "DiaChi": "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế",
        "bm_child_name": "Nguyễn Văn Bình",
        "bm_child_birth_date": "2026-11-20",
        "bm_child_sex": "Nam",
        "bm_child_birth_place": "Bệnh viện Trung ương Huế",
        "bm_mother_name": "Trần Thị Cúc",
        "bm_parent_residence_unit": "19789",
        "tep_giay_chung_sinh": (io.BytesIO(PDF), "chung-sinh.pdf"),
        **extra,
    }


def test_a_citizen_submits_on_the_page_and_the_e_form_passes_motcuas_validation(pages):
    from motcua.catalog.forms import form_problems

    form = pages.get("/nop-ho-so/1.001193/?cong-dan=046085001234")
    assert form.status_code == 200 and "Nguyễn Văn An" in form.text
    response = pages.post("/nop-ho-so/1.001193/", data=birth_form(), content_type="multipart/form-data")
    assert response.status_code == 303
    code = re.search(r"/ho-so/([^/]+)/", response.headers["Location"]).group(1)
    shown = pages.get(response.headers["Location"]).text
    assert f'Mã hồ sơ của bạn trên Cổng Dịch vụ công: <span class="code">{code}</span>' in shown

    app = pages.application
    _config, store = app.extensions["national_portal"]
    from refservices.national_portal import submissions

    with store.read() as db:
        listed = submissions.pending(db, province="46", limit=10, base_url="http://127.0.0.1/")
    data = listed[0]["DuLieuBieuMau"]
    assert form_problems(sample_procedure("1.001193")["form"]["schema"], data) == []
    assert data["applicant_id_number"] == "046085001234"
    assert listed[0]["TaiLieuNop"][0]["MaBam"] == hashlib.sha256(PDF).hexdigest()
    assert code in pages.get("/ho-so/").text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"MaDoiTuong": "04608500123"}, "Số định danh cá nhân gồm 12 chữ số."),
        ({"bm_child_birth_date": "2026-02-30"}, "phải là ngày có thật"),
        ({"bm_parent_residence_unit": "99999"}, "hãy chọn một xã, phường trong danh sách"),
        ({"bm_child_sex": "Khác"}, "hãy chọn một trong Nam, Nữ"),
        ({"tep_giay_chung_sinh": (io.BytesIO(b"GIF89a..."), "a.pdf")}, "chỉ nhận tệp PDF, JPEG hoặc PNG"),
        ({"tep_giay_chung_sinh": (io.BytesIO(b"%PDF-" + b"0" * 70_000), "a.pdf")}, "tệp quá lớn"),
        ({"tep_giay_chung_sinh": (io.BytesIO(b""), "")}, "Vui lòng đính kèm"),
        ({"ChuHoSo": "An\x07"}, "ký tự điều khiển"),
    ],
)
def test_the_page_refuses_bad_input_with_a_clear_message_and_stores_nothing(pages, change, message):
    response = pages.post(
        "/nop-ho-so/1.001193/", data=birth_form(**change), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert message in response.text
    assert "Chưa có hồ sơ nào." in pages.get("/ho-so/").text


def test_a_png_scan_is_accepted(pages):
    upload = {"tep_giay_chung_sinh": (io.BytesIO(PNG), "chung-sinh.png")}
    response = pages.post(
        "/nop-ho-so/1.001193/", data=birth_form(**upload), content_type="multipart/form-data"
    )
    assert response.status_code == 303


def filled_value(field: dict[str, Any]) -> str:
    """A valid answer to a required e-form field, from its definition alone."""
    if field.get("enum"):
        return field["enum"][0]
    if field.get("options") == "DonViHanhChinh":
        return catalog.units()[0]["Ma"]
    if field.get("format") == "date":
        return "2026-01-15"
    if field["type"] == "integer":
        return str(field.get("default", field.get("minimum", 1)))
    return "Giá trị mẫu"


@pytest.mark.parametrize("code", sorted(catalog.procedures()))
def test_every_demo_procedure_can_be_submitted_and_passes_motcuas_e_form_check(pages, code):
    from motcua.catalog.forms import form_problems

    procedure = catalog.procedures()[code]
    assert pages.get(f"/nop-ho-so/{code}/").status_code == 200
    form: dict[str, Any] = {
        "ChuHoSo": "Lê Quang Hưng",
        "MaDoiTuong": "046078005678",
        "DiaChi": "8 Kim Long, Phường Kim Long, Thành phố Huế",
    }
    for field in procedure["BieuMau"]:
        if field["required"] and "from" not in field:
            form[f"bm_{field['name']}"] = filled_value(field)
    for document in procedure["TepDinhKem"]:
        if document["BatBuoc"]:
            form[f"tep_{document['Ma']}"] = (io.BytesIO(PDF), f"{document['Ma']}.pdf")
    response = pages.post(f"/nop-ho-so/{code}/", data=form, content_type="multipart/form-data")
    assert response.status_code == 303, re.findall(r'<li><a href="#[^"]+">([^<]+)</a>', response.text)
    _config, store = pages.application.extensions["national_portal"]
    from refservices.national_portal import submissions

    with store.read() as db:
        listed = submissions.pending(db, province="46", limit=10, base_url="http://127.0.0.1/")
    assert form_problems(sample_procedure(code)["form"]["schema"], listed[0]["DuLieuBieuMau"]) == []
