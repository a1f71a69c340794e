"""The reference identity provider speaks OpenID Connect: discovery, JWKS, code flow with PKCE, userinfo."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

REDIRECT_URI = "http://127.0.0.1:8000/dich-vu-cong/dang-nhap/xong/"
NATIONAL_ID = CITIZENS[0].national_id


def authorize_url(
    idp,
    *,
    challenge: str | None,
    nonce: str = "n-1",
    redirect_uri: str = REDIRECT_URI,
    scope: str = "openid profile address",
    acr_values: str = "LoA1",
) -> str:
    params = {
        "client_id": idp.client_id,
        "response_type": "code",
        "scope": scope,
        "redirect_uri": redirect_uri,
        "state": "s-1",
        "nonce": nonce,
        "acr_values": acr_values,
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return f"{idp.issuer}/authorize?{urlencode(params)}"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def login(url: str, national_id: str, password: str = DEMO_PASSWORD) -> requests.Response:
    return requests.post(
        url,
        data={"national_id": national_id, "password": password, "action": "login"},
        allow_redirects=False,
        timeout=10,
    )


def redirect_params(response: requests.Response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def exchange(idp, code: str, verifier: str) -> requests.Response:
    return requests.post(
        f"{idp.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        auth=(idp.client_id, idp.client_secret),
        timeout=10,
    )


def test_discovery_describes_the_code_flow_with_pkce_and_rs256(idp):
    meta = requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert meta["issuer"] == idp.issuer
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "LoA1" in meta["acr_values_supported"]
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert meta[name].startswith(idp.issuer + "/")
    keys = requests.get(meta["jwks_uri"], timeout=10).json()["keys"]
    assert keys and all("d" not in key for key in keys)  # public parts only


def test_code_flow_issues_a_signed_id_token_with_the_citizen_and_acr(idp):
    citizen = CITIZENS[2]
    verifier, challenge = pkce()
    answer = login(authorize_url(idp, challenge=challenge, nonce="n-42"), citizen.national_id)
    params = redirect_params(answer)
    assert answer.headers["Location"].startswith(REDIRECT_URI) and params["state"] == "s-1"
    token = exchange(idp, params["code"], verifier).json()
    keys = KeySet.import_key_set(requests.get(f"{idp.issuer}/jwks", timeout=10).json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256"
    claims = decoded.claims
    assert claims["iss"] == idp.issuer and idp.client_id in claims["aud"]
    assert (claims["sub"], claims["national_id"], claims["name"]) == (
        citizen.national_id,
        citizen.national_id,
        citizen.full_name,
    )
    assert claims["nonce"] == "n-42" and claims["acr"] == "LoA1"
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    info = requests.get(f"{idp.issuer}/userinfo", headers=bearer, timeout=10).json()
    assert info["birthdate"] == citizen.birthdate
    assert info["address"]["region"] == "Thành phố Huế"


def test_a_code_cannot_be_used_twice_nor_without_the_pkce_verifier(idp):
    verifier, challenge = pkce()
    code = redirect_params(login(authorize_url(idp, challenge=challenge, nonce="n-2"), NATIONAL_ID))["code"]
    assert exchange(idp, code, "sai-" + verifier).json()["error"] == "invalid_grant"
    verifier, challenge = pkce()
    code = redirect_params(login(authorize_url(idp, challenge=challenge, nonce="n-3"), NATIONAL_ID))["code"]
    assert exchange(idp, code, verifier).status_code == 200
    assert exchange(idp, code, verifier).json()["error"] == "invalid_grant"


def test_an_authorization_request_without_pkce_is_refused(idp):
    url = authorize_url(idp, challenge=None, nonce="n-4")
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert redirect_params(response)["error"] == "invalid_request"


def test_a_redirect_uri_off_loopback_is_refused_without_redirecting(idp):
    _, challenge = pkce()
    url = authorize_url(
        idp,
        challenge=challenge,
        nonce="n-5",
        redirect_uri="https://evil.example/dich-vu-cong/dang-nhap/xong/",
    )
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert "Yêu cầu xác thực không hợp lệ" in response.text


def test_a_wrong_password_keeps_the_citizen_on_the_login_form(idp):
    _, challenge = pkce()
    response = login(authorize_url(idp, challenge=challenge, nonce="n-6"), CITIZENS[0].national_id, "sai")
    assert response.status_code == 401
    assert "Số định danh cá nhân hoặc mật khẩu không đúng." in response.text


def test_userinfo_needs_a_valid_bearer_token(idp):
    bearer = {"Authorization": "Bearer khong-hop-le"}
    response = requests.get(f"{idp.issuer}/userinfo", headers=bearer, timeout=10)
    assert response.status_code == 401
