"""Keyset pages of the inbox: every dossier once, signed cursors, filters kept, the step read from the row."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import timezone

from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier, State
from motcua.org.models import Position, Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

CODE = re.compile(r'href="/can-bo/ho-so/([^/"]+)/"')


def codes(page: str) -> list[str]:
    """Dossier codes in the inbox table, in the order shown (the consultations list comes after it)."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return CODE.findall(table)


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def accepted(hue, name: str) -> Dossier:
    dossier = hue.receive(name=name)
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("motcua.workspace.paging.PAGE_SIZE", 2)


def mixed_queue(hue) -> list[Dossier]:
    """Three dossiers waiting for reception and four at the reception step, for Phú Xuân's officer."""
    waiting = [hue.receive(complete=False, name=f"Chờ tiếp nhận {i}") for i in range(3)]
    at_step = [accepted(hue, f"Đang xử lý {i}") for i in range(4)]
    return waiting + at_step


def test_paging_forward_then_back_visits_every_dossier_once_in_inbox_order(client, hue, small_pages):
    mixed_queue(hue)
    user = officer("phuxuan.tiepnhan")
    expected = [d.code for d in selectors.inbox_for(user=user, now=timezone.now())]
    assert len(expected) >= 7
    log_in(client, user)
    pages, url = [], "/can-bo/"
    while url is not None:
        page = client.get(url).content.decode()
        pages.append(codes(page))
        url = link(page, "next")
        assert len(pages) <= len(expected)
    seen = [code for codes_ in pages for code in codes_]
    assert seen == expected
    assert f"Trang {len(pages)}" in page and "Về trang đầu" in page

    back = []
    url = link(page, "prev")
    while url is not None:
        page = client.get(url).content.decode()
        back.insert(0, codes(page))
        url = link(page, "prev")
    assert back == pages[:-1]
    assert "Trang 1" in page and "Về trang đầu" not in page


def test_waiting_dossiers_come_before_those_at_a_step(client, hue, small_pages):
    queue = mixed_queue(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    first = codes(client.get("/can-bo/").content.decode())
    waiting = {d.code for d in queue if d.state == State.SUBMITTED}
    assert set(first) <= waiting


def test_a_tampered_cursor_gives_a_clear_400_and_the_first_page(client, hue, small_pages):
    mixed_queue(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    first_page = client.get("/can-bo/").content.decode()
    following = link(first_page, "next")
    assert following is not None
    token = following.split("cursor=", 1)[1]
    forged = following.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    response = client.get(forged)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Liên kết phân trang không hợp lệ" in page
    assert codes(page) == codes(first_page)
    assert client.get("/can-bo/", {"cursor": "not-a-cursor"}).status_code == 400


def test_filters_survive_paging(client, hue, monkeypatch):
    monkeypatch.setattr("motcua.workspace.paging.PAGE_SIZE", 1)
    lan = [accepted(hue, f"Trần Văn Lân {i}") for i in range(3)]
    mai = accepted(hue, "Phan Thị Mai")
    log_in(client, officer("phuxuan.tiepnhan"))
    seen, url = [], "/can-bo/?q=L%C3%A2n&channel=counter"
    while url is not None:
        page = client.get(url).content.decode()
        seen += codes(page)
        assert 'value="Lân"' in page
        url = link(page, "next")
        assert url is None or ("q=L%C3%A2n" in url and "channel=counter" in url)
    assert seen == [d.code for d in sorted(lan, key=lambda d: (d.step_deadline, d.submitted_at, d.pk))]
    assert mai.code not in seen
    assert "Có 3 hồ sơ." in page


def test_the_inbox_follows_the_current_step_through_assignment_and_hand_over(client, hue):
    dossier = accepted(hue, "Phan Thị Mai")
    reception = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.perform(dossier=dossier, by=reception, action="forward")
    step = dossier.current_step
    dossier.refresh_from_db()
    assert (dossier.step_agency_id, dossier.step_role, dossier.step_deadline) == (
        step.agency_id,
        step.role,
        step.deadline,
    )
    specialist = hue.staff(step.role, step.agency)
    now = timezone.now()
    assert dossier in selectors.inbox_for(user=specialist, now=now)
    assert dossier not in selectors.inbox_for(user=reception, now=now)

    # Taken by one specialist: it leaves the queue of any other specialist of the agency.
    services.assign_step(dossier=dossier, by=specialist, assignee=specialist.staff)
    dossier.refresh_from_db()
    assert dossier.step_assignee_id == specialist.staff.pk
    assert dossier in selectors.inbox_page(user=specialist, now=now).dossiers

    services.request_supplement(dossier=dossier, by=specialist, missing=["Bản sao CCCD"], reason="Thiếu")
    dossier.refresh_from_db()
    assert dossier not in selectors.inbox_page(user=specialist, now=now).dossiers
    version = dossier.procedure_version
    code = version.documents.order_by("order").first().code
    services.supply_documents(dossier=dossier, by=reception, documents=[services.DocumentInput(code=code)])
    dossier.refresh_from_db()
    assert dossier.step_deadline == dossier.current_step.deadline
    assert dossier in selectors.inbox_page(user=specialist, now=now).dossiers


def test_a_dossier_waiting_for_reception_shows_at_the_receiving_and_the_competent_commune(client, hue):
    dossier = hue.receive(complete=False)
    assert (dossier.receiving_agency, dossier.competent_agency) == (hue.ubnd_phu_xuan, hue.ubnd_phu_vang)
    for username in ("phuxuan.tiepnhan", "phuvang.tiepnhan"):
        log_in(client, officer(username))
        page = client.get("/can-bo/").content.decode()
        assert codes(page).count(dossier.code) == 1 and "Chờ tiếp nhận" in page
        client.logout()


def test_the_inbox_follows_the_officers_positions_from_one_request_to_the_next(client, hue):
    """The inbox's SQL is compiled once per set of positions and filters (a process-wide cache): a change of
    position shows at the next request, and another officer never gets the first one's rows."""
    mixed_queue(hue)
    user = officer("phuxuan.tiepnhan")
    log_in(client, user)

    def shown() -> tuple[list[str], list[str]]:
        expected = [d.code for d in selectors.inbox_for(user=user, now=timezone.now())]
        return codes(client.get("/can-bo/").content.decode()), expected

    before, expected = shown()
    assert before == expected[:25] and before
    assert codes(client.get(f"/can-bo/?q={before[0]}").content.decode()) == [before[0]]
    Position.objects.filter(staff__user=user, role=Role.RECEPTION_OFFICER).update(role=Role.SPECIALIST)
    after, expected = shown()
    assert after == expected[:25] and after != before
    other = officer("phuvang.tiepnhan")
    client.logout()
    log_in(client, other)
    expected = [d.code for d in selectors.inbox_for(user=other, now=timezone.now())]
    assert codes(client.get("/can-bo/").content.decode()) == expected[:25]
    assert expected[:25] != before
