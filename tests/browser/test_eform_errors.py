"""The GOV.UK error pattern in a real browser, at 390 px and 1280 px (issue 17, items 1 and 2): a citizen
submits the birth registration with a valid birth certificate and a birth date in the future; the error
summary takes the focus, its link puts the focus on the date, the title starts with "Lỗi: ", the date has
a red border, the certificate is kept; corrected, the form is submitted with the kept file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pdf_samples import CLEAN_PDF
from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

pytestmark = pytest.mark.browser

PROCEDURE = "1.001193"  # Đăng ký khai sinh
COMMUNE = "Phường Phú Xuân"
ERROR_RED = "rgb(176, 0, 32)"  # --error in site.css


def _log_in(page: Page, base_url: str) -> None:
    citizen = CITIZENS[3]
    page.goto(f"{base_url}/dich-vu-cong/thu-tuc/{PROCEDURE}/")
    page.get_by_role("link", name="Đăng nhập để nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(citizen.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("account-name")).to_have_text(citizen.full_name)


def test_an_error_keeps_the_upload_and_the_summary_leads_to_the_field(
    portal, page, screenshot, assert_accessible
):
    _log_in(page, portal.url)
    page.goto(f"{portal.url}/dich-vu-cong/thu-tuc/{PROCEDURE}/nop/")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Nộp hồ sơ"))
    form.locator("#f-applicant_phone").fill("0905123404")
    form.locator("#f-applicant_address").fill("12 Lê Lợi")
    form.locator("#f-applicant_address-unit").select_option(label=COMMUNE)
    form.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Phạm Minh Châu")
    expect(page.get_by_test_id("hint-child_birth_date")).to_have_text("Ngày/tháng/năm. Ví dụ: 27/03/2024")
    form.get_by_label("Ngày, tháng, năm sinh").fill("01/01/2099")  # in the future
    form.get_by_label("Giới tính").select_option("Nữ")
    form.get_by_label("Nơi sinh").fill("Bệnh viện Trung ương Huế")
    form.get_by_label("Họ, chữ đệm, tên người mẹ").fill("Phạm Thị Thu Hằng")
    parents = form.get_by_role("group", name=re.compile("nơi cư trú của cha hoặc mẹ"))
    parents.get_by_label("Xã, phường, đặc khu", exact=True).select_option(label=COMMUNE)
    form.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    form.get_by_role("button", name="Nộp hồ sơ").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Lỗi: ")
    link = summary.get_by_role("link", name=re.compile("^Ngày, tháng, năm sinh không được sau ngày hôm nay"))
    date = page.locator("#f-child_birth_date")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_have_value("01/01/2099")
    assert date.evaluate("e => getComputedStyle(e).borderTopColor") == ERROR_RED
    expect(page.get_by_test_id("stored-doc-giay_chung_sinh")).to_contain_text(
        "Đã tải lên: giay-chung-sinh.pdf"
    )
    assert_accessible(page)
    screenshot("eform-errors")

    link.click()
    expect(date).to_be_focused()
    date.fill("15/11/2026")
    page.get_by_role("button", name="Nộp hồ sơ").click()  # no file chosen again: the kept one goes
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/ho-so/[^/]+/da-nop/$"))
    screenshot("eform-errors-fixed")


def test_the_lookup_shows_the_error_pattern_instead_of_the_browsers_bubble(
    portal, page, screenshot, assert_accessible
):
    page.goto(f"{portal.url}/dich-vu-cong/tra-cuu/")
    page.get_by_label("4 số cuối số định danh cá nhân của người nộp").fill("12")
    page.get_by_role("button", name="Tra cứu").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Lỗi: ")
    expect(summary.get_by_role("link")).to_have_count(2)
    code = page.locator("#l-code")
    assert code.evaluate("e => getComputedStyle(e).borderTopColor") == ERROR_RED
    assert_accessible(page)
    screenshot("lookup-errors")
    summary.get_by_role("link", name=re.compile("^Vui lòng nhập mã hồ sơ")).click()
    expect(code).to_be_focused()
