"""A citizen fills the birth registration form from the population registry on a phone: the consent page
names the registry, the fields and the purpose; the form comes back filled, each value marked as coming
from the registry, the address with its 2025 unit (issue 14). The portal and the reference registries and
e-ID provider run as real processes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

pytestmark = pytest.mark.browser
PROCEDURE = "1.001193"


def test_a_citizen_prefills_the_form_from_the_population_registry(portal, page, screenshot):
    citizen = CITIZENS[4]
    page.goto(f"{portal.url}/dich-vu-cong/thu-tuc/{PROCEDURE}/")
    page.get_by_role("link", name="Đăng nhập để nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(citizen.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("account-name")).to_have_text(citizen.full_name)

    # The e-ID login comes back to the form the citizen was starting (issue 17, item 5).
    page.get_by_role("button", name="Lấy thông tin từ Cơ sở dữ liệu quốc gia về dân cư").click()
    expect(page).to_have_url(re.compile(r"/nop/lay-thong-tin/population\.applicant_id_number/$"))
    facts = page.get_by_test_id("consent-facts")
    expect(facts).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")
    expect(facts).to_contain_text("Nơi ở hiện tại")
    expect(facts).to_contain_text("Đăng ký khai sinh")
    expect(page.get_by_test_id("consent-text")).to_contain_text(citizen.national_id)
    screenshot("20-prefill-consent")

    page.get_by_role("button", name="Đồng ý và lấy thông tin").click()
    expect(page).to_have_url(re.compile(rf"/thu-tuc/{re.escape(PROCEDURE)}/nop/#lay-thong-tin$"))
    expect(page.get_by_role("status")).to_contain_text("Đã lấy 2 thông tin")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Nộp hồ sơ"))
    expect(form.locator("#f-applicant_name")).to_have_value(citizen.full_name)
    expect(form.get_by_test_id("prefill-applicant_name")).to_contain_text(
        "Lấy từ Cơ sở dữ liệu quốc gia về dân cư"
    )
    expect(form.get_by_test_id("prefill-applicant_address")).to_contain_text(citizen.commune)
    expect(form.get_by_label("Lý do sửa (chỉ điền khi bạn sửa thông tin này)").first).to_be_visible()
    # Nothing sticks out sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    screenshot("21-prefilled-form")
