"""Officer sessions end after a working day; citizen sessions have their own limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portal.test_eform import logged_in, make_citizen

from .conftest import LOGIN, log_in, officer

pytestmark = pytest.mark.django_db


REAL_NOW = timezone.now


def later(monkeypatch, delta: dt.timedelta) -> None:
    """Set the clock that sessions read to ``delta`` after the real time."""
    moved = REAL_NOW() + delta
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_an_officer_session_expires_the_configured_hours_after_login(client, hue, settings):
    settings.MOTCUA_STAFF_SESSION_HOURS = 10
    before = timezone.now()
    log_in(client, officer("phuxuan.tiepnhan"))
    expiry = client.session.get_expiry_date()
    assert before + dt.timedelta(hours=10) <= expiry <= timezone.now() + dt.timedelta(hours=10)


def test_an_officer_request_after_the_working_day_is_sent_to_the_login(client, hue, settings, monkeypatch):
    settings.MOTCUA_STAFF_SESSION_HOURS = 10
    log_in(client, officer("phuxuan.tiepnhan"))
    later(monkeypatch, dt.timedelta(hours=9, minutes=50))
    assert client.get("/can-bo/").status_code == 200
    later(monkeypatch, dt.timedelta(hours=10, minutes=1))
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_an_idle_officer_is_logged_out_when_an_idle_limit_is_set(client, hue, settings, monkeypatch):
    settings.MOTCUA_STAFF_IDLE_MINUTES = 30
    log_in(client, officer("phuxuan.tiepnhan"))
    later(monkeypatch, dt.timedelta(minutes=20))
    assert client.get("/can-bo/").status_code == 200
    later(monkeypatch, dt.timedelta(minutes=45))  # 25 minutes after the last request
    assert client.get("/can-bo/").status_code == 200
    later(monkeypatch, dt.timedelta(minutes=80))  # 35 minutes after the last request
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_citizen_session_has_its_own_limit(db, settings):
    settings.MOTCUA_CITIZEN_SESSION_HOURS = 2
    before = timezone.now()
    client = logged_in(make_citizen())
    expiry = client.session.get_expiry_date()
    assert before + dt.timedelta(hours=2) <= expiry <= timezone.now() + dt.timedelta(hours=2)
