"""One-time enrolment link: an administrator issues it, the officer sets a password and enrols TOTP once."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

OFFICER = "phuvang.tuphap"
ACTIVATE = "/can-bo/kich-hoat/"
NEW_PASSWORD = "Lúa-vàng-Phú-Vang-2026"


def issue(username: str = OFFICER, *extra: str) -> str:
    out = io.StringIO()
    call_command("enrolment_link", username, "--base-url", "http://testserver", *extra, stdout=out)
    found = re.search(r"http://testserver(/can-bo/kich-hoat/\S+/)", out.getvalue())
    assert found is not None, out.getvalue()
    return found.group(1)


def secret_on(page: str) -> str:
    found = re.search(r'class="ws-secret">([A-Z2-7=]+)<', page)
    assert found is not None, "no secret on the enrolment page"
    return found.group(1)


def complete(client: Client, link: str) -> object:
    response = client.get(link, follow=True)
    assert response.status_code == 200, response.content.decode()[:500]
    secret = secret_on(response.content.decode())
    return client.post(
        ACTIVATE,
        {
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "token": f"{totp(base64.b32decode(secret)):06d}",
        },
    )


def test_the_link_sets_the_password_and_enrols_the_authenticator_once(client):
    link = issue()
    response = complete(client, link)
    assert response.status_code == 302
    assert client.get("/can-bo/").status_code == 200
    user = get_user_model().objects.get(username=OFFICER)
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1

    again = Client().get(link, follow=True)
    assert again.status_code == 410
    assert "đã được sử dụng" in again.content.decode()


def test_the_token_is_not_stored_and_not_left_in_the_address_bar(client):
    from motcua.accounts.models import EnrolmentLink

    link = issue()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not EnrolmentLink.objects.filter(token_hash__contains=token).exists()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == ACTIVATE


def test_an_expired_link_is_refused(client):
    from motcua.accounts.services import issue_enrolment_link

    user = get_user_model().objects.get(username=OFFICER)
    hours = settings.MOTCUA_ENROLMENT_LINK_HOURS
    issued = issue_enrolment_link(user=user, now=timezone.now() - dt.timedelta(hours=hours, minutes=1))
    response = client.get(issued.path, follow=True)
    assert response.status_code == 410
    assert "đã hết hạn" in response.content.decode()


def test_the_link_lasts_as_long_as_configured(client, settings):
    from motcua.accounts.services import issue_enrolment_link

    settings.MOTCUA_ENROLMENT_LINK_HOURS = 2
    user = get_user_model().objects.get(username=OFFICER)
    issued = issue_enrolment_link(user=user, now=timezone.now() - dt.timedelta(hours=3))
    assert client.get(issued.path, follow=True).status_code == 410
    assert issued.expires_at - issued.issued_at == dt.timedelta(hours=2)


def test_a_tampered_link_is_refused(client):
    link = issue()
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    response = client.get(tampered, follow=True)
    assert response.status_code == 404
    assert "không hợp lệ" in response.content.decode()
    assert Client().get(f"{ACTIVATE}x/", follow=True).status_code == 404


def test_a_link_opened_twice_is_used_only_once(client):
    link = issue()
    late = Client()
    late.get(link)  # opened, not completed yet
    assert complete(client, link).status_code == 302
    response = late.get(ACTIVATE)
    assert response.status_code == 410
    assert "đã được sử dụng" in response.content.decode()


def test_a_newer_link_replaces_the_older_one(client):
    older = issue()
    issue()
    response = client.get(older, follow=True)
    assert response.status_code == 410
    assert "liên kết mới hơn" in response.content.decode()


def test_a_wrong_code_or_weak_password_changes_nothing(client):
    link = issue()
    user = get_user_model().objects.get(username=OFFICER)
    client.get(link)
    secret_on(client.get(ACTIVATE).content.decode())
    response = client.post(ACTIVATE, {"new_password1": "123", "new_password2": "123", "token": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not user.check_password("123")
    # the link still works
    assert complete(client, link).status_code == 302


def test_the_refusal_pages_speak_english_to_an_english_reader(client):
    link = issue()
    complete(Client(), link)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(link, follow=True)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_the_link_replaces_a_lost_authenticator(client):
    user = get_user_model().objects.get(username=OFFICER)
    lost = TOTPDevice.objects.create(user=user, name="lost phone", confirmed=True)
    assert complete(client, issue()).status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


def test_the_administrator_issues_a_link_from_the_user_list(admin_client):
    user = get_user_model().objects.get(username=OFFICER)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_links", "_selected_action": [user.pk]},
    )
    assert response.status_code == 200
    found = re.search(r"http://testserver(/can-bo/kich-hoat/[^/\"<\s]+/)", response.content.decode())
    assert found is not None
    assert complete(Client(), found.group(1)).status_code == 302


def test_the_command_refuses_an_unknown_or_citizen_account(django_user_model):
    django_user_model.objects.create_user(username="nguoidan", password="x")
    with pytest.raises(CommandError, match="unknown username"):
        call_command("enrolment_link", "khong-co-ai", stdout=io.StringIO())
    with pytest.raises(CommandError, match="nguoidan"):
        call_command("enrolment_link", "nguoidan", stdout=io.StringIO())
