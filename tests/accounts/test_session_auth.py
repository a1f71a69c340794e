"""request.user from the session row (motcua.accounts.session_auth): one query for the session, the account,
the officer's staff record and the authenticator device, with every check Django's get_user and
django-otp's OTPMiddleware make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import Session
from motcua.accounts.session_auth import SessionUserMiddleware
from motcua.accounts.session_store import SessionStore
from motcua.accounts.sessions import IdleStaffSessionMiddleware
from motcua.core import prepared
from motcua.dossiers import access
from motcua.org.selectors import staff_of
from motcua.workspace.access import is_officer
from otp_sessions import verified_session

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
OFFICER = "phuxuan.tiepnhan"
OURS = (SessionUserMiddleware,)
DJANGOS = (AuthenticationMiddleware, OTPMiddleware)


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.filter(username=OFFICER).select_related("staff").first()
    if user is None:
        pytest.skip(f"needs the demo organization ({OFFICER})")
    return user


@pytest.fixture
def citizen(django_user_model):
    return django_user_model.objects.create_user("nguoi.dan", password="Mật-khẩu-công-dân-1")


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def session_data(user, device=None, *, backend: str = MODEL_BACKEND) -> dict[str, Any]:
    """What login() and django_otp.login() leave in a session."""
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: backend,
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    if device is not None:
        data[DEVICE_ID_SESSION_KEY] = device.persistent_id
    return data


def saved_session(data: dict[str, Any]) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    assert store.session_key is not None
    return store.session_key


def run(
    middleware: tuple[type, ...], session_key: str, inspect: Callable[[HttpRequest], Any]
) -> tuple[Any, Any]:
    """One request through SessionMiddleware and ``middleware`` to a view that returns ``inspect(request)``;
    also the session as the request left it."""
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = session_key
    seen: list[Any] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(inspect(request))
        return HttpResponse()

    handler: Any = view
    for middleware_class in reversed((SessionMiddleware, *middleware)):
        handler = middleware_class(handler)
    handler(request)
    return seen[0], request.session


def who(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    device = getattr(user, "otp_device", None)  # after logout(), a plain AnonymousUser
    return {
        "authenticated": user.is_authenticated,
        "pk": user.pk,
        "verified": getattr(user, "is_verified", lambda: False)(),
        "device": device.persistent_id if device is not None else None,
        "session": sorted(request.session.keys()),
    }


def same_as_django(data: dict[str, Any], change: Callable[[], Any] = lambda: None) -> dict[str, Any]:
    """The user our middleware gives for a session holding ``data`` (after ``change``), asserted equal to
    what Django's AuthenticationMiddleware and django-otp's OTPMiddleware give for the same session."""
    ours_key, djangos_key = saved_session(data), saved_session(data)
    change()
    ours, _ = run(OURS, ours_key, who)
    djangos, _ = run(DJANGOS, djangos_key, who)
    assert ours == djangos
    return ours


# --- the same answers as Django and django-otp ----------------------------------------------------------


def test_an_officer_with_a_confirmed_authenticator_is_verified(officer):
    device = totp_device(officer)
    seen = same_as_django(session_data(officer, device))
    assert seen["authenticated"] and seen["pk"] == officer.pk and seen["verified"]
    assert seen["device"] == device.persistent_id


def test_a_session_without_an_account_is_anonymous(db):
    seen = same_as_django({"anything": 1})
    assert not seen["authenticated"] and not seen["verified"]


def test_a_password_only_session_is_not_verified(citizen):
    seen = same_as_django(session_data(citizen))
    assert seen["authenticated"] and not seen["verified"]


def test_a_password_change_logs_the_other_sessions_out(officer):
    def change_password() -> None:
        officer.set_password("Mật-khẩu-mới-2026-x")
        officer.save()

    seen = same_as_django(session_data(officer, totp_device(officer)), change_password)
    assert not seen["authenticated"] and seen["session"] == []


def test_a_session_without_its_auth_hash_is_logged_out(officer):
    data = session_data(officer)
    del data[HASH_SESSION_KEY]
    seen = same_as_django(data)
    assert not seen["authenticated"] and seen["session"] == []


def test_an_inactive_account_is_refused(officer, django_user_model):
    seen = same_as_django(
        session_data(officer, totp_device(officer)),
        lambda: django_user_model.objects.filter(pk=officer.pk).update(is_active=False),
    )
    assert not seen["authenticated"] and not seen["verified"]


def test_a_deleted_account_is_anonymous(citizen):
    seen = same_as_django(session_data(citizen), citizen.delete)
    assert not seen["authenticated"]


def test_a_backend_no_longer_configured_is_anonymous(citizen):
    seen = same_as_django(session_data(citizen, backend="motcua.accounts.gone.Backend"))
    assert not seen["authenticated"]


def test_the_device_of_another_user_does_not_verify_and_is_forgotten(officer, citizen):
    seen = same_as_django(session_data(officer, totp_device(citizen)))
    assert seen["authenticated"] and not seen["verified"]
    assert DEVICE_ID_SESSION_KEY not in seen["session"]


def test_an_unconfirmed_device_does_not_verify(officer):
    seen = same_as_django(session_data(officer, totp_device(officer, confirmed=False)))
    assert seen["authenticated"] and not seen["verified"]
    assert DEVICE_ID_SESSION_KEY not in seen["session"]


def test_a_deleted_device_does_not_verify(officer):
    device = totp_device(officer)
    seen = same_as_django(session_data(officer, device), device.delete)
    assert seen["authenticated"] and not seen["verified"]


def raw_delete(table: str, pk: int) -> Callable[[], None]:
    """Delete a row behind the ORM's back (no cascade, no SET NULL): the session row keeps a dangling id."""

    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])

    return delete


def test_a_device_deleted_behind_the_orms_back_does_not_verify(officer):
    device = totp_device(officer)
    seen = same_as_django(session_data(officer, device), raw_delete("otp_totp_totpdevice", device.pk))
    assert seen["authenticated"] and not seen["verified"]


def test_an_account_deleted_behind_the_orms_back_is_anonymous(citizen):
    seen = same_as_django(session_data(citizen), raw_delete("accounts_user", citizen.pk))
    assert not seen["authenticated"]


def test_backup_codes_verify_too(officer):
    device = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    seen = same_as_django(session_data(officer, device))
    assert seen["verified"] and seen["device"] == device.persistent_id


def test_a_legacy_device_id_is_still_understood(officer):
    device = totp_device(officer)
    data = session_data(officer, device)
    data[DEVICE_ID_SESSION_KEY] = f"django_otp.plugins.otp_totp.models.TOTPDevice/{device.pk}"
    seen = same_as_django(data)
    assert seen["verified"] and seen["device"] == device.persistent_id


def test_a_hash_made_with_an_old_secret_is_renewed_with_a_new_session_key(officer, settings):
    old_secret, new_secret = "o" * 50, "n" * 50
    settings.SECRET_KEY = old_secret
    data = session_data(officer, totp_device(officer))
    ours_key, djangos_key = saved_session(data), saved_session(data)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new_secret, [old_secret]
    (ours, session), (djangos, _) = run(OURS, ours_key, who), run(DJANGOS, djangos_key, who)
    assert ours == djangos and ours["authenticated"] and ours["verified"]
    assert session.session_key != ours_key
    assert session[HASH_SESSION_KEY] == officer.get_session_auth_hash()


def test_the_async_accessor_gives_the_same_user(officer):
    device = totp_device(officer)
    session_key = saved_session(session_data(officer, device))

    def both(request: HttpRequest) -> tuple[Any, Any]:
        return async_to_sync(request.auser)(), request.user  # type: ignore[attr-defined]

    (from_auser, user), _ = run(OURS, session_key, both)
    assert from_auser.pk == user.pk == officer.pk and from_auser.is_verified()


# --- the row and the data agree ------------------------------------------------------------------------


def test_the_session_row_carries_the_account_and_the_device(officer):
    device = totp_device(officer)
    row = Session.objects.get(session_key=saved_session(session_data(officer, device)))
    assert (row.user_id, row.totp_device_id) == (officer.pk, device.pk)
    backup = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    row = Session.objects.get(session_key=saved_session(session_data(officer, backup)))
    assert (row.user_id, row.totp_device_id) == (officer.pk, None)


def test_the_data_wins_over_a_row_out_of_step(officer, citizen):
    session_key = saved_session(session_data(citizen))
    Session.objects.filter(session_key=session_key).update(user=officer)
    seen, _ = run(OURS, session_key, who)
    assert seen["pk"] == citizen.pk


def test_the_workspace_login_and_logout_keep_the_row_in_step(officer, client):
    verified_session(officer, client)
    row = Session.objects.get(session_key=client.session.session_key)
    assert row.user_id == officer.pk and row.totp_device_id is not None
    client.post("/can-bo/dang-xuat/")
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert not Session.objects.filter(user=officer).exists()


def test_deleting_an_account_ends_its_sessions(citizen):
    session_key = saved_session(session_data(citizen))
    citizen.delete()
    assert not Session.objects.filter(session_key=session_key).exists()


def test_an_expired_session_is_anonymous(citizen, monkeypatch):
    store = SessionStore()
    store.update(session_data(citizen))
    store.set_expiry(60)
    store.save()
    moved = timezone.now() + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    seen, _ = run(OURS, store.session_key or "", who)
    assert not seen["authenticated"] and seen["session"] == []


def test_an_idle_officer_is_logged_out_and_the_row_deleted(officer, settings, monkeypatch):
    settings.MOTCUA_STAFF_IDLE_MINUTES = 30
    data = session_data(officer, totp_device(officer))
    data.update({"motcua_staff_session": True, "motcua_last_seen": int(timezone.now().timestamp())})
    session_key = saved_session(data)
    moved = timezone.now() + dt.timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    seen, _ = run((*OURS, IdleStaffSessionMiddleware), session_key, who)
    assert not seen["authenticated"] and not seen["verified"]
    assert not Session.objects.filter(session_key=session_key).exists()


# --- what it costs ----------------------------------------------------------------------------------------


def officer_checks(request: HttpRequest) -> dict[str, Any]:
    """What the workspace asks about its user before and while a page renders."""
    user = request.user
    staff = staff_of(user=user)
    return {
        "officer": is_officer(user),
        "agency": staff.agency.code if staff is not None else None,
        "same staff": access.staff_of(user) is staff,
        "device": user.otp_device.pk,  # type: ignore[union-attr]
    }


def test_an_officer_request_reads_session_account_staff_and_device_in_one_query(officer):
    device = totp_device(officer)
    session_key = saved_session(session_data(officer, device))
    with CaptureQueriesContext(connection) as queries:
        seen, _ = run(OURS, session_key, officer_checks)
    assert seen == {
        "officer": True,
        "agency": officer.staff.agency.code,
        "same staff": True,
        "device": device.pk,
    }
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]


def test_backup_codes_cost_one_query_more(officer):
    device = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    session_key = saved_session(session_data(officer, device))
    with CaptureQueriesContext(connection) as queries:
        seen, _ = run(OURS, session_key, officer_checks)
    assert seen["officer"] and seen["device"] == device.pk
    assert len(queries) == 2


def test_an_officer_page_reads_no_account_table_after_the_session(officer, client):
    verified_session(officer, client)
    client.get("/can-bo/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/can-bo/").status_code == 200
    sql = [prepared.readable(q["sql"]) for q in queries.captured_queries]  # prepared on PostgreSQL
    assert 'FROM "accounts_session"' in sql[0]
    reads = (
        'FROM "accounts_user"',
        'FROM "otp_totp_totpdevice"',
        'FROM "org_staff"',
        'FROM "django_session"',
    )
    assert not [s for s in sql[1:] if any(table in s for table in reads)]
