"""'Hồ sơ của tôi': the citizen's list, the dossier page, its receipt and answering a supplement in place."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, State
from motcua.org import selectors as org_selectors
from motcua.org.models import Role
from pdf_samples import CLEAN_PDF

from .test_eform import birth_procedure, logged_in, make_citizen, media_in_tmp, submit_birth

__all__ = ["media_in_tmp"]  # the autouse fixture keeps uploads in a temporary media folder here too


def staff(role: str, agency):
    member = org_selectors.staff_with_role(role=role, agency=agency, on=timezone.localdate()).first()
    assert member is not None, f"demo organization has no {role} at {agency}"
    return member.user


def submitted(citizen) -> Dossier:
    submit_birth(logged_in(citizen), submission_key=f"key-{citizen.national_id}")
    return Dossier.objects.get(applicant=citizen)


def accepted(citizen) -> Dossier:
    dossier = submitted(citizen)
    officer = staff(Role.RECEPTION_OFFICER, dossier.reception_point.agency)
    return services.accept(dossier=dossier, by=officer)


def at_review(citizen) -> Dossier:
    """Accepted and forwarded by the one-stop desk: only the examining step asks for a supplement."""
    dossier = accepted(citizen)
    officer = staff(Role.RECEPTION_OFFICER, dossier.reception_point.agency)
    return services.perform(dossier=dossier, by=officer, action="forward")


def test_my_dossiers_lists_only_the_citizens_own_dossiers_with_plain_status(db):
    birth_procedure()
    mai, lan = make_citizen(), make_citizen("046195009999", "Trần Thị Lan")
    mine, theirs = submitted(mai), submitted(lan)
    html = logged_in(mai).get(reverse("portal:my_dossiers")).content.decode()
    assert mine.code in html and theirs.code not in html
    assert "Mới đăng ký" in html and "chưa có" in html


def test_another_citizens_dossier_page_is_not_found(db):
    birth_procedure()
    mai, lan = make_citizen(), make_citizen("046195009999", "Trần Thị Lan")
    theirs = submitted(lan)
    assert logged_in(mai).get(reverse("portal:my_dossier", args=[theirs.code])).status_code == 404


def test_the_dossier_page_shows_the_timeline_appointment_and_the_receipt_pdf(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = accepted(citizen)
    client = logged_in(citizen)
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Bạn đã nộp hồ sơ." in html and "Hồ sơ đã được tiếp nhận." in html
    assert timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y") in html
    receipt = reverse("portal:slip", args=[dossier.code, "receipt"])
    assert f'href="{receipt}"' in html
    pdf = client.get(receipt)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("portal:slip", args=[dossier.code, "apology"])).status_code == 404


def test_answering_a_supplement_request_in_place_resumes_the_dossier(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = at_review(citizen)
    step = dossier.current_step
    services.request_supplement(
        dossier=dossier,
        by=staff(step.role, step.agency),
        missing=["giay_chung_sinh"],
        reason="Giấy chứng sinh bị mờ, vui lòng gửi lại bản rõ.",
    )
    client = logged_in(citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Giấy chứng sinh bị mờ" in page and 'name="doc_giay_chung_sinh"' in page
    upload = SimpleUploadedFile("chung-sinh-ro.pdf", CLEAN_PDF, content_type="application/pdf")
    response = client.post(
        reverse("portal:supply", args=[dossier.code]), {"doc_giay_chung_sinh": upload, "note": "Bản rõ"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.paused_at is None
    assert dossier.documents.filter(code="giay_chung_sinh").count() == 2
    assert 'name="doc_giay_chung_sinh"' not in client.get(response["Location"]).content.decode()


def test_a_supplement_answer_without_a_file_shows_the_error_and_changes_nothing(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = at_review(citizen)
    step = dossier.current_step
    services.request_supplement(
        dossier=dossier, by=staff(step.role, step.agency), missing=["giay_chung_sinh"], reason="Bị mờ."
    )
    response = logged_in(citizen).post(reverse("portal:supply", args=[dossier.code]), {"note": "quên tệp"})
    assert response.status_code == 400
    assert 'data-error-code="supplement.empty"' in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT


def test_my_dossiers_asks_an_anonymous_visitor_to_log_in(db):
    response = Client().get(reverse("portal:my_dossiers"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_the_citizen_requests_withdrawal_with_a_reason_and_the_page_says_it_was_sent(db):
    """Withdrawal is a request (national status 7) decided by the competent agency: nothing ends yet and the
    appointment stays; a second request while it waits is refused."""
    birth_procedure()
    citizen = make_citizen()
    dossier = accepted(citizen)
    appointment = dossier.appointment_at
    client = logged_in(citizen)
    url = reverse("portal:withdraw", args=[dossier.code])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "data-error-code=" in refused.content.decode()
    response = client.post(url, {"reason": "Nộp nhầm thủ tục"})
    assert response.status_code == 302 and response["Location"].endswith("?da_yeu_cau_rut=1")
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.withdrawal_pending
    assert dossier.appointment_at == appointment
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="withdrawal-sent"' in page and "Yêu cầu rút hồ sơ đã được gửi" in page
    assert 'data-testid="withdrawal-pending"' in page and "Nộp nhầm thủ tục" in page
    assert "Công dân yêu cầu rút hồ sơ" in page  # the national status
    assert 'id="withdraw-reason"' not in page
    again = client.post(url, {"reason": "Lần hai"})
    assert again.status_code == 409 and 'data-error-code="withdraw.pending"' in again.content.decode()


def test_the_citizen_reads_the_stop_notice_its_reasons_and_downloads_form_05(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = accepted(citizen)
    holder = staff(dossier.current_step.role, dossier.current_step.agency)
    notice = services.propose_stop(dossier=dossier, by=holder, reasons="Giấy chứng sinh không hợp lệ")
    services.sign_stop(notice=notice, by=staff(Role.LEADER, dossier.competent_agency))
    client = logged_in(citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert 'data-testid="stop-notice"' in page and "Giấy chứng sinh không hợp lệ" in page
    assert "Dừng xử lý" in page and "Cơ quan có thẩm quyền đã ra thông báo dừng giải quyết hồ sơ." in page
    pdf = client.get(reverse("portal:slip", args=[dossier.code, "stop"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
