"""The GOV.UK error pattern on the citizen's forms (issue 17, items 1, 2 and 11): a valid upload survives an
error elsewhere, the summary at the top links each specific message to its input, the title starts with
"Lỗi: ", the message sits between label and input, every erroneous input is marked; dates are typed
day/month/year; a birth date in the future is refused."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.portal.models import CitizenUpload, FormDraft

from .test_eform import (
    BIRTH,
    birth_certificate,
    birth_procedure,
    logged_in,
    make_citizen,
    media_in_tmp,
    valid_answers,
)

__all__ = ["media_in_tmp"]


def post(client: Client, data: dict):
    return client.post(reverse("portal:eform", args=[BIRTH]), data)


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = html[html.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def title(html: str) -> str:
    return re.search(r"<title>([^<]*)</title>", html).group(1)


def test_a_valid_upload_is_kept_when_another_field_is_wrong_and_used_on_the_corrected_submit(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    data = valid_answers(child_name="")
    data["doc_giay_chung_sinh"] = birth_certificate()
    response = post(client, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="stored-doc-giay_chung_sinh">Đã tải lên: <strong>giay-chung-sinh.pdf</strong>' in html
    assert 'name="doc_giay_chung_sinh__remove"' in html  # remove; choosing another file replaces
    kept = FormDraft.objects.get(user=citizen).data["__doc_giay_chung_sinh"]
    assert kept["name"] == "giay-chung-sinh.pdf" and CitizenUpload.objects.filter(ref=kept["ref"]).exists()
    assert ("doc-giay_chung_sinh", "Vui lòng đính kèm") not in [(a, m[:17]) for a, m in summary_links(html)]

    response = post(client, valid_answers())  # corrected, no file chosen again
    assert response.status_code == 302, response.content.decode()
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.documents.get(code="giay_chung_sinh").file_ref == kept["ref"]


def test_a_kept_upload_can_be_removed_or_replaced(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    data = valid_answers(child_name="")
    data["doc_giay_chung_sinh"] = birth_certificate()
    post(client, data)
    first = FormDraft.objects.get(user=citizen).data["__doc_giay_chung_sinh"]["ref"]

    data = valid_answers(child_name="")
    data["doc_giay_chung_sinh"] = SimpleUploadedFile(
        "ban-moi.pdf", birth_certificate().read(), content_type="application/pdf"
    )
    with_replacement = post(client, data).content.decode()
    assert "Đã tải lên: <strong>ban-moi.pdf</strong>" in with_replacement
    replaced = FormDraft.objects.get(user=citizen).data["__doc_giay_chung_sinh"]["ref"]
    assert replaced != first

    removed = post(client, valid_answers(doc_giay_chung_sinh__remove="on"))
    assert removed.status_code == 400
    html = removed.content.decode()
    assert "Đã tải lên: <strong>ban-moi.pdf</strong>" not in html
    assert 'data-testid="error-doc-giay_chung_sinh">Vui lòng đính kèm Giấy chứng sinh hoặc văn bản' in html
    assert not Dossier.objects.filter(applicant=citizen).exists()


def test_a_file_of_the_wrong_kind_is_an_error_itself_and_keeps_nothing(db):
    birth_procedure()
    citizen = make_citizen()
    data = valid_answers()
    data["doc_giay_chung_sinh"] = SimpleUploadedFile("chung-sinh.exe", b"MZ\x90 program")
    html = post(logged_in(citizen), data).content.decode()
    [(anchor, message)] = summary_links(html)
    assert anchor == "doc-giay_chung_sinh" and message.startswith(
        "Tệp chung-sinh.exe không phải PDF, JPG hoặc PNG."
    )
    assert "Đã tải lên:" not in html
    assert not FormDraft.objects.get(user=citizen).data["__doc_giay_chung_sinh"]


def test_the_error_summary_links_each_specific_message_to_its_input_and_the_title_says_error(db):
    birth_procedure()
    data = valid_answers(
        applicant_id_number="12345",
        child_name="A",
        child_sex="",
        child_birth_date="31/02/2026",
        applicant_phone="abc",
        parent_residence_unit="",
    )
    data["doc_giay_chung_sinh"] = birth_certificate()
    response = post(logged_in(make_citizen()), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert title(html).startswith("Lỗi: Nộp hồ sơ trực tuyến")
    assert 'role="alert"' in html and 'tabindex="-1" data-error-summary' in html
    assert "motcua/js/error-summary" in html  # focused on load by a static script (the CSP forbids inline)
    assert summary_links(html) == [
        ("f-applicant_id_number", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ("f-applicant_phone", "Số điện thoại phải gồm từ 9 đến 15 chữ số (được có dấu + và dấu cách)."),
        ("f-child_name", "Họ, chữ đệm, tên người được khai sinh phải có ít nhất 2 ký tự."),
        (
            "f-child_birth_date",
            "Ngày, tháng, năm sinh phải là một ngày có thật, viết theo dạng ngày/tháng/năm, "
            "ví dụ 27/03/2024.",
        ),
        ("f-child_sex", "Vui lòng chọn giới tính."),
        ("f-parent_residence_unit", "Vui lòng chọn xã, phường, đặc khu nơi cư trú của cha hoặc mẹ."),
    ]


def test_each_message_sits_between_label_and_input_which_is_marked_invalid(db):
    birth_procedure()
    data = valid_answers(child_name="", child_birth_date="2099-01-01")
    html = post(logged_in(make_citizen()), data).content.decode()
    for name in ("child_name", "child_birth_date"):
        label = html.index(f'<label for="f-{name}">')
        message = html.index(f'data-testid="error-{name}"')
        field = html.index(f'id="f-{name}" name="{name}"')
        assert label < message < field
        tag = html[html.rindex("<input", 0, field) : html.index(">", field)]
        assert 'aria-invalid="true"' in tag and f"f-{name}-error" in tag  # aria-describedby
        assert "required" not in tag.replace("aria-required", "")  # no browser bubble
        div = html.rindex('<div class="field', 0, label)
        assert html[div : div + 40].startswith('<div class="field field-error"')


def test_a_birth_date_in_the_future_is_refused_with_its_rule(db):
    birth_procedure()
    citizen = make_citizen()
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    data = valid_answers(child_birth_date=tomorrow.strftime("%d/%m/%Y"))
    data["doc_giay_chung_sinh"] = birth_certificate()
    html = post(logged_in(citizen), data).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (
        "f-child_birth_date",
        f"Ngày, tháng, năm sinh không được sau ngày hôm nay ({today}).",
    ) in summary_links(html)
    assert f'value="{tomorrow.strftime("%d/%m/%Y")}"' in html  # shown back as typed
    assert not Dossier.objects.filter(applicant=citizen).exists()


def test_a_date_typed_day_month_year_is_stored_as_a_date(db):
    birth_procedure()
    citizen = make_citizen()
    data = valid_answers(child_birth_date="5/3/2026")
    data["doc_giay_chung_sinh"] = birth_certificate()
    response = post(logged_in(citizen), data)
    assert response.status_code == 302, response.content.decode()
    assert Dossier.objects.get(applicant=citizen).form_data["child_birth_date"] == "2026-03-05"


def test_a_date_kept_in_the_draft_is_shown_day_month_year(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    client.post(reverse("portal:eform", args=[BIRTH]), {"child_birth_date": "01/11/2026", "save_draft": "1"})
    assert FormDraft.objects.get(user=citizen).data["child_birth_date"] == "2026-11-01"
    html = client.get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert 'id="f-child_birth_date" name="child_birth_date" value="01/11/2026"' in html


def test_documents_that_are_not_required_say_so(db):
    birth_procedure()
    html = logged_in(make_citizen()).get(reverse("portal:eform", args=[BIRTH])).content.decode()
    optional = html[html.index('<label for="doc-cam_doan_viec_sinh">') :]
    assert optional[: optional.index("</label>")].endswith('<span class="optional">(không bắt buộc)</span>')
    required = html[html.index('<label for="doc-giay_chung_sinh">') :]
    assert 'class="required"' in required[: required.index("</label>")]
    assert 'name="doc_cam_doan_viec_sinh"' in html  # offered, not hidden


# --- the public lookup, rating and notification settings ---------------------------------------------


def test_the_lookup_says_what_is_missing_beside_each_input_instead_of_the_browsers_bubble(db):
    response = Client().post(reverse("portal:lookup"), {"ma_ho_so": "", "so_cuoi": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    assert title(html).startswith("Lỗi: Tra cứu hồ sơ")
    assert summary_links(html) == [
        ("l-code", "Vui lòng nhập mã hồ sơ (ghi trên giấy tiếp nhận hồ sơ hoặc trong thông báo)."),
        ("l-last4", "4 số cuối số định danh cá nhân phải gồm đúng 4 chữ số, ví dụ 1234."),
    ]
    form = html[html.index('class="lookup-form"') :]
    form = form[: form.index("</form>")]
    assert 'action="/dich-vu-cong/tra-cuu/" novalidate>' in form
    assert " required" not in form and 'pattern="' not in form
    assert form.count('aria-invalid="true"') == 2


def test_a_lookup_that_finds_nothing_links_the_message_to_the_code(db):
    html = Client().post(reverse("portal:lookup"), {"ma_ho_so": "X-1", "so_cuoi": "1234"}).content.decode()
    assert title(html).startswith("Lỗi: ")
    assert [anchor for anchor, _message in summary_links(html)] == ["l-code"]


def test_the_notification_settings_say_a_wrong_address_beside_it_and_keep_what_was_typed(db):
    client = logged_in(make_citizen())
    response = client.post(
        reverse("portal:notification_settings"), {"step": "send", "channel": "email", "address": "mai@"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert title(html).startswith("Lỗi: ")
    assert summary_links(html) == [("address-email", "Địa chỉ thư điện tử không hợp lệ.")]
    assert 'value="mai@" aria-invalid="true" aria-describedby="address-email-error"' in html


def test_the_parents_ward_can_be_the_one_already_chosen_for_the_address(db):
    """The ward is asked once when it is the same: "Cùng xã, phường đã chọn ở mục “Nơi cư trú”"."""
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    html = client.get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert (
        '<option value="=applicant_address" data-testid="same-as-parent_residence_unit">'
        "Cùng xã, phường đã chọn ở mục “Nơi cư trú”</option>" in html
    )
    data = valid_answers(parent_residence_unit="=applicant_address", parent_residence_unit__province="")
    data["doc_giay_chung_sinh"] = birth_certificate()
    response = post(client, data)
    assert response.status_code == 302, response.content.decode()
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.form_data["parent_residence_unit"] == "19753" and dossier.place_unit.code == "19753"
