"""The procedure page shows the version in force: competence, where to submit, documents, fees, time limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.catalog.selectors import version_in_force
from motcua.portal import selectors

pytestmark = pytest.mark.django_db


def page_of(client, code: str) -> str:
    response = client.get(f"/dich-vu-cong/thu-tuc/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_birth_registration_page_shows_what_a_citizen_needs_to_know(client):
    body = page_of(client, "1.001193")
    procedure = Procedure.objects.get(code="1.001193")
    version = version_in_force(procedure=procedure, on=timezone.localdate())
    assert "<h1>Đăng ký khai sinh</h1>" in body
    # Competence in the words of the law (Art. 13 Luật Hộ tịch), not "the applicant's residence".
    assert "Ủy ban nhân dân của xã, phường, đặc khu nơi cư trú của cha hoặc mẹ" in body
    assert 'data-testid="location-independent"' in body
    assert "Trung tâm Phục vụ hành chính công phường Thuận Hóa" in body
    assert "Điểm bưu điện (3)" in body
    for document in version.documents.all():
        assert document.name in body
    assert "8.000 đồng" in body and "Miễn lệ phí đăng ký khai sinh đúng hạn" in body
    same_day = "trong ngày (hồ sơ nhận sau 15:00 trả trong ngày làm việc tiếp theo)"
    assert f'data-testid="time-limit">{same_day}<' in body
    assert 'data-testid="online-level">toàn trình<' in body


def test_a_province_level_procedure_names_its_department(client):
    page = selectors.procedure_page(code="1.014199", on=timezone.localdate())
    assert any("Sở" in sentence for sentence in page.competence)
    assert page.fees[0].amount == 600000
    body = page_of(client, "1.014199")
    assert "600.000 đồng" in body


def test_a_fee_computed_from_the_dossier_is_shown_as_such(client):
    body = page_of(client, "2.000815")
    assert "tính theo hồ sơ" in body


def test_a_logged_out_visitor_is_offered_to_log_in_from_an_online_procedure(client):
    body = page_of(client, "1.001193")
    assert "/dich-vu-cong/dang-nhap/?next=/dich-vu-cong/thu-tuc/1.001193/" in body


def test_an_unknown_code_is_not_found(client):
    assert client.get("/dich-vu-cong/thu-tuc/9.999999/").status_code == 404


def test_a_procedure_without_a_version_in_force_is_not_found(client):
    field = Field.objects.create(code="thu_nghiem", name="Thử nghiệm")
    Procedure.objects.create(code="9.000001", name="Thủ tục chưa công bố", field=field, at_commune=True)
    assert client.get("/dich-vu-cong/thu-tuc/9.000001/").status_code == 404
    assert selectors.find_procedure(code="9.000001", on=dt.date(2025, 7, 1)) is None
