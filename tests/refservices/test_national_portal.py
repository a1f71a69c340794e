"""The reference national portal (refservices.national_portal): the protocol motcua's adapter speaks."""

from __future__ import annotations

import requests


def login(portal) -> dict[str, str]:
    body = requests.post(
        f"{portal.url}/api/dang-nhap", json={"username": portal.username, "password": portal.password}, timeout=10
    ).json()
    assert body["error_code"] == "00"
    return {"Authorization": f"Bearer {body['session']}"}


def test_a_status_record_is_recorded_once(national_portal):
    headers = login(national_portal)
    record = {
        "IdempotencyKey": "k-1",
        "MaHoSo": "H46.01-261130-0001",
        "MaTTHC": "1.001193",
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "KenhNop": "2",
        "TrangThaiHoSo": "1",
        "ThoiDiemSuKien": "20261130090000",
        "SoThuTuSuKien": 1,
    }
    url = f"{national_portal.url}/api/DongBoHoSoMC"
    first = requests.post(url, json={"isUpdating": False, "data": [record]}, headers=headers, timeout=10).json()
    again = requests.post(url, json={"isUpdating": False, "data": [record]}, headers=headers, timeout=10).json()
    assert first["results"][0]["duplicate"] is False
    assert again["results"][0]["duplicate"] is True
    assert [e["key"] for e in national_portal.effects()] == ["k-1"]
    assert len(national_portal.received()) == 2
