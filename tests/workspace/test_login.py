"""Officer login: password, then a TOTP code; enrolment on first login; lockout after repeated failures."""

from __future__ import annotations

import base64
import re

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import ENROL, LOGIN, PASSWORD, VERIFY, current_token, log_in, officer

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_alone_does_not_open_the_workspace(client, hue):
    user = officer("phuxuan.tiepnhan")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response["Location"].startswith(VERIFY)
    assert client.get("/can-bo/")["Location"].startswith(LOGIN)


def test_password_and_current_totp_code_open_the_inbox(client, hue):
    user = officer("phuxuan.tiepnhan")
    log_in(client, user)
    response = client.get("/can-bo/")
    assert response.status_code == 200
    assert "Hồ sơ đang chờ tôi xử lý" in response.content.decode()


def test_a_wrong_totp_code_is_refused(client, hue):
    user = officer("phuxuan.tiepnhan")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get("/can-bo/")["Location"].startswith(LOGIN)


def test_first_login_enrols_an_authenticator_with_a_qr_code_and_a_confirming_code(client, hue):
    user = officer("phuvang.tuphap")
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response["Location"].startswith(ENROL)
    page = client.get(ENROL).content.decode()
    assert "<svg" in page
    assert not TOTPDevice.objects.filter(user=user).exists()  # stored only once a code confirms it
    secret = re.search(r'class="ws-secret">([A-Z2-7=]+)<', page)
    assert secret is not None
    code = f"{totp(base64.b32decode(secret.group(1))):06d}"
    response = client.post(ENROL, {"token": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/can-bo/").status_code == 200


def test_a_citizen_account_cannot_log_in_to_the_workspace(client, hue, django_user_model):
    django_user_model.objects.create_user(username="nguoidan", password=PASSWORD)
    response = client.post(LOGIN, {"username": "nguoidan", "password": PASSWORD})
    assert response.status_code == 200
    assert "không phải là tài khoản cán bộ" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_login_with_a_vietnamese_message(client, hue):
    user = officer("phuxuan.tiepnhan")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": user.username, "password": "sai-mat-khau"})
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    response = client.post(LOGIN, {"username": user.username, "password": "sai-mat-khau"})
    assert response.status_code == 429
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm thời bị khóa đăng nhập" in response.content.decode()
