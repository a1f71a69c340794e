"""MOTCUA_CITIZEN_SUBMISSION: since 1 July 2025 the national public service portal is the citizens' online
channel. Off, the portal's own submission pages (e-form, draft, submit) answer with a page pointing to
dichvucong.gov.vn and keep nothing; search, procedure pages, lookup and "my dossiers" keep working. On (demo,
development, test), the e-form is served as before."""

from __future__ import annotations

import secrets

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.portal.models import FormDraft
from test_settings import _check

from .test_eform import BIRTH, birth_certificate, birth_procedure, logged_in, make_citizen, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(settings):
    settings.MOTCUA_CITIZEN_SUBMISSION = False


def _setting_in(tmp_path, **environment: str) -> str:
    code = "from django.conf import settings; print(settings.MOTCUA_CITIZEN_SUBMISSION)"
    result = _check(tmp_path, command="shell", args=("-c", code), **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_setting_is_on_in_test_and_demo_and_off_by_default_in_production(settings, tmp_path):
    assert settings.MOTCUA_CITIZEN_SUBMISSION is True
    assert _setting_in(tmp_path, MOTCUA_ENV="demo") == "True"
    production = {
        "MOTCUA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "motcua.example.vn",
        "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
    }
    assert _setting_in(tmp_path, **production) == "False"
    assert _setting_in(tmp_path, **production, MOTCUA_CITIZEN_SUBMISSION="true") == "True"


def test_when_off_the_e_form_says_to_submit_on_the_national_portal_and_keeps_nothing(closed):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    url = reverse("portal:eform", args=[BIRTH])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "https://dichvucong.gov.vn" in text and 'data-testid="national-portal"' in text
    assert 'name="child_name"' not in text
    anonymous = client.__class__().get(url)  # no login needed to read where to go
    assert anonymous.status_code == 200 and "dichvucong.gov.vn" in anonymous.content.decode()
    for extra in ({}, {"save_draft": "1", "submit": None}):
        data = valid_answers(**extra)
        data["doc_giay_chung_sinh"] = birth_certificate()
        response = client.post(url, data)
        assert response.status_code == 403 and "dichvucong.gov.vn" in response.content.decode()
    assert not Dossier.objects.filter(applicant=citizen).exists()
    assert not FormDraft.objects.filter(user=citizen).exists()


def test_when_off_the_rest_of_the_portal_keeps_working(closed, client):
    birth_procedure()
    procedure_page = client.get(reverse("portal:procedure_detail", args=[BIRTH])).content.decode()
    assert 'data-testid="submit-online"' not in procedure_page
    assert "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: https://dichvucong.gov.vn" in procedure_page
    assert 'data-testid="online-only"' in procedure_page  # Directive 24/CT-TTg: the centres help online
    assert client.get(reverse("portal:home")).status_code == 200
    search = client.get(reverse("portal:procedure_search"), {"q": "khai sinh"})
    assert "Đăng ký khai sinh" in search.content.decode()
    assert client.get(reverse("portal:lookup")).status_code == 200
    citizen_client = logged_in(make_citizen())
    assert citizen_client.get(reverse("portal:my_dossiers")).status_code == 200


def test_when_on_the_procedure_page_and_the_e_form_offer_submission_here():
    birth_procedure()
    client = logged_in(make_citizen())
    page = client.get(reverse("portal:procedure_detail", args=[BIRTH])).content.decode()
    assert 'data-testid="submit-online"' in page and "dichvucong.gov.vn" not in page
    form = client.get(reverse("portal:eform", args=[BIRTH]))
    assert form.status_code == 200 and 'name="child_name"' in form.content.decode()
