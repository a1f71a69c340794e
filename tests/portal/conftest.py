"""Portal fixtures: the reference identity provider as a real separate process, and a loopback client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from motcua.portal import oidc
from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD
from refservices.idp.process import RunningIdp, running_idp

# The provider accepts redirect URIs on loopback only, so the test client speaks as 127.0.0.1.
PORTAL_HOST = "127.0.0.1:8000"


@pytest.fixture(scope="session")
def idp(tmp_path_factory) -> RunningIdp:
    with running_idp(state_dir=tmp_path_factory.mktemp("idp")) as running:
        yield running


@pytest.fixture
def eid(idp, settings):
    """Point the portal at the running reference provider."""
    settings.MOTCUA_OIDC_ISSUER = idp.issuer
    settings.MOTCUA_OIDC_CLIENT_ID = idp.client_id
    settings.MOTCUA_OIDC_CLIENT_SECRET = idp.client_secret
    oidc.forget_clients()
    yield idp
    oidc.forget_clients()


@pytest.fixture
def portal_client() -> Client:
    return Client(HTTP_HOST=PORTAL_HOST)


@pytest.fixture
def citizen():
    return CITIZENS[0]


@dataclass
class ProviderAnswer:
    """Where the provider sent the browser back: the callback path and its query string."""

    path: str
    query: str

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.query).items()}


def login_at_provider(
    authorize_url: str, *, national_id: str, password: str = DEMO_PASSWORD, action: str = "login"
) -> ProviderAnswer:
    """Do what the citizen does on the provider's page: submit the login form, follow nothing."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    assert re.search(r'name="national_id"', page.text)
    form = {"national_id": national_id, "password": password, "action": action}
    answer = browser.post(authorize_url, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    return ProviderAnswer(path=location.path, query=location.query)


@pytest.fixture
def provider_login():
    return login_at_provider
