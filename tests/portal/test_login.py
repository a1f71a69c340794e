"""Login with the national e-ID over OpenID Connect, against the reference provider running as a process."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from motcua.portal.services import citizen_username

from .conftest import PORTAL_HOST

pytestmark = pytest.mark.django_db

LOGIN = "/dich-vu-cong/dang-nhap/"
CALLBACK = "/dich-vu-cong/dang-nhap/xong/"


def start(client, next_url: str = "/dich-vu-cong/thu-tuc/1.001193/") -> str:
    response = client.get(LOGIN, {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def session_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_redirects_to_the_provider_with_pkce_nonce_state_and_acr(eid, portal_client):
    url = start(portal_client)
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}" == eid.issuer and parts.path == "/authorize"
    assert params["client_id"] == eid.client_id and params["response_type"] == "code"
    assert params["redirect_uri"] == f"http://{PORTAL_HOST}{CALLBACK}"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert params["state"] and params["nonce"] and params["acr_values"] == "LoA1"
    assert "openid" in params["scope"].split()


def test_the_provider_is_asked_for_the_page_language_then_vietnamese(eid, portal_client):
    def ui_locales() -> str:
        return parse_qs(urlsplit(start(portal_client)).query)["ui_locales"][0]

    assert ui_locales() == "vi"
    portal_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ui_locales() == "en vi"


def test_citizen_logs_in_and_gets_an_account_named_after_the_e_id(
    eid, portal_client, provider_login, citizen
):
    answer = provider_login(start(portal_client), national_id=citizen.national_id)
    assert answer.path == CALLBACK
    response = portal_client.get(f"{answer.path}?{answer.query}")
    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/thu-tuc/1.001193/"
    user = get_user_model().objects.get(username=citizen_username(citizen.national_id))
    assert (user.national_id, user.full_name) == (citizen.national_id, citizen.full_name)
    assert user.birth_date.isoformat() == citizen.birthdate  # the "profile" scope: kept for prefilling
    assert user.sex == {"male": "Nam", "female": "Nữ"}[citizen.gender]
    assert not user.has_usable_password() and not user.is_staff
    assert str(session_user_id(portal_client)) == str(user.pk)
    assert portal_client.session["portal_acr"] == "LoA1"
    page = portal_client.get("/dich-vu-cong/")
    assert citizen.full_name in page.content.decode()


def test_a_second_login_reuses_the_same_account(eid, portal_client, provider_login, citizen):
    for _ in range(2):
        answer = provider_login(start(portal_client), national_id=citizen.national_id)
        assert portal_client.get(f"{answer.path}?{answer.query}").status_code == 302
    assert get_user_model().objects.filter(national_id=citizen.national_id).count() == 1


def test_a_callback_whose_state_is_not_this_sessions_is_refused_and_creates_nothing(
    eid, portal_client, provider_login, citizen
):
    answer = provider_login(start(portal_client), national_id=citizen.national_id)
    forged = {**answer.params, "state": "trang-thai-gia-mao"}
    users_before = get_user_model().objects.count()
    response = portal_client.get(CALLBACK, forged)
    assert response.status_code == 400
    body = response.content.decode()
    assert "mã state không khớp" in body and 'data-error-code="login.state_mismatch"' in body
    assert get_user_model().objects.count() == users_before
    assert session_user_id(portal_client) is None


def test_an_id_token_whose_nonce_is_not_this_sessions_is_refused_and_creates_nothing(
    eid, portal_client, provider_login, citizen
):
    answer = provider_login(start(portal_client), national_id=citizen.national_id)
    session = portal_client.session
    key = f"_state_eid_{answer.params['state']}"
    stored = session[key]
    stored["data"]["nonce"] = "nonce-cua-phien-khac"
    session[key] = stored
    session.save()
    users_before = get_user_model().objects.count()
    response = portal_client.get(f"{answer.path}?{answer.query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "mã nonce không khớp" in body and 'data-error-code="login.nonce_mismatch"' in body
    assert get_user_model().objects.count() == users_before
    assert session_user_id(portal_client) is None


def test_a_code_issued_to_another_browser_fails_pkce_and_logs_nobody_in(eid, provider_login, citizen):
    from django.test import Client

    victim, attacker = Client(HTTP_HOST=PORTAL_HOST), Client(HTTP_HOST=PORTAL_HOST)
    victim_state = parse_qs(urlsplit(start(victim)).query)["state"][0]
    stolen = provider_login(start(attacker), national_id=citizen.national_id)
    response = victim.get(CALLBACK, {"code": stolen.params["code"], "state": victim_state})
    assert response.status_code == 400
    assert 'data-error-code="login.failed"' in response.content.decode()
    assert session_user_id(victim) is None
    assert not get_user_model().objects.filter(national_id=citizen.national_id).exists()


def test_a_citizen_who_cancels_at_the_provider_is_told_so(eid, portal_client, provider_login, citizen):
    answer = provider_login(start(portal_client), national_id="", password="", action="cancel")
    assert answer.params["error"] == "access_denied"
    response = portal_client.get(f"{answer.path}?{answer.query}")
    assert response.status_code == 400
    assert "Bạn đã hủy đăng nhập" in response.content.decode()
    assert session_user_id(portal_client) is None


def test_an_unreachable_provider_gives_a_clear_message(settings, portal_client):
    from motcua.portal import oidc
    from refservices.idp.process import free_port

    settings.MOTCUA_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    oidc.forget_clients()
    response = portal_client.get(LOGIN)
    oidc.forget_clients()
    assert response.status_code == 503
    assert "Hệ thống định danh điện tử đang không phản hồi" in response.content.decode()


def test_a_foreign_next_address_is_ignored(eid, portal_client, provider_login, citizen):
    url = start(portal_client, next_url="https://evil.example/")
    answer = provider_login(url, national_id=citizen.national_id)
    response = portal_client.get(f"{answer.path}?{answer.query}")
    assert response["Location"] == "/dich-vu-cong/"


def test_logout_ends_the_session(eid, portal_client, provider_login, citizen):
    answer = provider_login(start(portal_client), national_id=citizen.national_id)
    portal_client.get(f"{answer.path}?{answer.query}")
    assert session_user_id(portal_client) is not None
    response = portal_client.post("/dich-vu-cong/dang-xuat/")
    assert response.status_code == 302
    assert session_user_id(portal_client) is None


def test_a_lower_level_of_assurance_than_asked_is_refused(
    eid, settings, portal_client, provider_login, citizen
):
    settings.MOTCUA_OIDC_ACR_VALUES = "LoA2"
    answer = provider_login(start(portal_client), national_id=citizen.national_id)
    response = portal_client.get(f"{answer.path}?{answer.query}")
    assert response.status_code == 400
    assert 'data-error-code="login.assurance"' in response.content.decode()
    assert session_user_id(portal_client) is None


CRAFTED_ERROR = "<script>steal_session()</script>"
CRAFTED_DESCRIPTION = "Tài khoản của bạn bị khóa. Gọi ngay 0900 000 000 và đọc mã OTP để mở khóa"


def test_a_provider_error_in_the_callback_shows_only_the_fixed_message(eid, portal_client, caplog):
    state = parse_qs(urlsplit(start(portal_client)).query)["state"][0]
    with caplog.at_level("WARNING", logger="motcua.portal.oidc"):
        response = portal_client.get(
            CALLBACK, {"error": CRAFTED_ERROR, "error_description": CRAFTED_DESCRIPTION, "state": state}
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "steal_session" not in body and "script&gt;" not in body and "0900 000 000" not in body
    assert 'data-error-code="login.failed"' in body
    assert "Hệ thống định danh điện tử từ chối yêu cầu đăng nhập. Vui lòng thử lại." in body
    assert session_user_id(portal_client) is None
    assert any("login.failed" in record.getMessage() for record in caplog.records)


def test_a_broken_discovery_document_is_retried_and_a_fixed_provider_works_without_restart(
    settings, portal_client, provider_login, citizen, tmp_path
):
    """A provider first answering with a wrong discovery document, then the real one on the same address."""
    import json
    import subprocess
    import sys
    import time

    from motcua.portal import oidc
    from refservices.idp.process import free_port, running_idp, wait_until_up

    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    broken = tmp_path / "broken"
    (broken / ".well-known").mkdir(parents=True)
    (broken / ".well-known" / "openid-configuration").write_text(
        json.dumps({"issuer": issuer, "authorization_endpoint": "http://elsewhere.example/authorize"})
    )
    settings.MOTCUA_OIDC_ISSUER = issuer
    settings.MOTCUA_OIDC_DISCOVERY_RETRY_SECONDS = 1
    oidc.forget_clients()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(broken)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"{issuer}/.well-known/openid-configuration", process=server)
        first = portal_client.get(LOGIN)
        assert first.status_code == 503
        assert 'data-error-code="login.provider_config"' in first.content.decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
    with running_idp(state_dir=tmp_path / "idp", port=port) as idp:
        settings.MOTCUA_OIDC_CLIENT_ID = idp.client_id
        settings.MOTCUA_OIDC_CLIENT_SECRET = idp.client_secret
        time.sleep(1.2)  # the failure is remembered for the retry period only
        url = start(portal_client)
        answer = provider_login(url, national_id=citizen.national_id)
        assert portal_client.get(f"{answer.path}?{answer.query}").status_code == 302
        assert session_user_id(portal_client) is not None
    oidc.forget_clients()
