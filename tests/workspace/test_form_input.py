"""What an officer posts is read by a form: odd input is a field error or a page, never a 500."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import ApologyNotice, Dossier

from .conftest import log_in, officer
from .test_apology_pages import in_process, url
from .test_counter_reception import URL, form, mandatory_codes

pytestmark = pytest.mark.django_db


def test_an_unreadable_new_appointment_marks_the_date_input(client, hue):
    dossier = in_process(hue)
    log_in(client, officer("phuvang.tuphap"))
    response = client.post(
        url(dossier, "xin-loi/"), {"reason": "Chậm", "new_date": "mai", "new_time": "25:00"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'type="text" inputmode="numeric" autocomplete="off" size="10" value="mai" required' in page
    assert 'aria-describedby="apology-date-hint apology-error" aria-invalid="true"' in page
    assert "Vui lòng nhập ngày và giờ hẹn trả kết quả mới hợp lệ." in page
    assert not ApologyNotice.objects.filter(dossier=dossier).exists()


def test_an_unknown_counter_decision_registers_nothing(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = Dossier.objects.count()
    response = client.post(
        URL, form(hue, name="Phan Thị Mai", document=mandatory_codes(hue), decision="approve-everything")
    )
    assert response.status_code == 200
    assert Dossier.objects.count() == before


def test_a_workflow_post_with_odd_fields_answers_with_the_page(client, hue):
    dossier = in_process(hue)
    log_in(client, officer("phuvang.tuphap"))
    response = client.post(
        url(dossier, "thao-tac/"),
        {"action": "consult", "version": str(dossier.version), "agency": "abc\x00", "reason": "x" * 5000},
    )
    assert response.status_code in (302, 400)
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version
