"""First-login enrolment of the authenticator app: a fresh secret per page view, bound to that session."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import ENROL, LOGIN, PASSWORD, VERIFY, officer

pytestmark = pytest.mark.django_db


def secret_on(page: str) -> str:
    found = re.search(r'class="ws-secret">([A-Z2-7=]+)<', page)
    assert found is not None, "no secret on the enrolment page"
    return found.group(1)


def code_for(secret: str, *, shift: int = 0) -> str:
    return f"{totp(base64.b32decode(secret), drift=shift):06d}"


def password_step(client: Client, username: str) -> str:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def test_a_secret_read_by_a_password_thief_does_not_log_in_after_the_officer_enrols(hue):
    user = officer("phuvang.tuphap")
    thief, owner = Client(), Client()
    assert password_step(thief, user.username).startswith(ENROL)
    stolen = secret_on(thief.get(ENROL).content.decode())

    assert password_step(owner, user.username).startswith(ENROL)
    own = secret_on(owner.get(ENROL).content.decode())
    assert own != stolen
    assert owner.post(ENROL, {"token": code_for(own)}).status_code == 302
    assert owner.get("/can-bo/").status_code == 200

    assert password_step(thief, user.username).startswith(VERIFY)
    for shift in (-1, 0, 1):
        response = thief.post(VERIFY, {"token": code_for(stolen, shift=shift)})
        assert response.status_code == 200
    assert thief.get("/can-bo/")["Location"].startswith(LOGIN)


def test_each_enrolment_page_view_shows_a_fresh_secret_and_stores_no_device(client, hue):
    user = officer("phuvang.tuphap")
    password_step(client, user.username)
    response = client.get(ENROL)
    assert "no-store" in response["Cache-Control"]
    first = secret_on(response.content.decode())
    second = secret_on(client.get(ENROL).content.decode())
    assert first != second
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Only the secret of the latest page view is accepted.
    response = client.post(ENROL, {"token": code_for(first)})
    assert response.status_code == 200
    assert client.post(ENROL, {"token": code_for(second)}).status_code == 302


def test_an_unconfirmed_device_left_from_before_is_never_reused_and_is_removed(client, hue):
    user = officer("phuvang.tuphap")
    stale = TOTPDevice.objects.create(user=user, name="motcua", confirmed=False)
    stale_secret = base64.b32encode(stale.bin_key).decode()
    password_step(client, user.username)
    secret = secret_on(client.get(ENROL).content.decode())
    assert secret != stale_secret
    assert client.post(ENROL, {"token": code_for(secret)}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_a_second_session_cannot_enrol_once_the_officer_has_a_device(hue):
    user = officer("phuvang.tuphap")
    first, second = Client(), Client()
    password_step(first, user.username)
    password_step(second, user.username)
    late = secret_on(second.get(ENROL).content.decode())
    early = secret_on(first.get(ENROL).content.decode())
    assert first.post(ENROL, {"token": code_for(early)}).status_code == 302
    response = second.post(ENROL, {"token": code_for(late)})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_where_enrolment_by_password_is_off_a_password_alone_registers_no_authenticator(hue, settings):
    settings.MOTCUA_ENROL_WITH_PASSWORD = False  # the production default
    user = officer("phuvang.tuphap")
    thief = Client()
    assert password_step(thief, user.username).startswith(ENROL)
    response = thief.get(ENROL)
    page = response.content.decode()
    assert response.status_code == 403
    assert "ws-secret" not in page and "liên kết kích hoạt" in page
    assert thief.post(ENROL, {"token": "123456"}).status_code == 302  # the password step is forgotten
    assert not TOTPDevice.objects.filter(user=user).exists()
