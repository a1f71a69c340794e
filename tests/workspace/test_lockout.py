"""Lockout after repeated wrong passwords: per username AND address, with the way out on the page."""

from __future__ import annotations

import pytest
from django.conf import settings

from .conftest import ENROL, LOGIN, PASSWORD, VERIFY, officer

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.7"


def fail_until_locked(client, username: str, *, address: str):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": username, "password": "sai-mat-khau"}, REMOTE_ADDR=address)
    assert response.status_code == 429
    return response


def test_failures_from_one_address_do_not_lock_the_officer_out_from_another(client, hue):
    user = officer("phuxuan.tiepnhan")
    fail_until_locked(client, user.username, address=ATTACKER)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    assert response["Location"].startswith((VERIFY, ENROL))  # on to the second factor


def test_the_attacking_address_stays_locked_for_that_officer(client, hue):
    user = officer("phuxuan.tiepnhan")
    fail_until_locked(client, user.username, address=ATTACKER)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429


def test_the_locked_page_says_how_to_get_unlocked(client, hue):
    user = officer("phuxuan.tiepnhan")
    page = fail_until_locked(client, user.username, address=ATTACKER).content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"{minutes} phút" in page
    assert "quản trị viên" in page
    assert "axes_reset_username" in page


def test_the_locked_page_speaks_english_to_an_english_reader(client, hue):
    user = officer("phuxuan.tiepnhan")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = fail_until_locked(client, user.username, address=ATTACKER).content.decode()
    assert "30 minutes" in page
    assert "administrator" in page
