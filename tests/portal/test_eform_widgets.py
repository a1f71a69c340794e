"""The e-form's unit, person and file widgets: rendering, round trip into form data, errors, drafts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.geo.collation import collation_key
from motcua.geo.models import AdministrativeUnit
from motcua.geo.services import load_units
from motcua.portal.models import FormDraft
from pdf_samples import CLEAN_PDF

from .test_eform import PHU_XUAN, logged_in, make_citizen, media_in_tmp

__all__ = ["media_in_tmp"]  # the autouse fixture keeps uploads in a temporary media folder here too

REFORM = dt.date(2025, 7, 1)
DEATH = "1.000656"  # Đăng ký khai tử: death_unit is a unit widget
DISABILITY = "1.001699"  # Xác định mức độ khuyết tật: disabled_person is a person widget
REISSUE = "1.001653"  # Đổi, cấp lại Giấy xác nhận khuyết tật: a person and old_certificate, a file widget
PDF = CLEAN_PDF
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(code: str) -> str:
    if not Procedure.objects.filter(code=code).exists():
        pytest.skip("needs the sample catalog")
    return reverse("portal:eform", args=[code])


def applicant(**changes) -> dict:
    answers = {
        "applicant_name": "Phan Thị Mai",
        "applicant_id_number": "046195001234",
        "applicant_address": "12 Lê Lợi",
        "applicant_address__unit": PHU_XUAN,
        # The disability procedures are routed by the disabled person's residence (their rule's field).
        "disabled_person_residence_unit": PHU_XUAN,
        "submit": "1",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def death_answers(**changes) -> dict:
    answers = {
        "deceased_name": "Nguyễn Văn Bình",
        "death_date": "2026-01-05",
        "death_place": "Bệnh viện Trung ương Huế",
        "death_unit__province": "46",
        "death_unit": PHU_XUAN,
        "submission_key": "key-death-0001",
        "doc_giay_bao_tu": SimpleUploadedFile("giay-bao-tu.pdf", PDF, content_type="application/pdf"),
    }
    answers.update(changes)
    return applicant(**answers)


def person_answers(**changes) -> dict:
    answers = {
        "disabled_person.ho_ten": "Nguyễn Minh Khang",
        "disabled_person.ngay_sinh": "2015-03-09",
        "disabled_person.gioi_tinh": "Nam",
        "disabled_person.so_dinh_danh": "",
        "disability_type": "Vận động",
        "submission_key": "key-person-0001",
    }
    answers.update(changes)
    return applicant(**answers)


def reissue_answers(**changes) -> dict:
    answers = {
        "disabled_person.ho_ten": "Phan Thị Mai",
        "disabled_person.ngay_sinh": "1995-02-01",
        "disabled_person.gioi_tinh": "Nữ",
        "reason": "Hư hỏng",
        "submission_key": "key-reissue-0001",
    }
    answers.update(changes)
    return applicant(**answers)


# --- unit ---------------------------------------------------------------------------------------------


def test_a_unit_field_renders_a_province_select_and_the_default_provinces_communes(db):
    html = logged_in(make_citizen()).get(url(DEATH)).content.decode()
    assert "<legend>Xã, phường, đặc khu nơi chết</legend>" in html
    assert '<label for="f-death_unit-province" class="sub-label">Tỉnh, thành phố</label>' in html
    assert '<option value="46" selected>Thành phố Huế</option>' in html
    assert '<label for="f-death_unit" class="sub-label">Xã, phường, đặc khu</label>' in html
    assert f'<option value="{PHU_XUAN}">Phường Phú Xuân</option>' in html
    assert 'name="show_units" value="death_unit"' in html  # without JavaScript: reload the commune list


def test_the_province_select_lists_provinces_in_vietnamese_order(db):
    """Issue 17 item 8: the provinces sort as the communes do (geo.collation), not by their unaccented key."""
    for code, name in (("15", "Tỉnh Lào Cai"), ("68", "Tỉnh Lâm Đồng"), ("11", "Tỉnh Điện Biên")):
        AdministrativeUnit.objects.create(
            code=code, name=name, level="province", unit_type="tinh", province_code=code, valid_from=REFORM
        )
    html = logged_in(make_citizen()).get(url(DEATH)).content.decode()
    select = re.search(r'<select id="f-death_unit-province".*?</select>', html, re.S).group(0)
    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)
    provinces = AdministrativeUnit.objects.valid_on(dt.date.today()).filter(level="province")
    assert sorted(names) == sorted(provinces.values_list("name", flat=True)) and len(names) > 1
    assert names == sorted(names, key=collation_key)
    # Unaccented, "lam" comes before "lao"; in Vietnamese a comes before â. Đ comes after D, before T.
    assert names.index("Tỉnh Lào Cai") < names.index("Tỉnh Lâm Đồng")
    assert names.index("Thành phố Huế") < names.index("Tỉnh Điện Biên") < names.index("Tỉnh Lào Cai")


def test_a_chosen_unit_is_submitted_as_its_code(db):
    citizen = make_citizen()
    response = logged_in(citizen).post(url(DEATH), death_answers())
    assert response.status_code == 302, response.content.decode()
    assert Dossier.objects.get(applicant=citizen).form_data["death_unit"] == PHU_XUAN


def test_an_unknown_unit_code_is_refused_next_to_the_field_and_kept_in_the_draft(db):
    citizen = make_citizen()
    response = logged_in(citizen).post(url(DEATH), death_answers(death_unit="99999"))
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'data-testid="error-death_unit">Mã 99999 không phải là xã, phường, đặc khu đang có hiệu lực' in html
    )
    assert not Dossier.objects.filter(applicant=citizen).exists()
    assert FormDraft.objects.get(user=citizen).data["death_unit"] == "99999"


def test_a_commune_abolished_in_the_2025_reorganization_is_refused(db):
    citizen = make_citizen()
    old = AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=False, province_code="46")
    old = old.exclude(
        code__in=AdministrativeUnit.objects.filter(valid_to__isnull=True).values("code")
    ).first()
    assert old is not None
    response = logged_in(citizen).post(url(DEATH), death_answers(death_unit=old.code))
    assert response.status_code == 400
    assert f"Mã {old.code} không phải là xã, phường, đặc khu đang có hiệu lực" in response.content.decode()


def test_a_draft_shows_the_chosen_units_name_not_its_code(db):
    client = logged_in(make_citizen())
    saved = client.post(url(DEATH), {"death_unit__province": "46", "death_unit": PHU_XUAN, "save_draft": "1"})
    html = client.get(saved["Location"]).content.decode()
    assert f'<option value="{PHU_XUAN}" selected>Phường Phú Xuân</option>' in html
    assert 'data-testid="unit-death_unit">Đã chọn: Phường Phú Xuân, Thành phố Huế' in html


def test_the_communes_of_another_province_come_from_the_json_endpoint_and_can_be_chosen(db):
    load_units(provinces=["01"])
    citizen = make_citizen()
    client = logged_in(citizen)
    answer = client.get(reverse("portal:communes"), {"tinh": "01"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["province"] == {"code": "01", "name": "Thành phố Hà Nội"}
    hanoi = body["communes"][0]
    assert len(body["communes"]) > 100 and PHU_XUAN not in {c["code"] for c in body["communes"]}

    # Died in Hà Nội, last resided in Phú Xuân: the last residence decides competence (Art. 32 Luật Hộ tịch).
    answers = death_answers(death_unit__province="01", death_unit=hanoi["code"])
    answers.update(deceased_last_residence_unit__province="46", deceased_last_residence_unit=PHU_XUAN)
    response = client.post(url(DEATH), answers)
    assert response.status_code == 302, response.content.decode()
    assert Dossier.objects.get(applicant=citizen).form_data["death_unit"] == hanoi["code"]


def test_without_javascript_the_show_communes_button_lists_the_chosen_provinces_communes(db):
    load_units(provinces=["01"])
    client = logged_in(make_citizen())
    moved = client.post(
        url(DEATH), {"death_unit__province": "01", "death_unit": "", "show_units": "death_unit"}
    )
    assert moved.status_code == 302 and moved["Location"].endswith("#f-death_unit")
    html = client.get(moved["Location"]).content.decode()
    assert '<option value="01" selected>Thành phố Hà Nội</option>' in html
    assert (
        "Phường Ba Đình" in html
        and "Phường Phú Xuân" not in html.split('name="death_unit"')[1].split("</select>")[0]
    )


def test_a_commune_outside_the_chosen_province_is_refused(db):
    load_units(provinces=["01"])
    response = logged_in(make_citizen()).post(url(DEATH), death_answers(death_unit__province="01"))
    assert response.status_code == 400
    assert "Phường Phú Xuân không thuộc tỉnh, thành phố đã chọn." in response.content.decode()


def test_an_unknown_province_is_not_found_with_a_vietnamese_message(db):
    answer = logged_in(make_citizen()).get(reverse("portal:communes"), {"tinh": "99"})
    assert answer.status_code == 404
    assert answer.json()["error"].startswith("Không có tỉnh, thành phố mã 99")


# --- person -------------------------------------------------------------------------------------------


def test_a_person_field_renders_a_fieldset_with_one_input_per_part(db):
    html = logged_in(make_citizen()).get(url(DISABILITY)).content.decode()
    assert '<fieldset class="field subfields person" id="f-disabled_person"' in html
    assert '<legend>Người khuyết tật <span class="required" aria-hidden="true">*</span></legend>' in html
    assert 'type="text" id="f-disabled_person.ho_ten" name="disabled_person.ho_ten"' in html
    assert (
        'type="text" class="input-date" id="f-disabled_person.ngay_sinh" name="disabled_person.ngay_sinh"'
        in html
    )
    assert '<select id="f-disabled_person.gioi_tinh" name="disabled_person.gioi_tinh"' in html
    assert 'name="fill_me" value="disabled_person"' in html and "Điền thông tin của tôi" in html
    assert (
        html.index('name="disabled_person.ho_ten"')
        < html.index('name="disabled_person.ngay_sinh"')
        < html.index('name="disabled_person.gioi_tinh"')
        < html.index('name="disabled_person.so_dinh_danh"')
    )  # the order of ui.order's "disabled_person.<part>" entries


def test_a_person_is_submitted_as_an_object_of_its_filled_parts(db):
    citizen = make_citizen()
    response = logged_in(citizen).post(url(DISABILITY), person_answers())
    assert response.status_code == 302, response.content.decode()
    assert Dossier.objects.get(applicant=citizen).form_data["disabled_person"] == {
        "ho_ten": "Nguyễn Minh Khang",
        "ngay_sinh": "2015-03-09",
        "gioi_tinh": "Nam",
    }


def test_errors_of_a_person_are_shown_next_to_each_part_and_the_draft_keeps_them(db):
    citizen = make_citizen()
    client = logged_in(citizen)
    answers = person_answers(
        **{
            "disabled_person.ho_ten": "K",
            "disabled_person.ngay_sinh": "",
            "disabled_person.so_dinh_danh": "12345",
        }
    )
    response = client.post(url(DISABILITY), answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-disabled_person.ho_ten">Họ, chữ đệm, tên phải có ít nhất 2 ký tự.' in html
    assert 'data-testid="error-disabled_person.ngay_sinh">Vui lòng nhập ngày sinh.' in html
    assert (
        'data-testid="error-disabled_person.so_dinh_danh">'
        "Số định danh cá nhân (nếu có) phải gồm đúng 12 chữ số." in html
    )
    assert 'id="f-disabled_person.so_dinh_danh" name="disabled_person.so_dinh_danh" value="12345"' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()
    draft = FormDraft.objects.get(user=citizen).data["disabled_person"]
    assert draft["ho_ten"] == "K" and draft["so_dinh_danh"] == "12345" and draft["gioi_tinh"] == "Nam"


def test_an_empty_required_person_asks_for_each_required_part(db):
    answers = person_answers(
        **{"disabled_person.ho_ten": "", "disabled_person.ngay_sinh": "", "disabled_person.gioi_tinh": ""}
    )
    html = logged_in(make_citizen()).post(url(DISABILITY), answers).content.decode()
    for part, message in (
        ("ho_ten", "Vui lòng nhập họ, chữ đệm, tên."),
        ("ngay_sinh", "Vui lòng nhập ngày sinh."),
        ("gioi_tinh", "Vui lòng chọn giới tính."),
    ):
        assert f'data-testid="error-disabled_person.{part}">{message}' in html


def test_fill_in_my_details_puts_the_accounts_name_and_id_number_into_the_person(db):
    citizen = make_citizen()
    client = logged_in(citizen)
    filled = client.post(
        url(DISABILITY),
        {
            "disabled_person.gioi_tinh": "Nữ",
            "disability_type": "Nhìn",
            "fill_me": "disabled_person",
        },
    )
    assert filled.status_code == 302 and filled["Location"].endswith("#f-disabled_person")
    html = client.get(filled["Location"]).content.decode()
    assert 'name="disabled_person.ho_ten" value="Phan Thị Mai"' in html
    assert 'name="disabled_person.so_dinh_danh" value="046195001234"' in html
    assert '<option value="Nữ" selected>Nữ</option>' in html  # what the citizen chose is kept
    assert '<option value="Nhìn" selected>' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()


def test_fill_in_my_details_also_takes_the_birth_date_and_sex_the_e_id_gave(db):
    citizen = make_citizen()
    citizen.birth_date, citizen.sex = dt.date(1995, 2, 1), "Nữ"
    citizen.save()
    client = logged_in(citizen)
    filled = client.post(url(DISABILITY), {"disability_type": "Nhìn", "fill_me": "disabled_person"})
    html = client.get(filled["Location"]).content.decode()
    assert 'name="disabled_person.ngay_sinh" value="01/02/1995"' in html
    assert '<option value="Nữ" selected>Nữ</option>' in html


# --- file ---------------------------------------------------------------------------------------------


def test_a_file_field_renders_a_file_input_accepting_pdf_jpeg_and_png(db):
    html = logged_in(make_citizen()).get(url(REISSUE)).content.decode()
    assert '<label for="f-old_certificate">Giấy xác nhận khuyết tật đã được cấp' in html
    assert (
        'type="file" id="f-old_certificate" name="old_certificate" '
        'accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"' in html
    )


def test_an_uploaded_file_is_kept_in_the_draft_and_submitted_as_its_stored_reference(db):
    citizen = make_citizen()
    client = logged_in(citizen)
    scan = SimpleUploadedFile("giay-cu.png", PNG, content_type="image/png")
    saved = client.post(url(REISSUE), reissue_answers(old_certificate=scan, submit=None, save_draft="1"))
    assert saved.status_code == 302
    stored = FormDraft.objects.get(user=citizen).data["old_certificate"]
    assert stored["name"] == "giay-cu.png" and stored["size"] == len(PNG) and len(stored["sha256"]) == 64
    html = client.get(saved["Location"]).content.decode()
    assert 'data-testid="stored-old_certificate">Đã tải lên: <strong>giay-cu.png</strong>' in html
    assert "Chọn tệp khác nếu muốn thay thế." in html

    response = client.post(url(REISSUE), reissue_answers())  # no new file: the stored one goes with the form
    assert response.status_code == 302, response.content.decode()
    ref = Dossier.objects.get(applicant=citizen).form_data["old_certificate"]
    assert ref == stored["ref"] and ref.startswith(f"dossiers/portal/{citizen.pk}/")
    assert default_storage.open(ref).read() == PNG


def test_a_stored_file_can_be_replaced_or_removed(db):
    citizen = make_citizen()
    client = logged_in(citizen)
    first = SimpleUploadedFile("cu.png", PNG, content_type="image/png")
    client.post(url(REISSUE), reissue_answers(old_certificate=first, submit=None, save_draft="1"))
    second = SimpleUploadedFile("moi.pdf", PDF, content_type="application/pdf")
    client.post(url(REISSUE), reissue_answers(old_certificate=second, submit=None, save_draft="1"))
    assert FormDraft.objects.get(user=citizen).data["old_certificate"]["name"] == "moi.pdf"
    client.post(url(REISSUE), reissue_answers(old_certificate__remove="on", submit=None, save_draft="1"))
    assert FormDraft.objects.get(user=citizen).data["old_certificate"] == ""


def test_a_file_too_large_is_refused_next_to_the_field_and_nothing_typed_is_lost(db, settings):
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    citizen = make_citizen()
    big = SimpleUploadedFile("giay-cu.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = logged_in(citizen).post(url(REISSUE), reissue_answers(old_certificate=big))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-old_certificate">Tệp giay-cu.pdf quá lớn: tối đa 1 MB.' in html
    assert 'name="disabled_person.ho_ten" value="Phan Thị Mai"' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()
    draft = FormDraft.objects.get(user=citizen).data
    assert draft["reason"] == "Hư hỏng" and draft["old_certificate"] == ""


def test_a_file_of_the_wrong_type_is_refused_and_the_file_stored_before_is_kept(db):
    citizen = make_citizen()
    client = logged_in(citizen)
    scan = SimpleUploadedFile("giay-cu.png", PNG, content_type="image/png")
    client.post(url(REISSUE), reissue_answers(old_certificate=scan, submit=None, save_draft="1"))
    gif = SimpleUploadedFile("anh.gif", b"GIF89a" + b"\x00" * 32, content_type="image/gif")
    response = client.post(url(REISSUE), reissue_answers(old_certificate=gif, submit=None, save_draft="1"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-old_certificate">Tệp anh.gif không phải PDF, JPG hoặc PNG.' in html
    assert "Đã tải lên: <strong>giay-cu.png</strong>" in html
    assert FormDraft.objects.get(user=citizen).data["old_certificate"]["name"] == "giay-cu.png"
