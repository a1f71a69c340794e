"""Inbox, dossier page and actions of the officer workspace."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.dossiers import services
from motcua.dossiers.lookups import commune_committee_for
from motcua.dossiers.models import State
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Role

from .conftest import LOGIN, PASSWORD, VERIFY, current_token, log_in, officer

pytestmark = pytest.mark.django_db


def accepted(hue, name="Phan Thị Mai"):
    dossier = hue.receive(name=name)
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))


def step_officer(hue, dossier):
    step = dossier.current_step
    return officer(hue.staff(step.role, step.agency).username)


def test_the_inbox_lists_the_dossiers_waiting_for_me_and_not_for_others(client, hue):
    dossier = accepted(hue)
    log_in(client, step_officer(hue, dossier))
    assert dossier.code in client.get("/can-bo/").content.decode()
    client.logout()
    other = "phuvang.lanhdao" if dossier.current_step.role != Role.LEADER else "phuvang.tuphap"
    log_in(client, officer(other))
    assert dossier.code not in client.get("/can-bo/").content.decode()


def test_the_inbox_searches_by_applicant_name_and_code_and_shows_deadline_status_in_words(client, hue):
    mai = accepted(hue, name="Phan Thị Mai")
    lan = accepted(hue, name="Trần Văn Lân")
    log_in(client, step_officer(hue, mai))
    page = client.get("/can-bo/", {"q": "Lân"}).content.decode()
    assert lan.code in page and mai.code not in page
    page = client.get("/can-bo/", {"q": mai.code}).content.decode()
    assert mai.code in page and lan.code not in page
    assert "trong hạn" in page or "sắp đến hạn" in page or "quá hạn" in page


def test_the_inbox_filters_by_channel(client, hue):
    dossier = accepted(hue)
    log_in(client, step_officer(hue, dossier))
    assert dossier.code not in client.get("/can-bo/", {"channel": "online"}).content.decode()
    assert dossier.code in client.get("/can-bo/", {"channel": "counter"}).content.decode()


def test_the_inbox_query_count_does_not_grow_with_the_number_of_rows(client, hue):
    first = accepted(hue)
    user = step_officer(hue, first)
    log_in(client, user)
    client.get("/can-bo/")  # the working calendar is checked against its version row once per request
    with CaptureQueriesContext(connection) as one:
        client.get("/can-bo/")
    for i in range(4):
        accepted(hue, name=f"Người thứ {i}")
    with CaptureQueriesContext(connection) as five:
        page = client.get("/can-bo/").content.decode()
    assert page.count("/can-bo/ho-so/") >= 5
    assert len(five) == len(one)


def test_the_dossier_page_offers_exactly_the_allowed_actions_and_one_moves_the_dossier(client, hue):
    dossier = accepted(hue)
    log_in(client, step_officer(hue, dossier))
    url = f"/can-bo/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    assert 'value="forward"' in page
    assert 'value="accept"' not in page
    response = client.post(f"{url}thao-tac/", {"action": "forward", "version": dossier.version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.current_step.sequence > 1


def test_a_domain_error_is_shown_and_nothing_changes(client, hue):
    dossier = hue.receive(complete=False)
    log_in(client, officer("phuxuan.tiepnhan"))
    version = dossier.version
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/", {"action": "accept", "version": version}
    )
    assert response.status_code == 400
    assert "Hồ sơ còn thiếu" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.version == version


def test_an_officer_of_another_commune_cannot_open_the_dossier(client, hue):
    dossier = accepted(hue)
    other = (
        AdministrativeUnit.objects.valid_on(hue.on)
        .filter(province_code="46", level="commune")
        .exclude(code__in=[hue.phu_xuan.code, hue.phu_vang.code])
        .order_by("code")
        .first()
    )
    committee = commune_committee_for(unit=other, on=hue.on)
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, committee).username))
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.code}/phieu/receipt.pdf").status_code == 404
    response = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/", {"action": "forward"})
    assert response.status_code == 404


def test_the_receipt_slip_downloads_as_pdf(client, hue):
    dossier = accepted(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.get(f"/can-bo/ho-so/{dossier.code}/phieu/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_dossier_waiting_for_reception_offers_accept_supplement_and_refusal_with_a_reason(client, hue):
    dossier = hue.receive(complete=False)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    for action in ("accept", "request_reception_supplement", "refuse_reception"):
        assert f'name="action" value="{action}"' in page
    assert 'id="reason-refuse_reception"' in page
    assert 'value="forward"' not in page


def test_a_refusal_at_reception_from_the_dossier_page_records_the_reason(client, hue):
    dossier = hue.receive(complete=False)
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/",
        {
            "action": "refuse_reception",
            "reason": "Không thuộc thẩm quyền",
            "version": dossier.version,
            "confirm": "yes",  # from the confirmation page (test_officer_route_pages.py)
        },
    )
    dossier.refresh_from_db()
    assert dossier.state == State.REFUSED_AT_RECEPTION
    assert dossier.events.order_by("-sequence").first().reason == "Không thuộc thẩm quyền"


def test_login_returns_to_the_page_asked_for(client, hue):
    user = officer("phuxuan.tiepnhan")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "/can-bo/tiep-nhan/"}
    )
    assert response["Location"] == f"{VERIFY}?next=%2Fcan-bo%2Ftiep-nhan%2F"
    response = client.post(VERIFY, {"token": current_token(device), "next": "/can-bo/tiep-nhan/"})
    assert response["Location"] == "/can-bo/tiep-nhan/"


def test_a_queue_longer_than_the_count_cap_is_paged_without_counting_everything(client, hue, monkeypatch):
    monkeypatch.setattr("motcua.workspace.paging.COUNT_CAP", 2)
    monkeypatch.setattr("motcua.workspace.paging.PAGE_SIZE", 1)
    first = accepted(hue)
    for i in range(3):
        accepted(hue, name=f"Người thứ {i}")
    log_in(client, step_officer(hue, first))
    page = client.get("/can-bo/").content.decode()
    assert "Có hơn 2 hồ sơ" in page
    assert "Trang sau" in page and "cursor=" in page


def test_an_electronic_document_says_so_instead_of_zero_originals_and_zero_copies(client, hue):
    """Issue 17 item 11: "Bản chính 0 / Bản sao 0" is not shown for a file given electronically."""
    dossier = hue.receive()
    dossier.documents.update(originals=0, copies=0)
    paper = dossier.documents.first()
    type(paper).objects.filter(pk=paper.pk).update(originals=1, copies=0)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    electronic = dossier.documents.count() - 1
    assert page.count('data-testid="electronic-document">Bản điện tử, không nộp bản giấy<') == electronic
    assert 'data-label="Bản chính">1</td><td data-label="Bản sao">0</td>' in page
