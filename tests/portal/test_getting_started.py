"""Getting started (issue 17, item 5): the start button at the top of the procedure page, the e-ID login that
comes back to the form the citizen was starting (and nowhere else), the home pages' search box, task-led
entries and agency links, and administration links for officers only."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.catalog.models import CompetenceRule, Procedure
from motcua.portal import selectors
from motcua.portal.views import safe_next

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"
MARRIAGE = "1.000894"
PROCEDURE = f"/dich-vu-cong/thu-tuc/{BIRTH}/"
EFORM = f"/dich-vu-cong/thu-tuc/{BIRTH}/nop/"
LOGIN = "/dich-vu-cong/dang-nhap/"
SEARCH = "/dich-vu-cong/thu-tuc/"


def today() -> dt.date:
    return timezone.localdate()


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def birth() -> Procedure:
    procedure = Procedure.objects.filter(code=BIRTH).first()
    if procedure is None:
        pytest.skip("needs the sample catalog")
    return procedure


def test_the_start_button_sits_above_what_to_prepare_and_logs_in_towards_the_form(client, birth):
    page = text_of(client.get(PROCEDURE))
    start = page.index('data-testid="start-login"')
    assert start < page.index('id="competence-heading"') < page.index('id="documents-heading"')
    link = re.search(r'<a class="button button-start" href="([^"]+)"[^>]*data-testid="start-login"', page)
    assert link and link.group(1) == f"{LOGIN}?next={EFORM}"
    assert page.count("button-start") == 1  # one start button, at the top
    assert 'class="icon icon-arrow-right" aria-hidden="true"' in page


def test_a_logged_in_citizen_starts_straight_at_the_form(birth):
    from portal.test_eform import logged_in, make_citizen

    page = text_of(logged_in(make_citizen()).get(PROCEDURE))
    assert re.search(
        rf'<a class="button button-start" href="{re.escape(EFORM)}"[^>]*data-testid="submit-online"', page
    )


def test_after_the_e_id_login_the_citizen_is_back_at_the_form_he_was_starting(
    eid, portal_client, provider_login, citizen, birth
):
    response = portal_client.get(PROCEDURE)
    start = re.search(r'href="([^"]+)"[^>]*data-testid="start-login"', text_of(response)).group(1)
    to_provider = portal_client.get(start)
    assert to_provider.status_code == 302
    answer = provider_login(to_provider["Location"], national_id=citizen.national_id)
    back = portal_client.get(f"{answer.path}?{answer.query}")
    assert back.status_code == 302 and back["Location"] == EFORM
    form = portal_client.get(back["Location"])
    assert form.status_code == 200 and "<form" in form.content.decode()


@pytest.mark.parametrize(
    "attempt",
    [
        "https://evil.example/",
        "//evil.example/dich-vu-cong/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "http://127.0.0.1:8000/dich-vu-cong/",  # even this site, when written as an absolute address
        "javascript:alert(1)",
        "/dich-vu-cong/\nLocation: https://evil.example/",
        "evil.example",
        "",
    ],
)
def test_a_next_address_that_is_not_a_local_path_is_refused(attempt):
    assert safe_next(attempt, fallback="/dich-vu-cong/") == "/dich-vu-cong/"


def test_local_paths_are_kept_with_their_query():
    assert safe_next(f"{EFORM}?a=1", fallback="/") == f"{EFORM}?a=1"


def test_an_open_redirect_through_the_login_round_trip_is_refused(
    eid, portal_client, provider_login, citizen
):
    to_provider = portal_client.get(LOGIN, {"next": "//evil.example/steal"})
    answer = provider_login(to_provider["Location"], national_id=citizen.national_id)
    back = portal_client.get(f"{answer.path}?{answer.query}")
    assert back.status_code == 302 and back["Location"] == "/dich-vu-cong/"
    assert portal_client.session.get("_auth_user_id")  # logged in all the same, only not sent away


def test_the_portal_home_offers_a_search_box_and_the_procedures_the_catalog_features(client, birth):
    Procedure.objects.filter(code=MARRIAGE).update(featured=True)
    page = text_of(client.get("/dich-vu-cong/"))
    assert 'role="search"' in page and 'name="q"' in page
    tasks = page[page.index('data-testid="tasks"') :]
    assert f'href="/dich-vu-cong/thu-tuc/{BIRTH}/">Đăng ký khai sinh</a>' in tasks
    assert f'href="/dich-vu-cong/thu-tuc/{MARRIAGE}/">Đăng ký kết hôn</a>' in tasks


def test_the_task_led_entries_come_from_the_catalog_flag_not_from_names_in_code(client, birth):
    Procedure.objects.update(featured=False)
    assert 'data-testid="tasks"' not in text_of(client.get("/dich-vu-cong/"))
    Procedure.objects.filter(code="2.000884").update(featured=True)
    assert [p.code for p in selectors.featured_procedures(on=today())] == ["2.000884"]
    assert "Chứng thực chữ ký trong các giấy tờ, văn bản" in text_of(client.get("/dich-vu-cong/"))


def test_the_site_home_has_the_search_box_the_tasks_and_agencies_linking_to_their_procedures(client, birth):
    page = text_of(client.get("/"))
    assert f'action="{SEARCH}"' in page and 'name="q"' in page and 'role="search"' in page
    assert 'data-testid="tasks"' in page and "Đăng ký khai sinh" in page
    linked = selectors.agencies_with_procedures(on=today())
    assert linked
    links = re.findall(r'<a class="agency-name" href="/dich-vu-cong/thu-tuc/\?agency=([^"]+)">', page)
    assert links and set(links) <= linked


def test_the_site_home_reads_its_tasks_and_links_from_the_snapshots_and_follows_a_change(client, birth):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = text_of(client.get("/"))
    # Only the snapshots' tokens: the directory, the tasks and the linked agencies come from memory.
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    linked = re.findall(r'<a class="agency-name" href="/dich-vu-cong/thu-tuc/\?agency=([^"]+)">', page)
    assert linked and "Đăng ký khai sinh" in page
    Procedure.objects.filter(code=BIRTH).update(featured=False)
    CompetenceRule.objects.filter(agency__code=linked[0]).update(valid_to=today() - dt.timedelta(days=1))
    page = text_of(client.get("/"))
    assert "Đăng ký khai sinh" not in page.split('data-testid="tasks"', 1)[-1].split("</section>", 1)[0]
    assert f'?agency={linked[0]}">' not in page


def test_the_search_by_agency_lists_only_the_procedures_that_agency_decides(client, birth):
    code = sorted(selectors.agencies_with_procedures(on=today()))[0]
    response = client.get(SEARCH, {"agency": code})
    page = text_of(response)
    assert 'data-testid="agency-filter"' in page
    found = set(re.findall(r'href="/dich-vu-cong/thu-tuc/([^"/]+)/"', page))
    decided = set(
        CompetenceRule.objects.valid_on(today())
        .filter(agency__code=code)
        .values_list("procedure__code", flat=True)
    )
    assert found and found <= decided
    # The filter stays while the citizen searches on, and one link takes it off.
    assert f'name="agency" value="{code}"' in page
    notice = re.search(r'data-testid="agency-filter".*?</p>', page, re.S).group(0)
    assert '<a href="?">' in notice
    narrowed = text_of(client.get(SEARCH, {"agency": code, "q": "zzz-khong-co", "field": ""}))
    assert (
        '<a href="?q=zzz-khong-co&amp;field=">' in narrowed or '<a href="?q=zzz-khong-co&field=">' in narrowed
    )


def test_an_unknown_agency_code_filters_nothing_out_and_says_so(client, birth):
    everything = client.get(SEARCH).context["page"].paginator.count
    response = client.get(SEARCH, {"agency": "khong-co"})
    assert response.context["page"].paginator.count == everything
    page = text_of(response)
    assert "Không có cơ quan nào mang mã “khong-co”" in page
    assert 'name="agency"' not in page  # not carried into the next search


def test_administration_links_are_for_officers_only(admin_client, birth):
    for path in ("/", "/dich-vu-cong/", PROCEDURE):
        public = text_of(Client().get(path))
        assert "/admin/" not in public and "Quản trị" not in public
    staff_home = text_of(admin_client.get("/"))
    assert 'href="/admin/"' in staff_home and "Quản trị" in staff_home


def test_english_search_finds_the_procedure_by_its_english_name_and_keywords(birth):
    found = [p.code for p in selectors.search_procedures(text="birth registration", on=today())]
    assert BIRTH in found
    assert BIRTH in [p.code for p in selectors.search_procedures(text="Birth Certificate", on=today())]
    assert MARRIAGE in [p.code for p in selectors.search_procedures(text="marriage", on=today())]
    # Vietnamese still, with and without diacritics
    for text in ("Đăng ký khai sinh", "dang ky khai sinh"):
        assert BIRTH in [p.code for p in selectors.search_procedures(text=text, on=today())]


def test_the_search_page_finds_birth_registration_in_english(client, birth):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text_of(client.get(SEARCH, {"q": "birth registration"}))
    assert f'href="/dich-vu-cong/thu-tuc/{BIRTH}/">Birth registration</a>' in page
    assert '<p class="official-name" lang="vi">Đăng ký khai sinh</p>' in page


def test_the_procedure_page_shows_the_english_name_in_english_and_the_official_name_beside_it(client, birth):
    vietnamese = text_of(client.get(PROCEDURE))
    assert "<h1>Đăng ký khai sinh</h1>" in vietnamese and 'data-testid="official-name"' not in vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text_of(client.get(PROCEDURE))
    assert "<h1>Birth registration</h1>" in english
    assert '<span lang="vi">Đăng ký khai sinh</span>' in english


def test_a_procedure_without_an_english_name_keeps_its_vietnamese_name_in_english(client, birth):
    Procedure.objects.filter(code=BIRTH).update(name_en="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<h1>Đăng ký khai sinh</h1>" in text_of(client.get(PROCEDURE))


def test_a_changed_english_name_is_searchable_at_once(birth):
    birth.name_en = "Registering a newborn child"
    birth.keywords = "baby"
    birth.save()
    for text in ("newborn child", "baby"):
        assert [p.code for p in selectors.search_procedures(text=text, on=today())] == [BIRTH]
