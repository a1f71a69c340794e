"""A withdrawal request goes behind its own confirmation page and ends with "Đã gửi yêu cầu rút hồ sơ"
(issue 17, item 3; the rule: docs/legal-basis.md section 9)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier, State, WithdrawalRequest

from .test_eform import birth_procedure, logged_in, make_citizen, media_in_tmp
from .test_my_dossiers import accepted, submitted

__all__ = ["media_in_tmp"]


def test_the_dossier_page_links_to_the_confirmation_page_which_explains_and_asks_the_reason(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = accepted(citizen)
    client = logged_in(citizen)
    url = reverse("portal:withdraw", args=[dossier.code])
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert f'href="{url}"' in page and 'id="withdraw-reason"' not in page
    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "<h1>Bạn muốn rút hồ sơ này?</h1>" in html
    assert "cơ quan quyết định chấp nhận hoặc không" in html and "ngày hẹn trả kết quả giữ nguyên" in html
    assert 'id="withdraw-reason"' in html and 'class="button button-warning"' in html
    assert f'href="{reverse("portal:my_dossier", args=[dossier.code])}">Không, quay lại hồ sơ' in html
    dossier.refresh_from_db()
    assert not dossier.withdrawal_pending  # reading the page asks nothing


def test_confirming_sends_the_request_and_the_dossier_page_says_it_was_sent(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = submitted(citizen)
    client = logged_in(citizen)
    response = client.post(reverse("portal:withdraw", args=[dossier.code]), {"reason": "Nộp nhầm thủ tục"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossier", args=[dossier.code]) + "?da_yeu_cau_rut=1"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="withdrawal-sent"' in page and "Đã gửi yêu cầu rút hồ sơ." in page
    assert WithdrawalRequest.objects.get(dossier=dossier).reason == "Nộp nhầm thủ tục"


def test_a_missing_reason_or_a_nul_byte_is_an_error_on_the_confirmation_page_and_nothing_changes(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = submitted(citizen)
    client = logged_in(citizen)
    url = reverse("portal:withdraw", args=[dossier.code])
    for reason in ("", "   ", "Nộp\x00nhầm"):
        response = client.post(url, {"reason": reason})
        assert response.status_code == 400, reason
        html = response.content.decode()
        assert 'role="alert" data-error-code="' in html and "<title>Lỗi:" in html
        assert 'id="withdraw-reason"' in html and 'aria-invalid="true"' in html
    dossier.refresh_from_db()
    assert not dossier.withdrawal_pending and not WithdrawalRequest.objects.filter(dossier=dossier).exists()


def test_a_dossier_that_can_no_longer_be_withdrawn_shows_why_without_a_form(db):
    birth_procedure()
    citizen = make_citizen()
    dossier = submitted(citizen)
    client = logged_in(citizen)
    url = reverse("portal:withdraw", args=[dossier.code])
    assert client.post(url, {"reason": "Nộp nhầm"}).status_code == 302
    for response in (client.get(url), client.post(url, {"reason": "Lần hai"})):
        assert response.status_code == 409
        html = response.content.decode()
        assert 'data-error-code="withdraw.pending"' in html and 'id="withdraw-reason"' not in html
    Dossier.objects.filter(pk=dossier.pk).update(state=State.RETURNED, withdrawal_pending=False)
    closed = client.get(url)
    assert closed.status_code >= 400 and 'id="withdraw-reason"' not in closed.content.decode()
    assert WithdrawalRequest.objects.filter(dossier=dossier).count() == 1


def test_another_citizens_dossier_cannot_be_withdrawn_and_is_not_found(db):
    birth_procedure()
    mai, lan = make_citizen(), make_citizen("046195009999", "Trần Thị Lan")
    theirs = submitted(lan)
    url = reverse("portal:withdraw", args=[theirs.code])
    assert logged_in(mai).get(url).status_code == 404
    assert logged_in(mai).post(url, {"reason": "Của tôi"}).status_code == 404
    anonymous = Client().post(url, {"reason": "x"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("portal:login"))
    theirs.refresh_from_db()
    assert not theirs.withdrawal_pending and not WithdrawalRequest.objects.exists()
