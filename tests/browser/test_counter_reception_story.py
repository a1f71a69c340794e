"""A walk-in at the Phú Xuân counter: the officer scans the CCCD, ticks the papers, gets a PDF receipt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .staff import log_in_officer

pytestmark = pytest.mark.browser

CCCD_QR = (
    "001099012345|123456789|Nguyễn Văn An|01011990|Nam|12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế|15082021"
)


def test_a_walk_in_birth_re_registration_is_received_from_a_scanned_cccd_and_gets_a_pdf_receipt(
    portal, page, screenshot
):
    log_in_officer(page, portal.url, "phuxuan.tiepnhan")
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ tại quầy")
    # Đăng ký lại khai sinh: still taken on paper (birth registration itself is online-only from
    # 1 October 2025 under Directive 24/CT-TTg; tests/workspace/test_assisted_submission.py covers it).
    page.get_by_label("Thủ tục hành chính (gõ mã hoặc chọn)").fill("1.004884")
    page.get_by_label("Quét hoặc dán mã QR trên căn cước công dân").fill(CCCD_QR)
    page.get_by_role("button", name="Tiếp tục: xem danh mục giấy tờ").click()
    # The place is asked as the catalog's competence rule names it.
    page.get_by_label(
        "Xã, phường, đặc khu nơi đã đăng ký khai sinh trước đây hoặc nơi người yêu cầu thường trú"
    ).select_option(label="Phường Phú Xuân")

    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value("001099012345")
    expect(page.get_by_label("Địa chỉ")).to_have_value("12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế")
    # The declaration (issue 17 item 8): the child's name and date of birth, the fee reads them there.
    page.locator("#f-child_name").fill("Nguyễn Minh Khôi")
    page.locator("#f-child_birth_date").fill("2019-05-20")
    checklist = page.get_by_role("group", name="3. Giấy tờ đã nhận").get_by_role("checkbox")
    expect(checklist.first).to_be_visible()
    for box in checklist.all():
        box.check()
    # The fee (5,000 đ, exempt for the poor, the disabled and families of merit: Luật Hộ tịch Art. 11) is
    # computed from what the counter asks and shown before the officer confirms.
    page.get_by_role("button", name="Tính lại phí, lệ phí theo tờ khai").click()
    expect(page.get_by_test_id("fee-total")).to_have_text("5.000 đồng")
    screenshot("20-counter-checklist")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hồ sơ \S+-\d{6}-\d{4}$"))
    expect(page.get_by_text(re.compile("Đã tiếp nhận hồ sơ"))).to_be_visible()
    expect(page.get_by_test_id("routing-fact")).to_have_text(
        "Xã, phường, đặc khu nơi đã đăng ký khai sinh trước đây hoặc nơi người yêu cầu thường trú: "
        "Phường Phú Xuân, Thành phố Huế"
    )
    screenshot("21-counter-accepted")
    receipt = page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)")
    response = page.context.request.get(f"{portal.url}{receipt.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF-")
