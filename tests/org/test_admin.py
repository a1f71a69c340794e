from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.org.models import Staff
from otp_sessions import verified_session


def login_as_administrator(client):
    """The administrator with a verified second factor (the admin site refuses a password alone)."""
    verified_session(get_user_model().objects.get(username="hue.quantri"), client)


def test_the_administrator_filters_agencies_by_level_kind_and_validity(demo, client):
    login_as_administrator(client)
    url = reverse("admin:org_agency_changelist")
    response = client.get(url, {"level": "commune", "kind": "ubnd", "in_force": "now"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 40
    found = client.get(url, {"q": "Phú Xuân"})
    assert "Ủy ban nhân dân phường Phú Xuân" in found.content.decode()


def test_the_staff_page_shows_the_positions_inline(demo, client):
    login_as_administrator(client)
    staff = Staff.objects.get(user__username="phuxuan.tiepnhan")
    response = client.get(reverse("admin:org_staff_change", args=[staff.pk]))
    assert response.status_code == 200
    assert "Trung tâm Phục vụ hành chính công phường Phú Xuân" in response.content.decode()


def test_reception_point_and_position_lists_open(demo, client):
    login_as_administrator(client)
    for name in ("org_receptionpoint_changelist", "org_position_changelist", "org_staff_changelist"):
        response = client.get(
            reverse(f"admin:{name}"), {"in_force": "now"} if name != "org_staff_changelist" else {}
        )
        assert response.status_code == 200, name
    points = client.get(reverse("admin:org_receptionpoint_changelist"), {"kind": "buu_dien"})
    assert points.context["cl"].result_count == 3


def test_a_reception_officer_cannot_open_the_admin_site(demo, client):
    client.force_login(get_user_model().objects.get(username="phuxuan.tiepnhan"))
    response = client.get(reverse("admin:org_agency_changelist"))
    assert response.status_code == 302


def test_the_user_page_shows_the_staff_record(demo, client):
    login_as_administrator(client)
    user = get_user_model().objects.get(username="sotuphap.chuyenvien")
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    assert "Chuyên viên Phòng Hành chính tư pháp" in response.content.decode()
