"""The officer's dossier page (issue 17 items 6, 7 and 10): the route with who holds the dossier, the forward
button naming the recipient, the result form only for whom the access policy allows, the decision after the
evidence with a confirmation step for refusals, the apology folded unless the dossier is at risk, and the
header saying who is logged in."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from motcua.dossiers import access, services
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, State
from motcua.org import selectors as org_selectors
from motcua.org.models import Position, Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db


def accepted(hue) -> Dossier:
    dossier = hue.receive()
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))


def page_of(client, dossier: Dossier) -> str:
    response = client.get(f"/can-bo/ho-so/{dossier.code}/")
    assert response.status_code == 200
    return response.content.decode()


def route_states(page: str) -> list[str]:
    return re.findall(r'data-route-state="(\w+)"', page)


def test_the_forward_button_names_the_recipient_and_the_next_step(client, hue):
    dossier = accepted(hue)  # at the reception step; forward goes to the specialists of the competent UBND
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username))
    page = page_of(client, dossier)
    competent = dossier.competent_agency.name
    assert f"Chuyển cho chuyên viên – {competent}" in page
    assert "Công chức Tư pháp - Hộ tịch kiểm tra, xác minh điều kiện kết hôn" in page
    assert "Chuyển bước tiếp theo</button>" not in page


def test_the_route_shows_every_step_done_current_and_coming_with_who_and_when(client, hue):
    reception = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.perform(dossier=accepted(hue), by=reception, action="forward")
    specialist = officer(hue.staff(Role.SPECIALIST, dossier.competent_agency).username)
    log_in(client, specialist)
    page = page_of(client, dossier)
    # tiep_nhan done, tham_dinh current, duyet, ky, vao_so, tra_ket_qua coming: the whole workflow version.
    assert route_states(page) == ["done", "current", "coming", "coming", "coming", "coming"]
    assert f"Do {reception.full_name} thực hiện lúc" in page
    holder = re.search(r'data-testid="route-holder">([^<]*)<', page)
    assert holder and f"Đang chờ: chuyên viên – {dossier.competent_agency.name}" in holder.group(1)
    assert "Văn thư vào sổ, đóng dấu, phát hành" in page
    # The step table's officer column names who finished each step (it was always "—").
    officers = re.findall(r'data-testid="step-officer">([^<]*)<', page)
    assert officers[0] == reception.full_name
    # Once the step is given to one person, the route says who holds it.
    dossier = services.assign_step(dossier=dossier, by=specialist, assignee=specialist.staff)
    holder = re.search(r'data-testid="route-holder">([^<]*)<', page_of(client, dossier))
    assert holder and f"Người đang giữ hồ sơ: {specialist.staff.full_name}" in holder.group(1)


def test_attaching_the_result_is_offered_only_to_the_role_the_access_policy_allows(client, hue):
    dossier = accepted(hue)
    holder = officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username)  # holds the step
    onlooker = officer(hue.staff(Role.LEADER, dossier.competent_agency).username)  # sees it, may not attach
    offered = {}
    for user in (holder, onlooker):
        client.logout()
        log_in(client, user)
        page = page_of(client, dossier)
        offered[user.username] = 'enctype="multipart/form-data"' in page and "Đính kèm kết quả" in page
        assert offered[user.username] == access.may(user, Act.ATTACH_RESULT, dossier, on=hue.on)
    assert offered == {holder.username: True, onlooker.username: False}


def test_a_refusal_at_reception_asks_for_confirmation_and_changes_nothing_without_it(client, hue):
    dossier = hue.receive(complete=False)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = page_of(client, dossier)
    # The refusal is last, with a warning button that says a confirmation follows.
    assert page.index('value="refuse_reception"') > page.index('value="accept"')
    assert page.index('id="decision-title"') > page.index('id="docs-title"')
    assert 'class="button button-warning">Từ chối tiếp nhận…</button>' in page
    version, events = dossier.version, dossier.events.count()
    url = f"/can-bo/ho-so/{dossier.code}/thao-tac/"
    fields = {"action": "refuse_reception", "reason": "Không thuộc thẩm quyền", "version": version}
    response = client.post(url, fields)
    assert response.status_code == 200
    confirm = response.content.decode()
    assert "Xác nhận từ chối" in confirm and "Chưa có gì thay đổi." in confirm
    assert 'name="confirm" value="yes"' in confirm and "Không thuộc thẩm quyền</textarea>" in confirm
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version, dossier.events.count()) == (State.SUBMITTED, version, events)
    # The confirmation page's POST refuses, with the reason as (re)typed there.
    response = client.post(url, {**fields, "confirm": "yes", "reason": "Không thuộc thẩm quyền của xã"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.REFUSED_AT_RECEPTION
    assert dossier.events.order_by("-sequence").first().reason == "Không thuộc thẩm quyền của xã"


def test_the_leaders_stop_at_the_sign_step_asks_for_the_code_on_the_confirmation_page(client, hue):
    dossier = accepted(hue)
    for action in ("forward", "forward", "approve"):
        step = dossier.current_step
        by = org_selectors.staff_with_role(role=step.role, agency=step.agency, on=hue.on).first().user
        dossier = services.perform(dossier=dossier, by=by, action=action)
    assert dossier.current_step.step.code == "ky"
    leader = officer(hue.staff(Role.LEADER, dossier.competent_agency).username)
    log_in(client, leader)
    page = page_of(client, dossier)
    assert 'id="token-refuse"' not in page  # the code is asked on the confirmation page, not before
    version = dossier.version
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/",
        {"action": "refuse", "reason": "Không đủ điều kiện kết hôn", "version": version},
    )
    confirm = response.content.decode()
    assert response.status_code == 200 and "Xác nhận dừng giải quyết" in confirm
    assert 'id="confirm-token"' in confirm
    dossier.refresh_from_db()
    assert dossier.version == version and dossier.state == State.IN_PROCESS


def test_the_apology_form_is_folded_unless_the_dossier_is_at_risk(client, hue, settings):
    dossier = accepted(hue)
    # Marriage is returned the same day: this one is due in ten days, so an apology can still be drafted.
    later = dossier.appointment_at + dt.timedelta(days=10)
    Dossier.objects.filter(pk=dossier.pk).update(appointment_at=later, initial_appointment_at=later)
    specialist = officer(hue.staff(Role.SPECIALIST, dossier.competent_agency).username)
    log_in(client, specialist)
    page = page_of(client, dossier)
    assert '<details class="ws-apology ws-fold">' in page  # folded, not open
    assert page.index('id="apology-title"') > page.index('id="decision-title"')
    # Due soon (every working hour left counts as "soon"): the section comes first, the form open.
    settings.MOTCUA_DUE_SOON_HOURS = 100000
    page = page_of(client, dossier)
    assert '<details class="ws-apology ws-fold" open>' in page
    assert page.index('id="apology-title"') < page.index('id="route-title"')


def test_the_header_says_who_is_logged_in_and_the_menu_follows_the_roles(client, hue):
    reception = officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username)
    log_in(client, reception)
    page = client.get("/can-bo/").content.decode()
    whoami = page[page.index('data-testid="whoami"') : page.index("</header>")]
    assert reception.full_name in whoami
    position = Position.objects.filter(staff__user=reception, role=Role.RECEPTION_OFFICER).first()
    assert "Cán bộ tiếp nhận (Một cửa)" in whoami and position.agency.name in whoami
    assert position.reception_point is not None and position.reception_point.name in whoami
    assert "Tiếp nhận tại quầy" in page and "Sổ theo dõi hồ sơ" in page
    client.logout()
    specialist = officer(hue.staff(Role.SPECIALIST, hue.ubnd_phu_vang).username)
    log_in(client, specialist)
    page = client.get("/can-bo/").content.decode()
    whoami = page[page.index('data-testid="whoami"') : page.index("</header>")]
    assert specialist.full_name in whoami and "Chuyên viên" in whoami and hue.ubnd_phu_vang.name in whoami
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    assert "Hồ sơ cần xử lý" in nav
    for counter_only in (
        "Tiếp nhận tại quầy",
        "Hỗ trợ nộp trực tuyến",
        "Sổ theo dõi hồ sơ",
        "Hồ sơ chuyển đi",
    ):
        assert counter_only not in nav


def test_a_confirmed_refusal_the_service_turns_down_comes_back_to_the_confirmation_page(client, hue):
    dossier = hue.receive(complete=False)
    log_in(client, officer("phuxuan.tiepnhan"))
    version = dossier.version
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/",
        {"action": "refuse_reception", "reason": "   ", "version": version, "confirm": "yes"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Lỗi:" in page and 'id="confirm-error"' in page and "Xác nhận từ chối" in page
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version) == (State.SUBMITTED, version)


def test_a_dossier_refused_at_reception_shows_its_steps_as_not_taken(client, hue):
    dossier = hue.receive(complete=False)
    dossier = services.refuse_reception(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan), reason="Không đủ giấy tờ"
    )
    log_in(client, officer("phuxuan.tiepnhan"))
    page = page_of(client, dossier)
    assert set(route_states(page)) == {"skipped"} and "Không thực hiện" in page
    assert "Bạn không có thao tác nào với hồ sơ này lúc này." in page
