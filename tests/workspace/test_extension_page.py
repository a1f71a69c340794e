"""Gia hạn (issue 11, item 5) from the dossier page: a same-day marriage registration the competent agency
extends, with a reason, by at most the catalog's 5 working days (Luật Hộ tịch 2014 Art. 18(2))."""

from __future__ import annotations

import pytest

from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier, EventKind
from motcua.org.models import Role

from .conftest import log_in, officer
from .test_apology_pages import url

pytestmark = pytest.mark.django_db


def received_marriage(hue) -> Dossier:
    dossier = hue.receive()
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))


def test_the_page_shows_trong_ngay_and_the_competent_agency_extends_with_a_reason(client, hue):
    dossier = received_marriage(hue)
    log_in(client, officer("phuvang.tuphap"))
    page = client.get(url(dossier)).content.decode()
    assert 'data-testid="time-limit">trong ngày (hồ sơ nhận sau 15:00' in page
    assert 'id="extension-days"' in page and "Khoản 2 Điều 18 Luật Hộ tịch 2014" in page
    assert "Tối đa 5 ngày làm việc tính từ ngày hẹn ban đầu (muộn nhất" in page
    response = client.post(url(dossier, "gia-han/"), {"days": "6", "reason": "Cần xác minh"})
    assert response.status_code == 400
    assert "Chỉ được gia hạn từ 1 đến 5 ngày làm việc" in response.content.decode()
    response = client.post(url(dossier, "gia-han/"), {"days": "5", "reason": "  "})
    assert response.status_code == 400
    assert not dossier.events.filter(kind=EventKind.EXTENDED).exists()
    response = client.post(
        url(dossier, "gia-han/"), {"days": "5", "reason": "Cần xác minh tình trạng hôn nhân"}
    )
    assert response.status_code == 302
    moved = Dossier.objects.get(pk=dossier.pk)
    assert moved.appointment_at == lookups.add_working_days(
        start=dossier.initial_appointment_at, days=5, agency_id=dossier.competent_agency_id
    )
    event = moved.events.get(kind=EventKind.EXTENDED)
    assert event.reason == "Cần xác minh tình trạng hôn nhân" and event.data["days"] == 5
    assert 'id="extension-days"' not in client.get(url(dossier)).content.decode()  # once per dossier


def test_an_officer_outside_the_competent_agency_gets_no_extension_form(client, hue):
    dossier = received_marriage(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    assert 'id="extension-days"' not in client.get(url(dossier)).content.decode()
    response = client.post(url(dossier, "gia-han/"), {"days": "2", "reason": "Xác minh"})
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).appointment_at == dossier.appointment_at


def test_the_most_an_extension_may_add_reads_in_the_singular_for_one_day(client, hue):
    """ "1 working day", not "1 working days" (issue 17 item 11): the plural form is chosen in the view."""
    dossier = received_marriage(hue)
    version = dossier.procedure_version
    type(version).objects.filter(pk=version.pk).update(extension_max=1)
    log_in(client, officer("phuvang.tuphap"))
    client.cookies["django_language"] = "en"
    page = client.get(url(dossier)).content.decode()
    assert "At most 1 working day from the first appointment (at the latest" in page
