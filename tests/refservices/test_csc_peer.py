"""The reference remote-signing peer (refservices.csc): the CSC API v1 over the test PKI, a real
process."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest


def call(csc, path: str, body: dict, *, authorization: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(f"{csc.url}{path}", data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {}


@pytest.fixture
def csc(csc_process):
    csc_process.start()
    return csc_process


def test_every_call_but_info_needs_an_access_token(csc):
    assert call(csc, "/csc/v1/info", {})[0] == 200
    assert call(csc, "/csc/v1/credentials/list", {})[0] == 401
    assert call(csc, "/csc/v1/credentials/list", {}, authorization="Bearer wrong")[0] == 401
    assert call(csc, "/csc/v1/credentials/list", {}, authorization=f"Bearer {csc.access_token}")[0] == 200


def test_login_trades_user_credentials_for_an_access_token(csc):
    good = base64.b64encode(f"{csc.username}:{csc.password}".encode()).decode()
    bad = base64.b64encode(f"{csc.username}:wrong".encode()).decode()

    assert call(csc, "/csc/v1/auth/login", {}, authorization=f"Basic {bad}")[0] == 401
    status, answer = call(csc, "/csc/v1/auth/login", {}, authorization=f"Basic {good}")
    assert status == 200
    assert (
        call(csc, "/csc/v1/credentials/list", {}, authorization=f"Bearer {answer['access_token']}")[0] == 200
    )


def test_the_credentials_are_the_certificates_issued_with_their_key_after_start(csc, pki):
    issued = pki.pki.issue("seal", "Ủy ban nhân dân phường Vỹ Dạ")  # while the peer runs

    status, answer = call(csc, "/csc/v1/credentials/list", {}, authorization=f"Bearer {csc.access_token}")

    assert status == 200
    assert csc.credential_id(issued) in answer["credentialIDs"]
    assert not {"motcua-test/root", "motcua-test/interm", "motcua-test/tsa", "motcua-test/ocsp"} & set(
        answer["credentialIDs"]
    )
    status, info = call(
        csc,
        "/csc/v1/credentials/info",
        {"credentialID": csc.credential_id(issued), "certificates": "chain"},
        authorization=f"Bearer {csc.access_token}",
    )
    assert status == 200
    assert info["key"]["status"] == "enabled"
    assert len(info["cert"]["certificates"]) == 3  # the seal, the issuing CA, the root
