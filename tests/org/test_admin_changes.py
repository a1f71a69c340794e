"""The organization admin changes data through org/services.py: its rules become form errors."""

from __future__ import annotations

from django.urls import reverse

from motcua.org.models import Agency, Position, ReceptionPoint, Staff


def _agency_form(agency: Agency, **changes) -> dict:
    data = {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "level": agency.level,
        "unit": agency.unit_id,
        "province_code": agency.province_code,
        "parent": agency.parent_id or "",
        "successor": "",
        "valid_from": agency.valid_from.isoformat(),
        "valid_to": "",
        "address": "",
        "phone": "",
        "email": "",
        "reception_points-TOTAL_FORMS": "0",
        "reception_points-INITIAL_FORMS": "0",
        "reception_points-MIN_NUM_FORMS": "0",
        "reception_points-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_an_agency_code_of_the_wrong_format(admin_client, phu_xuan):
    before = Agency.objects.count()
    response = admin_client.post(
        reverse("admin:org_agency_add"), _agency_form(phu_xuan, code="PHUXUAN-1", name="Cơ quan thử")
    )
    assert response.status_code == 200
    assert "không đúng dạng XXX.YY.ZZ.HNN" in response.content.decode()
    assert Agency.objects.count() == before


def test_the_admin_refuses_an_agency_code_of_the_wrong_format_on_change(admin_client, phu_xuan):
    response = admin_client.post(
        reverse("admin:org_agency_change", args=[phu_xuan.pk]), _agency_form(phu_xuan, code="sai-ma")
    )
    assert response.status_code == 200
    assert "không đúng dạng XXX.YY.ZZ.HNN" in response.content.decode()
    phu_xuan.refresh_from_db()
    assert phu_xuan.code == "197.53.00.H57"


def test_the_admin_refuses_an_agency_whose_validity_overlaps_the_same_code(admin_client, phu_xuan):
    before = Agency.objects.count()
    response = admin_client.post(
        reverse("admin:org_agency_add"), _agency_form(phu_xuan, name="Bản sao", valid_from="2026-01-01")
    )
    assert response.status_code == 200
    assert "đã được dùng" in response.content.decode()
    assert Agency.objects.count() == before


def test_the_admin_refuses_a_reception_point_code_whose_validity_overlaps(admin_client, phu_xuan):
    point = ReceptionPoint.objects.filter(agency=phu_xuan).first()
    before = ReceptionPoint.objects.count()
    response = admin_client.post(
        reverse("admin:org_receptionpoint_add"),
        {
            "code": point.code,
            "name": "Điểm trùng mã",
            "kind": point.kind,
            "agency": phu_xuan.pk,
            "unit": point.unit_id,
            "province_code": point.province_code,
            "address": "",
            "valid_from": "2026-01-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 200
    assert "đã được dùng" in response.content.decode()
    assert ReceptionPoint.objects.count() == before


def test_the_admin_refuses_a_position_at_an_agency_not_yet_in_force(admin_client, phu_xuan):
    position = Position.objects.filter(agency=phu_xuan).first()
    before = Position.objects.count()
    response = admin_client.post(
        reverse("admin:org_position_add"),
        {
            "staff": position.staff_id,
            "role": "citizen",
            "agency": phu_xuan.pk,
            "reception_point": "",
            "valid_from": "2026-01-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 200
    assert "không hợp lệ cho cán bộ" in response.content.decode()
    assert Position.objects.count() == before


def test_the_admin_creates_a_valid_agency_through_the_service(admin_client, phu_xuan):
    response = admin_client.post(
        reverse("admin:org_agency_add"),
        _agency_form(phu_xuan, code="197.53.99.H57", name="Cơ quan mới", province_code=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Agency.objects.get(code="197.53.99.H57")
    assert created.province_code == phu_xuan.province_code


def test_the_admin_creates_a_staff_account_through_the_service_and_refuses_a_weak_password(
    admin_client, phu_xuan
):
    form = {
        "username": "phuxuan.moi",
        "password": "123",
        "full_name": "Nguyễn Văn Mới",
        "title": "",
        "email": "",
        "agency": phu_xuan.pk,
        "roles": ["specialist"],
        "valid_from": "2025-09-01",
        "reception_point": "",
    }
    weak = admin_client.post(reverse("admin:org_staff_add"), form)
    assert weak.status_code == 200
    assert "Mật khẩu không đạt yêu cầu" in weak.content.decode()
    assert not Staff.objects.filter(user__username="phuxuan.moi").exists()
    form["password"] = "Hue-phuxuan-2025-an-toan"
    created = admin_client.post(reverse("admin:org_staff_add"), form)
    assert created.status_code == 302, created.content.decode()[:3000]
    staff = Staff.objects.get(user__username="phuxuan.moi")
    assert list(staff.positions.values_list("role", flat=True)) == ["specialist"]


def test_the_admin_ends_an_agency_with_several_successors_the_main_one_always_among_them(
    admin_client, phu_xuan
):
    others = list(
        Agency.objects.filter(kind=phu_xuan.kind, level=phu_xuan.level, valid_to__isnull=True)
        .exclude(pk=phu_xuan.pk)
        .order_by("code")[:2]
    )
    url = reverse("admin:org_agency_change", args=[phu_xuan.pk])
    response = admin_client.post(
        url, _agency_form(phu_xuan, valid_to="2026-01-01", successor=others[0].pk, successors=[others[1].pk])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    phu_xuan.refresh_from_db()
    assert phu_xuan.successor == others[0]
    assert set(phu_xuan.successors.all()) == set(others)

    before = set(phu_xuan.successors.all())
    refused = admin_client.post(url, _agency_form(phu_xuan, valid_to="2026-01-01", successors=[others[1].pk]))
    assert refused.status_code == 200
    assert "phải có một cơ quan kế thừa chính" in refused.content.decode()
    assert set(phu_xuan.successors.all()) == before
