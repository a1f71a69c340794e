"""Every main page carries a Content-Security-Policy without inline script or style, and needs none."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from otp_sessions import verified_session
from portal.test_eform import birth_procedure, logged_in, make_citizen, submit_birth
from workspace.conftest import ENROL, LOGIN, PASSWORD, hue, log_in, officer

__all__ = ["hue"]

pytestmark = pytest.mark.django_db

# Script types a browser does not execute: data blocks such as Django admin's JSON are allowed.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block: inline scripts, styles, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values and values.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"<script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}"> at line {self.getpos()[0]}')
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}"> at line {self.getpos()[0]}')


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_strict_policy(response, url: str) -> None:
    assert response.status_code == 200, url
    policy = directives(response)
    assert policy, f"{url}: no Content-Security-Policy header"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], url
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", url
    found = inline_code(response.content.decode())
    assert not found, f"{url}: inline code a strict policy blocks: {found}"


def verified_admin() -> Client:
    """An administrator with a verified second factor (what the admin requires)."""
    return verified_session(get_user_model().objects.create_superuser("csp.quantri", password=PASSWORD))


def test_public_pages_carry_a_strict_policy_and_no_inline_code(db):
    birth_procedure()
    client = Client()
    for url in (
        "/",
        "/dich-vu-cong/",
        "/dich-vu-cong/thu-tuc/?q=khai+sinh",
        "/dich-vu-cong/thu-tuc/1.001193/",
        "/dich-vu-cong/tra-cuu/",
        LOGIN,
    ):
        assert_strict_policy(client.get(url), url)


def test_citizen_pages_carry_a_strict_policy_and_no_inline_code(db):
    birth_procedure()
    client = logged_in(make_citizen())
    submit_birth(client)
    code = Dossier.objects.get(applicant__national_id="046195001234").code
    for url in (
        "/dich-vu-cong/thu-tuc/1.001193/nop/",
        "/dich-vu-cong/ho-so/",
        f"/dich-vu-cong/ho-so/{code}/",
    ):
        assert_strict_policy(client.get(url), url)


def test_workspace_pages_carry_a_strict_policy_and_no_inline_code(client, hue):
    dossier = hue.receive()
    log_in(client, officer("phuxuan.tiepnhan"))
    for url in ("/can-bo/", f"/can-bo/ho-so/{dossier.code}/", "/can-bo/tiep-nhan/", "/can-bo/xin-loi/"):
        assert_strict_policy(client.get(url), url)


def test_the_authenticator_enrolment_page_shows_its_qr_code_without_inline_style(client, hue):
    user = officer("phuvang.tuphap")
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    response = client.get(ENROL)
    assert "<svg" in response.content.decode()
    assert_strict_policy(response, ENROL)


def test_admin_pages_carry_a_strict_policy_and_no_inline_code(db):
    client = verified_admin()
    version = ProcedureVersion.objects.filter(procedure=birth_procedure()).first()
    for url in (
        "/admin/",
        "/admin/catalog/procedure/",
        "/admin/catalog/procedure/verify/",
        f"/admin/catalog/procedure/{version.procedure_id}/change/",
        f"/admin/catalog/procedureversion/{version.pk}/change/",
    ):
        assert_strict_policy(client.get(url), url)


def test_the_policy_lets_forms_go_only_to_this_site_and_the_identity_provider(settings, db):
    issuer = urlsplit(settings.MOTCUA_OIDC_ISSUER)
    policy = directives(Client().get("/dich-vu-cong/"))
    assert policy["form-action"].split() == ["'self'", f"{issuer.scheme}://{issuer.netloc}"]
