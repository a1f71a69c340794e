"""What an officer posts is read by a form: odd input is a field error or a page, never a 500."""

from __future__ import annotations

import re

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
    assert "Vui lòng nhập ngày hẹn trả kết quả mới hợp lệ, theo ngày/tháng/năm." in page
    assert not ApologyNotice.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("typed", ["25:00", "10", "1000", "8 giờ", "10:61"])
def test_an_unreadable_new_time_marks_the_time_input_which_the_browser_offers_as_a_time(client, hue, typed):
    """The time is a type="time" input; the server still reads it strictly (HH:MM) and says which input."""
    dossier = in_process(hue)
    log_in(client, officer("phuvang.tuphap"))
    page = client.get(url(dossier)).content.decode()
    assert 'id="apology-time" name="new_time" type="time"' in page
    response = client.post(
        url(dossier, "xin-loi/"), {"reason": "Chậm", "new_date": "06/01/2030", "new_time": typed}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vui lòng nhập giờ hẹn trả kết quả mới hợp lệ, theo giờ:phút (ví dụ 14:30)." in page
    time_input = re.search(r'<input id="apology-time" [^>]*>', page).group(0)
    assert f'value="{typed}"' in time_input and 'aria-invalid="true"' in time_input
    assert 'aria-describedby="apology-time-hint apology-error"' in time_input
    date_input = re.search(r'<input id="apology-date" [^>]*>', page).group(0)
    assert 'value="06/01/2030"' in date_input and "aria-invalid" not in date_input
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
