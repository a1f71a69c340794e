"""Public lookup by dossier code and the last 4 digits of the applicant's ID number."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.org import selectors as org_selectors
from motcua.org.models import Role

from .test_eform import birth_procedure, logged_in, make_citizen, media_in_tmp, submit_birth

__all__ = ["media_in_tmp"]

NOT_FOUND = "Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối số định danh đã nhập."


def a_dossier() -> Dossier:
    birth_procedure()
    citizen = make_citizen("046195001234")
    submit_birth(logged_in(citizen))
    return Dossier.objects.get(applicant=citizen)


def lookup(code: str, last4: str) -> str:
    response = Client().post(reverse("portal:lookup"), {"ma_ho_so": code, "so_cuoi": last4})
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_with_the_code_and_id_ending_sees_status_and_appointment_only(db):
    dossier = a_dossier()
    html = lookup(dossier.code, "1234")
    assert 'data-testid="lookup-result"' in html and "Mới đăng ký" in html
    assert "Phan Thị Mai" not in html and "046195001234" not in html and "Lê Lợi" not in html


def test_a_wrong_id_ending_and_an_unknown_code_give_the_same_answer(db):
    dossier = a_dossier()
    wrong_pair, unknown = lookup(dossier.code, "9999"), lookup(dossier.code + "-X", "1234")
    for html in (wrong_pair, unknown):
        assert NOT_FOUND in html and 'data-testid="lookup-result"' not in html and "Mới đăng ký" not in html
    assert page_without(wrong_pair, dossier.code, "9999") == page_without(
        unknown, dossier.code + "-X", "1234"
    )


def page_without(html: str, *typed: str) -> str:
    """The page minus what the visitor typed and the per-response CSRF token."""
    for text in typed:
        html = html.replace(text, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_empty_lookup_page_shows_only_the_form(db):
    html = Client().get(reverse("portal:lookup")).content.decode()
    assert 'name="ma_ho_so"' in html and NOT_FOUND not in html


def test_the_lookup_shows_the_appointment_once_the_dossier_is_received(db):
    dossier = a_dossier()
    officer = org_selectors.staff_with_role(
        role=Role.RECEPTION_OFFICER, agency=dossier.reception_point.agency, on=timezone.localdate()
    ).first()
    dossier = services.accept(dossier=dossier, by=officer.user)
    html = lookup(dossier.code, "1234")
    assert "Được tiếp nhận" in html
    assert timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y %H:%M") in html


def test_the_id_ending_in_the_address_reveals_nothing(db):
    """The last digits travel in the request body: a query string (kept in access logs) is ignored."""
    dossier = a_dossier()
    response = Client().get(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": "1234"})
    html = response.content.decode()
    assert 'data-testid="lookup-result"' not in html and "Mới đăng ký" not in html
    assert 'value="1234"' not in html
    assert 'data-testid="lookup-result"' in lookup(dossier.code, "1234")


def test_the_lookup_form_posts_with_a_csrf_token_and_a_post_without_one_is_refused(db):
    html = Client().get(reverse("portal:lookup")).content.decode()
    form = re.search(r'<form method="(\w+)" class="lookup-form"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None and form.group(1) == "post"
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    dossier = a_dossier()
    guarded = Client(enforce_csrf_checks=True)
    refused = guarded.post(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": "1234"})
    assert refused.status_code == 403
