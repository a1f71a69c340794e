"""Procedure search: by name or code, accents optional, by sector and level, page by page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from motcua.portal import selectors

pytestmark = pytest.mark.django_db

SEARCH = "/dich-vu-cong/thu-tuc/"
PROCEDURE_LINK = re.compile(r'href="/dich-vu-cong/thu-tuc/[^"/]+/"')


def today() -> dt.date:
    return timezone.localdate()


def names(qs) -> list[str]:
    return [p.name for p in qs]


def test_searching_without_diacritics_finds_dang_ky_khai_sinh():
    found = names(selectors.search_procedures(text="dang ky khai sinh", on=today()))
    assert "Đăng ký khai sinh" in found
    assert all("khai sinh" in name.lower() for name in found)


def test_searching_with_diacritics_and_odd_case_finds_the_same_procedures():
    plain = names(selectors.search_procedures(text="dang ky khai sinh", on=today()))
    accented = names(selectors.search_procedures(text="  ĐĂNG KÝ   Khai Sinh ", on=today()))
    assert plain == accented and plain


def test_searching_by_code_finds_that_procedure():
    assert names(selectors.search_procedures(text="1.001193", on=today())) == ["Đăng ký khai sinh"]


def test_sector_and_level_filters_narrow_the_results():
    civil = list(selectors.search_procedures(field_code="ho_tich", on=today()))
    assert civil and all(p.field.code == "ho_tich" for p in civil)
    provincial = list(selectors.search_procedures(level="province", on=today()))
    assert provincial and all(p.at_province for p in provincial)
    communal = list(selectors.search_procedures(level="commune", on=today()))
    assert communal and all(p.at_commune for p in communal)
    assert not selectors.search_procedures(text="khai sinh", level="province", on=today()).exists()


def test_sectors_list_counts_procedures_in_force():
    sectors = {s.code: s.procedure_count for s in selectors.sectors(on=today())}
    assert sectors["ho_tich"] == selectors.search_procedures(field_code="ho_tich", on=today()).count()


def test_search_page_lists_matches_with_links_to_procedure_pages(client):
    response = client.get(SEARCH, {"q": "dang ky khai sinh"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/dich-vu-cong/thu-tuc/1.001193/">Đăng ký khai sinh</a>' in body
    assert "Đăng ký kết hôn" not in body


def test_search_page_says_when_nothing_matches(client):
    response = client.get(SEARCH, {"q": "khong co thu tuc nay"})
    assert "Tìm thấy 0 thủ tục" in response.content.decode()
    assert "Không có thủ tục nào phù hợp" in response.content.decode()


def test_search_results_come_page_by_page_and_keep_the_filters(client, settings):
    settings.MOTCUA_PORTAL_PAGE_SIZE = 2
    total = selectors.search_procedures(field_code="ho_tich", on=today()).count()
    assert total > 2
    first = client.get(SEARCH, {"field": "ho_tich"}).content.decode()
    assert len(PROCEDURE_LINK.findall(first)) == 2
    assert 'href="?field=ho_tich&amp;page=2"' in first
    last = client.get(SEARCH, {"field": "ho_tich", "page": (total + 1) // 2}).content.decode()
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_an_unknown_sector_is_ignored_rather_than_failing(client):
    response = client.get(SEARCH, {"q": "khai sinh", "field": "khong-ton-tai", "level": "galaxy"})
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in response.content.decode()


def test_home_page_offers_search_and_sectors(client):
    body = client.get("/dich-vu-cong/").content.decode()
    assert 'action="/dich-vu-cong/thu-tuc/"' in body
    assert "?field=ho_tich" in body


def test_the_search_page_switches_to_english(client):
    client.cookies["django_language"] = "en"
    body = client.get(SEARCH, {"q": "dang ky khai sinh"}).content.decode()
    assert "Find an administrative procedure" in body and re.search(r"Found \d+ procedures?", body)
