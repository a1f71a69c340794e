"""Getting started (issue 17, item 5), at 390 px and 1280 px: from the home page's search box to a procedure,
its start button at the top, the e-ID login, and back at the form the citizen was starting; in English the
procedure is found by its English name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

pytestmark = pytest.mark.browser
BIRTH = "1.001193"


def test_home_search_procedure_start_login_and_back_at_the_form(portal, page, screenshot, assert_accessible):
    citizen = CITIZENS[3]
    page.goto(f"{portal.url}/")
    expect(page.get_by_role("link", name="Quản trị")).to_have_count(0)  # administration is for officers
    tasks = page.get_by_test_id("tasks")
    expect(tasks.get_by_role("link", name="Đăng ký khai sinh", exact=True)).to_be_visible()
    expect(tasks.get_by_role("link", name="Đăng ký kết hôn", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot("getting-started-01-home")

    page.get_by_role("search").get_by_label("Tên hoặc mã thủ tục").fill("khai sinh")
    page.get_by_role("search").get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/thu-tuc/\?q=khai\+sinh"))
    assert_accessible(page)
    screenshot("getting-started-02-search")

    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    expect(page).to_have_url(f"{portal.url}/dich-vu-cong/thu-tuc/{BIRTH}/")
    start = page.get_by_role("link", name="Đăng nhập để nộp hồ sơ trực tuyến")
    # The start button is in the first screenful, above what to prepare.
    expect(start).to_be_in_viewport()
    documents = page.get_by_role("heading", name="Thành phần hồ sơ")
    assert start.bounding_box()["y"] < documents.bounding_box()["y"]
    assert_accessible(page)
    screenshot("getting-started-03-procedure")

    start.click()
    expect(page).to_have_url(re.compile(re.escape(f"{portal.idp.issuer}/authorize?")))
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(citizen.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{portal.url}/dich-vu-cong/thu-tuc/{BIRTH}/nop/")
    expect(page.get_by_test_id("account-name")).to_have_text(citizen.full_name)
    assert_accessible(page)
    screenshot("getting-started-04-form")


def test_an_agency_on_the_home_page_lists_its_procedures(portal, page, screenshot, assert_accessible):
    page.goto(f"{portal.url}/")
    agency = page.locator("a.agency-name").first
    name = agency.inner_text()
    agency.click()
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/thu-tuc/\?agency="))
    expect(page.get_by_test_id("agency-filter")).to_contain_text(name)
    expect(page.locator("ol.procedure-list > li").first).to_be_visible()
    assert_accessible(page)
    screenshot("getting-started-05-agency")


def test_in_english_birth_registration_is_found_and_shown_by_its_english_name(
    portal, page, screenshot, assert_accessible
):
    page.goto(f"{portal.url}/dich-vu-cong/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("search").locator("input[name=q]").fill("birth registration")
    page.get_by_role("search").locator("button[type=submit]").click()
    result = page.get_by_role("link", name="Birth registration", exact=True)
    expect(result).to_be_visible()
    assert_accessible(page)
    screenshot("getting-started-06-english-search")
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Birth registration")
    expect(page.get_by_test_id("official-name")).to_contain_text("Đăng ký khai sinh")
    assert_accessible(page)
    screenshot("getting-started-07-english-procedure")


def test_an_unknown_page_is_the_vietnamese_not_found_page(portal, page, screenshot, assert_accessible):
    response = page.goto(f"{portal.url}/dich-vu-cong/thu-tuc/khong-co/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    assert_accessible(page)
    screenshot("getting-started-08-not-found")
