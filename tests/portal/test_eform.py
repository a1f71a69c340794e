"""The e-form page: rendering a real sample procedure, validation, submission, double submit, drafts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups
from motcua.dossiers.models import Dossier, State
from motcua.geo.models import AdministrativeUnit
from motcua.portal.models import FormDraft
from pdf_samples import CLEAN_PDF

BIRTH = "1.001193"  # Đăng ký khai sinh
PHU_XUAN = "19753"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def birth_procedure() -> Procedure:
    procedure = Procedure.objects.filter(code=BIRTH).first()
    if procedure is None or not AdministrativeUnit.objects.filter(code=PHU_XUAN).exists():
        pytest.skip("needs Huế's geography and the sample catalog")
    return procedure


def make_citizen(national_id: str = "046195001234", name: str = "Phan Thị Mai") -> User:
    return User.objects.create(username=f"cd:{national_id}", national_id=national_id, full_name=name)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def valid_answers(**changes) -> dict:
    answers = {
        "applicant_name": "Phan Thị Mai",
        "applicant_id_number": "046195001234",
        "applicant_phone": "0914000111",
        "applicant_address": "12 Lê Lợi",
        "applicant_address__unit": PHU_XUAN,
        "child_name": "Nguyễn Phan Minh An",
        "child_birth_date": "2026-11-01",
        "child_sex": "Nam",
        "child_birth_place": "Bệnh viện Trung ương Huế",
        "mother_name": "Phan Thị Mai",
        "father_name": "Nguyễn Văn Bình",
        "relationship": "Mẹ",
        "parent_residence_unit__province": "46",
        "parent_residence_unit": PHU_XUAN,
        "submission_key": "key-0001-abcdef",
        "submit": "1",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def birth_certificate() -> SimpleUploadedFile:
    return SimpleUploadedFile("giay-chung-sinh.pdf", CLEAN_PDF, content_type="application/pdf")


def submit_birth(client: Client, **changes):
    data = valid_answers(**changes)
    data["doc_giay_chung_sinh"] = birth_certificate()
    return client.post(reverse("portal:eform", args=[BIRTH]), data)


def test_the_eform_of_birth_registration_renders_its_fields_in_ui_order_with_widgets(db):
    birth_procedure()
    response = logged_in(make_citizen()).get(reverse("portal:eform", args=[BIRTH]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="f-child_name">Họ, chữ đệm, tên người được khai sinh' in html
    # A date is typed day/month/year, with an example (a browser's date input shows mm/dd/yyyy in English).
    assert 'type="text" class="input-date" id="f-child_birth_date"' in html
    assert 'data-testid="hint-child_birth_date">Ngày/tháng/năm. Ví dụ: 27/03/2024' in html
    assert '<select id="f-child_sex"' in html and '<option value="Nữ"' in html
    # Registration on time is computed from the date of birth, never ticked (docs/legal-basis.md section 10).
    assert "registered_on_time" not in html
    assert 'name="applicant_address__unit"' in html and "Phú Xuân" in html
    assert 'name="doc_giay_chung_sinh"' in html and 'name="submission_key"' in html
    assert 'name="applicant_id_number" value="046195001234"' in html  # prefilled from the e-ID account
    assert (
        html.index('id="f-applicant_name"')
        < html.index('id="f-child_name"')
        < html.index('id="f-mother_name"')
    )


def test_the_eform_asks_an_anonymous_visitor_to_log_in(db):
    birth_procedure()
    response = Client().get(reverse("portal:eform", args=[BIRTH]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_invalid_input_shows_vietnamese_field_errors_and_creates_no_dossier(db):
    birth_procedure()
    citizen = make_citizen()
    response = submit_birth(logged_in(citizen), applicant_id_number="12345", child_name=None)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-applicant_id_number">Số định danh cá nhân phải gồm đúng 12 chữ số.' in html
    assert 'data-testid="error-child_name">Vui lòng nhập họ, chữ đệm, tên người được khai sinh.' in html
    assert 'aria-invalid="true"' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()
    assert FormDraft.objects.get(user=citizen).data["applicant_id_number"] == "12345"


def test_a_missing_mandatory_upload_is_an_error_next_to_the_document(db):
    birth_procedure()
    citizen = make_citizen()
    response = logged_in(citizen).post(reverse("portal:eform", args=[BIRTH]), valid_answers())
    assert response.status_code == 400
    assert (
        'data-testid="error-doc-giay_chung_sinh">Vui lòng đính kèm Giấy chứng sinh hoặc văn bản'
        in response.content.decode()
    )
    assert not Dossier.objects.filter(applicant=citizen).exists()


def test_a_valid_submission_creates_one_dossier_routed_to_the_competent_commune(db):
    procedure = birth_procedure()
    citizen = make_citizen()
    response = submit_birth(logged_in(citizen))
    dossier = Dossier.objects.get(applicant=citizen)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:my_dossier", args=[dossier.code]))
    place = AdministrativeUnit.objects.valid_on(timezone.localdate()).get(code=PHU_XUAN)
    assert dossier.procedure == procedure and dossier.place_unit == place
    assert dossier.competent_agency == lookups.commune_committee_for(unit=place, on=timezone.localdate())
    assert dossier.state == State.SUBMITTED and dossier.channel == "online"
    assert dossier.applicant_id_number == "046195001234"
    assert dossier.form_data["child_name"] == "Nguyễn Phan Minh An"
    assert (
        dossier.form_data["applicant_address"].startswith("12 Lê Lợi, ")
        and "Phú Xuân" in dossier.applicant_address
    )
    upload = dossier.documents.get(code="giay_chung_sinh")
    assert upload.file_ref.startswith(f"dossiers/portal/{citizen.pk}/") and upload.digitized
    assert dossier.documents.get(code="giay_to_tuy_than").source == "registry"


def test_a_double_submit_with_the_same_key_makes_one_dossier(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    first = submit_birth(client)
    second = submit_birth(client)
    assert Dossier.objects.filter(applicant=citizen).count() == 1
    assert first["Location"].split("?")[0] == second["Location"].split("?")[0]
    third = submit_birth(client, submission_key="key-0002-abcdef")
    assert third.status_code == 302
    assert Dossier.objects.filter(applicant=citizen).count() == 2


def test_a_saved_draft_is_restored_when_the_form_is_reopened_and_deleted_on_submit(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    url = reverse("portal:eform", args=[BIRTH])
    saved = client.post(
        url, {"child_name": "Bé Na", "child_sex": "Nữ", "parent_residence_unit": PHU_XUAN, "save_draft": "1"}
    )
    assert saved.status_code == 302
    assert not Dossier.objects.filter(applicant=citizen).exists()
    html = client.get(saved["Location"]).content.decode()
    assert 'data-testid="draft-saved"' in html
    assert 'name="child_name" value="Bé Na"' in html
    assert '<option value="Nữ" selected>' in html
    assert f'<option value="{PHU_XUAN}" selected>' in html
    assert 'name="applicant_poor" checked' not in html  # an unticked box stays unticked
    submit_birth(client)
    assert not FormDraft.objects.filter(user=citizen).exists()


def test_the_procedure_page_offers_online_submission_to_a_logged_in_citizen(db):
    birth_procedure()
    html = logged_in(make_citizen()).get(reverse("portal:procedure_detail", args=[BIRTH])).content.decode()
    assert f'href="{reverse("portal:eform", args=[BIRTH])}"' in html and "Nộp hồ sơ trực tuyến" in html


def test_a_refused_document_upload_is_an_error_next_to_the_document_not_a_crash(db):
    birth_procedure()
    citizen = make_citizen()
    data = valid_answers()
    data["doc_giay_chung_sinh"] = SimpleUploadedFile(
        "chung-sinh.exe", b"MZ\x90\x00 program", content_type="application/pdf"
    )
    response = logged_in(citizen).post(reverse("portal:eform", args=[BIRTH]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-doc-giay_chung_sinh">Tệp chung-sinh.exe không phải PDF, JPG hoặc PNG.' in html
    assert 'name="child_name" value="Nguyễn Phan Minh An"' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()
    assert FormDraft.objects.get(user=citizen).data["child_name"] == "Nguyễn Phan Minh An"


def test_a_document_upload_over_the_size_limit_is_refused_with_the_limit(db, settings):
    birth_procedure()
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    data = valid_answers()
    data["doc_giay_chung_sinh"] = SimpleUploadedFile("chung-sinh.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    response = logged_in(make_citizen()).post(reverse("portal:eform", args=[BIRTH]), data)
    assert response.status_code == 400
    assert "Tệp chung-sinh.pdf quá lớn: tối đa 1 MB." in response.content.decode()


def test_a_supplement_answer_with_a_refused_file_shows_the_error_and_changes_nothing(db):
    from motcua.dossiers import services
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Role

    birth_procedure()
    citizen = make_citizen()
    submit_birth(logged_in(citizen))
    dossier = Dossier.objects.get(applicant=citizen)
    on = timezone.localdate()
    reception = org_selectors.staff_with_role(
        role=Role.RECEPTION_OFFICER, agency=dossier.reception_point.agency, on=on
    )
    dossier = services.accept(dossier=dossier, by=reception.first().user)
    # The one-stop desk asks before the receipt; after it, the specialist of the next step asks (form 02).
    dossier = services.perform(dossier=dossier, by=reception.first().user, action="forward")
    step = dossier.current_step
    specialist = org_selectors.staff_with_role(role=step.role, agency=step.agency, on=on).first().user
    services.request_supplement(dossier=dossier, by=specialist, missing=["giay_chung_sinh"], reason="Bị mờ.")
    fake = SimpleUploadedFile("chung-sinh.docx", b"PK\x03\x04 word", content_type="application/pdf")
    response = logged_in(citizen).post(
        reverse("portal:supply", args=[dossier.code]), {"doc_giay_chung_sinh": fake}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'data-error-code="file.type"' in html and "Tệp chung-sinh.docx không phải PDF, JPG hoặc PNG." in html
    )
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT
    assert dossier.documents.filter(code="giay_chung_sinh").count() == 1


def test_birth_asks_the_parents_residence_in_the_laws_words_and_no_separate_place(db):
    birth_procedure()
    html = logged_in(make_citizen()).get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert "Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ" in html
    assert 'name="parent_residence_unit"' in html
    assert 'name="place"' not in html and "Nơi giải quyết" not in html


def test_a_grandmother_living_in_phu_xuan_registers_a_child_of_parents_in_phu_vang(db):
    """Art. 13 Luật Hộ tịch: the parents' residence decides, not the applicant's own."""
    birth_procedure()
    citizen = make_citizen()
    phu_vang = "19942"
    response = submit_birth(logged_in(citizen), parent_residence_unit=phu_vang)
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    assert "Phú Xuân" in dossier.applicant_address
    assert dossier.place_unit.code == phu_vang and dossier.place_field == "parent_residence_unit"
    assert dossier.competent_agency == lookups.commune_committee_for(
        unit=dossier.place_unit, on=timezone.localdate()
    )


def test_a_birth_without_the_parents_residence_is_refused_beside_that_field(db):
    birth_procedure()
    citizen = make_citizen()
    response = submit_birth(logged_in(citizen), parent_residence_unit="")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-parent_residence_unit"' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()
