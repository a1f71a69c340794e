"""The admin site: only administrators with a verified second factor; device secrets never shown."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import LOGIN, PASSWORD, log_in, officer

pytestmark = pytest.mark.django_db

ADMINISTRATOR = "hue.quantri"


def test_admin_refuses_the_administrators_password_alone(client, hue):
    admin = officer(ADMINISTRATOR)
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.post("/admin/login/", {"username": admin.username, "password": PASSWORD, "next": "/admin/"})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_password_only_session_does_not_open_admin_pages(client, hue):
    admin = officer(ADMINISTRATOR)
    client.force_login(admin)  # what a password-only login leaves behind
    response = client.get(reverse("admin:org_agency_changelist"))
    assert response.status_code == 302


def test_the_admin_login_page_sends_to_the_workspace_login_with_its_second_factor(client, hue):
    response = client.get("/admin/login/?next=/admin/org/agency/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Forg%2Fagency%2F"


def test_admin_pages_open_after_password_and_totp_code(client, hue):
    admin = officer(ADMINISTRATOR)
    log_in(client, admin)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:org_agency_changelist")).status_code == 200


def test_an_officer_who_is_not_an_administrator_is_refused_by_the_admin(client, hue):
    clerk = officer("phuxuan.tiepnhan")
    log_in(client, clerk)
    response = client.get(reverse("admin:org_agency_changelist"))
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 403
    assert "không có quyền quản trị" in response.content.decode()


def test_the_totp_device_admin_pages_never_show_the_secret_key(client, hue):
    clerk = officer("phuxuan.tiepnhan")
    device = TOTPDevice.objects.create(user=clerk, name="điện thoại", confirmed=True)
    secrets = (device.key, device.key.upper(), base64.b32encode(device.bin_key).decode().rstrip("="))
    log_in(client, officer(ADMINISTRATOR))
    pages = [
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_totp_totpdevice_changelist"),
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        reverse("admin:otp_totp_totpdevice_add"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert not any(secret in page for secret in secrets), url
        assert "otpauth://" not in page and "qrcode_link" not in page, url
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert "điện thoại" in listing


def test_the_static_device_admin_pages_never_show_backup_codes(client, hue):
    clerk = officer("phuxuan.tiepnhan")
    device = StaticDevice.objects.create(user=clerk, name="mã dự phòng", confirmed=True)
    StaticToken.objects.create(device=device, token="k7q2m9x4")
    log_in(client, officer(ADMINISTRATOR))
    for url in (
        reverse("admin:otp_static_staticdevice_changelist"),
        reverse("admin:otp_static_staticdevice_change", args=[device.pk]),
    ):
        page = client.get(url).content.decode()
        assert "k7q2m9x4" not in page, url
