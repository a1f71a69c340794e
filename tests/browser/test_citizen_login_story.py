"""A citizen finds a procedure typing no accents, opens it, logs in with the e-ID, comes back logged in at its
form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_citizen_searches_opens_a_procedure_and_logs_in_with_the_e_id(portal, page, screenshot):
    citizen = CITIZENS[1]
    page.goto(f"{portal.url}/dich-vu-cong/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cổng dịch vụ công")
    screenshot("01-home")

    page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/thu-tuc/\?q=dang\+ky\+khai\+sinh"))
    expect(page.get_by_role("heading", level=2, name=re.compile("Tìm thấy"))).to_be_visible()
    screenshot("02-search")

    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    expect(page).to_have_url(f"{portal.url}/dich-vu-cong/thu-tuc/1.001193/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_test_id("online-level")).to_have_text("toàn trình")
    screenshot("03-procedure")

    page.get_by_role("link", name="Đăng nhập để nộp hồ sơ trực tuyến").click()
    expect(page).to_have_url(re.compile(re.escape(f"{portal.idp.issuer}/authorize?")))
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(citizen.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    screenshot("04-idp-login")
    page.get_by_role("button", name="Đăng nhập").click()

    # Back at the form the citizen was starting (issue 17, item 5), not at the procedure page.
    expect(page).to_have_url(f"{portal.url}/dich-vu-cong/thu-tuc/1.001193/nop/")
    expect(page.get_by_test_id("account-name")).to_have_text(citizen.full_name)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    screenshot("05-logged-in")


def test_a_wrong_password_at_the_provider_is_explained_in_vietnamese(portal, page, screenshot):
    page.goto(f"{portal.url}/dich-vu-cong/dang-nhap/")
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(CITIZENS[0].national_id)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Số định danh cá nhân hoặc mật khẩu không đúng.")
    screenshot("06-idp-wrong-password")
