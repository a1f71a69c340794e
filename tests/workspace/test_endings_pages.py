"""The dossier page's stop notice (form 05) and withdrawal request forms, with Huế's demo staff.

Rules: docs/legal-basis.md sections 6 and 9 (the step holder proposes a stop, a leader of the competent agency
signs or declines it; withdrawal is a request decided by a leader of the competent agency). Errors show
beside the field and change nothing.
"""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, State, StopNotice, WithdrawalRequest
from motcua.org.models import Role

from .conftest import log_in, officer, signing_code

pytestmark = pytest.mark.django_db


def at_review(hue) -> Dossier:
    """A marriage registration received at Phú Xuân, at Phú Vang's justice officer's step."""
    reception = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.accept(dossier=hue.receive(), by=reception)
    return services.perform(dossier=dossier, by=reception, action="forward")


def url(dossier: Dossier, suffix: str = "") -> str:
    return f"/can-bo/ho-so/{dossier.code}/{suffix}"


def test_the_step_holder_proposes_a_stop_and_an_empty_reason_is_shown_beside_the_field(client, hue):
    dossier = at_review(hue)
    log_in(client, officer("phuvang.tuphap"))
    page = client.get(url(dossier)).content.decode()
    assert "Đề xuất dừng giải quyết hồ sơ" in page
    assert 'name="action" value="refuse"' not in page  # the specialist does not end the dossier
    response = client.post(url(dossier, "dung-giai-quyet/"), {"reason": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="stop-error"' in page and "Vui lòng nêu rõ lý do." in page
    assert 'aria-invalid="true"' in page.split('id="stop-reason"')[1].split(">")[0]
    assert not StopNotice.objects.filter(dossier=dossier).exists()
    response = client.post(url(dossier, "dung-giai-quyet/"), {"reason": "Hồ sơ giả mạo giấy tờ"})
    assert response.status_code == 302 and response["Location"].endswith("#stop-title")
    notice = StopNotice.objects.get(dossier=dossier)
    assert notice.outcome == "" and Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_the_leader_signs_the_stop_and_downloads_form_05(client, hue):
    dossier = at_review(hue)
    specialist = hue.staff(Role.SPECIALIST, hue.ubnd_phu_vang)
    notice = services.propose_stop(dossier=dossier, by=specialist, reasons="Hồ sơ giả mạo giấy tờ")
    log_in(client, officer("phuvang.lanhdao"))
    page = client.get(url(dossier)).content.decode()
    assert "Ký thông báo dừng giải quyết" in page and "Hồ sơ giả mạo giấy tờ" in page
    assert 'id="stop-token"' in page  # signing the notice asks the code again
    response = client.post(url(dossier, f"dung-giai-quyet/{notice.pk}/"), {"decision": "sign", "reasons": ""})
    assert response.status_code == 400 and "mã xác thực" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS  # nothing changed
    response = client.post(
        url(dossier, f"dung-giai-quyet/{notice.pk}/"),
        {"decision": "sign", "reasons": "", "token": signing_code("phuvang.lanhdao")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.STOPPED and dossier.national_status == 8
    page = client.get(url(dossier)).content.decode()
    assert url(dossier, "phieu/stop.pdf") in page
    pdf = client.get(url(dossier, "phieu/stop.pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_leader_declining_without_a_note_sees_the_error_beside_the_note(client, hue):
    dossier = at_review(hue)
    specialist = hue.staff(Role.SPECIALIST, hue.ubnd_phu_vang)
    notice = services.propose_stop(dossier=dossier, by=specialist, reasons="Thiếu điều kiện")
    log_in(client, officer("phuvang.lanhdao"))
    response = client.post(url(dossier, f"dung-giai-quyet/{notice.pk}/"), {"decision": "decline", "note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="stop-decision-error"' in page
    assert 'aria-invalid="true"' in page.split('id="stop-note"')[1].split(">")[0]
    notice.refresh_from_db()
    assert notice.outcome == ""
    response = client.post(
        url(dossier, f"dung-giai-quyet/{notice.pk}/"), {"decision": "decline", "note": "Đủ điều kiện"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.outcome == "declined" and Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_a_specialist_posting_a_decision_is_refused_and_nothing_changes(client, hue):
    dossier = at_review(hue)
    specialist = hue.staff(Role.SPECIALIST, hue.ubnd_phu_vang)
    notice = services.propose_stop(dossier=dossier, by=specialist, reasons="Thiếu điều kiện")
    log_in(client, officer("phuvang.tuphap"))
    response = client.post(url(dossier, f"dung-giai-quyet/{notice.pk}/"), {"decision": "sign"})
    assert response.status_code == 403
    assert "lãnh đạo cơ quan có thẩm quyền" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_the_desk_records_a_written_request_and_the_leader_accepts_it(client, hue):
    dossier = at_review(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(url(dossier)).content.decode()
    assert "Ghi nhận yêu cầu rút hồ sơ bằng văn bản của công dân" in page
    response = client.post(url(dossier, "rut-ho-so/"), {"reason": "Đơn xin rút hồ sơ"})
    assert response.status_code == 302
    request = WithdrawalRequest.objects.get(dossier=dossier)
    assert request.recorded_by is not None
    assert Dossier.objects.get(pk=dossier.pk).national_status == 7
    client.logout()
    log_in(client, officer("phuvang.lanhdao"))
    page = client.get(url(dossier)).content.decode()
    assert "Chấp nhận yêu cầu rút hồ sơ" in page
    response = client.post(
        url(dossier, f"rut-ho-so/{request.pk}/"),
        {"decision": "accept", "originals_returned": "Không có bản chính"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN
    request.refresh_from_db()
    assert (request.outcome, request.originals_returned) == ("accepted", "Không có bản chính")


def test_declining_a_withdrawal_without_a_reason_marks_the_reason_field(client, hue):
    dossier = at_review(hue)
    citizen_request = services.request_withdrawal(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan), reason="Đơn xin rút"
    )
    log_in(client, officer("phuvang.lanhdao"))
    response = client.post(url(dossier, f"rut-ho-so/{citizen_request.pk}/"), {"decision": "decline"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page.split('id="withdrawal-decline-reason"')[1].split(">")[0]
    response = client.post(
        url(dossier, f"rut-ho-so/{citizen_request.pk}/"), {"decision": "decline", "reason": "Đã có kết quả"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and not dossier.withdrawal_pending
