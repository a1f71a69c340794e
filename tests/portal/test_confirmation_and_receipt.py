"""After an online submission: the confirmation panel (code, what happens next and when, fee, how the result
comes) and the submission receipt at once; the lookup link and QR code on the receipts (issue 17, item 3)."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from motcua.dossiers import slips
from motcua.dossiers.models import Dossier
from motcua.portal import tracking

from .test_eform import birth_procedure, logged_in, make_citizen, media_in_tmp, submit_birth
from .test_my_dossiers import accepted, submitted

__all__ = ["media_in_tmp"]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_an_online_submission_lands_on_the_confirmation_panel_with_the_code_next_steps_fee_and_delivery(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    response = submit_birth(client)
    dossier = Dossier.objects.get(applicant=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submitted", args=[dossier.code])
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="confirmation-panel"' in html and "<h1>Đã nộp hồ sơ</h1>" in html
    assert f'data-testid="dossier-code">{dossier.code}</strong>' in html
    due = tracking.online_reception_due(dossier=dossier)
    assert due > dossier.submitted_at
    # what happens next and when: the reception deadline and the expected appointment, from the calendar
    assert f"kiểm tra hồ sơ chậm nhất vào {timezone.localtime(due):%d/%m/%Y %H:%M}" in html
    expected = tracking.submission_confirmation(dossier=dossier).appointment_at
    assert expected is not None and expected >= due
    assert f"ngày hẹn trả kết quả dự kiến chậm nhất là {timezone.localtime(expected):%d/%m/%Y %H:%M}" in html
    # born a month ago: registered on time, the fee is exempt and the reason is said
    assert 'data-testid="fee">Miễn phí' in html and "Miễn lệ phí đăng ký khai sinh đúng hạn" in html
    assert "Kết quả điện tử có trên trang hồ sơ này" in html  # the delivery chosen: online
    receipt = reverse("portal:submission_receipt", args=[dossier.code])
    assert f'href="{receipt}"' in html


def test_a_late_birth_registration_shows_the_fee_to_pay_and_the_counter_delivery(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    submit_birth(client, child_birth_date="2026-01-05", result_delivery="counter")
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.fee == 8000
    html = client.get(reverse("portal:submitted", args=[dossier.code])).content.decode()
    assert 'data-testid="fee">8.000 đồng' in html and "Lệ phí đăng ký khai sinh: 8.000 đồng" in html
    assert f"Bạn nhận kết quả trực tiếp tại {dossier.reception_point.name}." in html


def test_the_submission_receipt_is_a_pdf_with_the_code_procedure_documents_and_lookup_link(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = submitted(citizen)
    response = logged_in(citizen).get(reverse("portal:submission_receipt", args=[dossier.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.code}-da-nop.pdf"'
    text = pdf_text(response.content)
    assert "GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ TRỰC TUYẾN" in text
    assert dossier.code in text and "Đăng ký khai sinh (1.001193)" in text
    assert "Phan Thị Mai" in text and "Giấy chứng sinh" in text
    assert slips.long_time(dossier.submitted_at) in text
    assert "cấp Giấy tiếp nhận hồ sơ và hẹn trả kết quả khi tiếp nhận" in text  # the official receipt follows
    assert "tra-cuu/?ma=" in text.replace("\n", "")
    slip = slips.submission_receipt(dossier)
    assert slip.lookup_url.endswith(reverse("portal:lookup") + "?ma=" + dossier.code)


def test_only_the_dossiers_own_citizen_gets_the_confirmation_and_the_receipt(db):
    birth_procedure()
    mai, lan = make_citizen(), make_citizen("046195009999", "Trần Thị Lan")
    theirs = submitted(lan)
    for name in ("submitted", "submission_receipt"):
        url = reverse(f"portal:{name}", args=[theirs.code])
        assert logged_in(mai).get(url).status_code == 404
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("portal:login"))
        assert logged_in(lan).get(url).status_code == 200
    assert logged_in(mai).get(reverse("portal:submission_receipt", args=["X\x00Y"])).status_code in (400, 404)


def test_a_dossier_not_submitted_online_has_no_confirmation_page_nor_submission_receipt(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = submitted(citizen)
    Dossier.objects.filter(pk=dossier.pk).update(channel="counter")
    for name in ("submitted", "submission_receipt"):
        response = logged_in(citizen).get(reverse(f"portal:{name}", args=[dossier.code]))
        assert response.status_code == 404


def test_once_received_the_confirmation_shows_the_appointment_and_the_official_receipt_carries_the_lookup(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = accepted(citizen)
    client = logged_in(citizen)
    html = client.get(reverse("portal:submitted", args=[dossier.code])).content.decode()
    assert timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y %H:%M") in html
    assert 'data-testid="reception-due"' not in html
    receipt = client.get(reverse("portal:slip", args=[dossier.code, "receipt"]))
    text = pdf_text(receipt.content).replace("\n", "")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "tra cứu tình trạng hồ sơ" in text and f"tra-cuu/?ma={dossier.code}" in text
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert f'href="{reverse("portal:submission_receipt", args=[dossier.code])}"' in page


def test_a_reception_time_below_one_working_hour_is_refused_at_start(tmp_path):
    from test_settings import _check

    result = _check(tmp_path, MOTCUA_ENV="test", MOTCUA_ONLINE_RECEPTION_HOURS="0")
    assert result.returncode != 0 and "MOTCUA_ONLINE_RECEPTION_HOURS must be 1 or more" in result.stderr


def test_the_reception_deadline_follows_the_setting_in_working_hours(db, settings):
    birth_procedure()
    dossier = submitted(make_citizen())
    settings.MOTCUA_ONLINE_RECEPTION_HOURS = 8
    one_day = tracking.online_reception_due(dossier=dossier)
    settings.MOTCUA_ONLINE_RECEPTION_HOURS = 16
    two_days = tracking.online_reception_due(dossier=dossier)
    assert dossier.submitted_at < one_day < two_days
    assert timezone.localdate(two_days) > timezone.localdate(one_day)  # a working day later
