"""Issue 9: what a citizen types into the e-form is bounded. A fee that cannot be stored, a number that is
not finite, an over-long text or a control character gets a clear error on its field, nothing is stored,
and the pages that list dossiers keep answering."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from otp_sessions import verified_session
from pdf_samples import CLEAN_PDF

from .test_eform import logged_in, make_citizen

COPY = "2.000815"  # Chứng thực bản sao từ bản chính: fee = f(pages) * copies
PHU_XUAN = "19753"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def copy_procedure(db) -> Procedure:
    procedure = Procedure.objects.filter(code=COPY).first()
    if procedure is None or not AdministrativeUnit.objects.filter(code=PHU_XUAN).exists():
        pytest.skip("needs Huế's geography and the sample catalog")
    return procedure


def answers(**changes) -> dict:
    data = {
        "applicant_name": "Phan Thị Mai",
        "applicant_id_number": "046195001234",
        "applicant_phone": "0914000111",
        "applicant_address": "12 Lê Lợi",
        "applicant_address__unit": PHU_XUAN,
        "document_title": "Bằng tốt nghiệp trung học phổ thông",
        "pages": "1",
        "copies": "1",
        "place": PHU_XUAN,
        "submission_key": "key-bounds-0001",
        "submit": "1",
    }
    data.update(changes)
    data["doc_ban_chinh"] = SimpleUploadedFile("ban-chinh.pdf", CLEAN_PDF, content_type="application/pdf")
    return data


def submit(client: Client, **changes):
    return client.post(reverse("portal:eform", args=[COPY]), answers(**changes))


def verified(user) -> Client:
    """A session that passed the second factor (as after the workspace login)."""
    return verified_session(user)


def assert_lists_still_answer(citizen_client: Client) -> None:
    assert citizen_client.get(reverse("portal:my_dossiers")).status_code == 200
    officer = get_user_model().objects.filter(username="phuxuan.tiepnhan").first()
    if officer is not None:
        assert verified(officer).get("/can-bo/").status_code == 200
    admin = get_user_model().objects.create_superuser("admin-bounds", "admin@example.vn", "x-Mật-khẩu-2026")
    assert verified(admin).get("/admin/dossiers/dossier/").status_code == 200


def test_the_sample_copy_procedure_is_submitted_with_a_small_fee(copy_procedure):
    client = logged_in(make_citizen())
    response = submit(client, pages="3", copies="2")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dossier.objects.get(procedure=copy_procedure).fee == (2000 * 2 + 1000) * 2


@pytest.mark.parametrize("copies", ["1e12", "1000000000000", "1e30", "NaN", "Infinity", "-Infinity"])
def test_a_number_of_copies_that_makes_an_unstorable_fee_is_refused_on_its_field(copy_procedure, copies):
    client = logged_in(make_citizen())
    response = submit(client, copies=copies)
    assert_lists_still_answer(client)
    assert response.status_code == 400
    assert 'data-testid="error-copies"' in response.content.decode()
    assert not Dossier.objects.filter(procedure=copy_procedure).exists()


@pytest.mark.parametrize("pages", ["1e12", "NaN", "Infinity"])
def test_a_number_of_pages_out_of_range_is_refused_and_nothing_is_stored(copy_procedure, pages):
    client = logged_in(make_citizen())
    response = submit(client, pages=pages)
    assert response.status_code == 400
    assert 'data-testid="error-pages"' in response.content.decode()
    assert not Dossier.objects.filter(procedure=copy_procedure).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("applicant_name", "Phan\x00Thị Mai"),
        ("document_title", "Bằng\x00tốt nghiệp"),
        ("document_title", "Bằng \x1b[31m tốt nghiệp"),
        ("document_title", "x" * 5000),
        ("applicant_address", "12 Lê Lợi " + "y" * 5000),
    ],
)
def test_control_characters_and_overlong_text_in_the_eform_are_refused_on_their_field(
    copy_procedure, field, value
):
    client = logged_in(make_citizen())
    response = submit(client, **{field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "\x00" not in page
    assert f'data-testid="error-{field}"' in page
    assert not Dossier.objects.filter(procedure=copy_procedure).exists()
    assert client.get(reverse("portal:my_dossiers")).status_code == 200
