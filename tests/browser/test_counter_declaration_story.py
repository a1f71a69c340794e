"""A walk-in at the Phú Xuân counter with the declaration typed in (issue 17 item 8): the officer scans the
CCCD, enters the child's name and date of birth in the procedure's own e-form, is told beside the checklist
and the field what is missing, corrects it, and the dossier page shows the declaration; in Vietnamese and in
English (the header's language switch on the login page).

Birth registration itself is online-only in the sample catalog from 1 October 2025 (Directive 24/CT-TTg:
the counter points to assisted online submission, tests/workspace/test_assisted_submission.py); the birth
taken on paper is its re-registration, "Đăng ký lại khai sinh" (1.004884)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .language import LANGUAGES, assert_in_language, say
from .staff import log_in_officer

pytestmark = pytest.mark.browser

CCCD_QR = "046190012345||Trần Thị Hoa|02021990|Nữ|12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế|15082021"


def _checked(page, language: str, assert_accessible) -> None:
    assert_in_language(page, language)
    assert_accessible(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: {width[0]} px wide at {width[1]} px"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_walk_in_birth_is_received_with_the_childs_name_and_birth_date_typed_at_the_counter(
    portal, page, screenshot, assert_accessible, language
):
    def t(vietnamese: str) -> str:
        return say(language, vietnamese)

    suffix = "" if language == "vi" else f"-{language}"
    log_in_officer(page, portal.url, "phuxuan.tiepnhan", language=language)
    page.get_by_role("link", name=t("Tiếp nhận tại quầy")).click()
    page.get_by_label(t("Thủ tục hành chính (gõ mã hoặc chọn)")).fill("1.004884")
    page.get_by_label(t("Quét hoặc dán mã QR trên căn cước công dân")).fill(CCCD_QR)
    page.get_by_role("button", name=t("Tiếp tục: xem danh mục giấy tờ")).click()
    page.get_by_label(  # the e-form's place field: the catalog's words, in both languages
        "Xã, phường, đặc khu nơi đã đăng ký khai sinh trước đây hoặc nơi người yêu cầu thường trú"
    ).select_option(label="Phường Phú Xuân")
    expect(page.get_by_label(t("Họ và tên"))).to_have_value("Trần Thị Hoa")

    # The declaration: the same e-form as on the portal, after the applicant and the checklist.
    declaration = page.get_by_role("group", name=re.compile("^" + re.escape(t("4. Tờ khai"))))
    expect(declaration).to_be_visible()
    expect(declaration.locator('[name="applicant_name"]')).to_have_count(0)  # not asked twice
    declaration.locator("#f-child_birth_date").fill("20/05/2019")
    screenshot("22-counter-declaration" + suffix)
    _checked(page, language, assert_accessible)

    # Accepting with the child's name left out and no paper ticked: every error at once, beside its input.
    page.get_by_role("button", name=t("Tiếp nhận"), exact=True).click()
    expect(page).to_have_title(re.compile("^" + re.escape(t("Lỗi:"))))
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_test_id("missing-to_khai")).to_be_visible()
    expect(page.get_by_test_id("error-child_name")).to_be_visible()
    expect(page.locator("#f-child_birth_date")).to_have_value("20/05/2019")  # kept
    screenshot("23-counter-declaration-errors" + suffix)
    _checked(page, language, assert_accessible)
    link = summary.get_by_role("link", name=re.compile("Họ, chữ đệm, tên người được khai sinh"))
    expect(link).to_have_attribute("href", "#f-child_name")
    expect(summary.locator('a[href="#document-to_khai"]')).to_be_visible()

    page.locator("#f-child_name").fill("Nguyễn Minh Khôi")
    for box in page.get_by_role("group", name=t("3. Giấy tờ đã nhận")).get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name=t("Tiếp nhận"), exact=True).click()

    heading = re.escape(say(language, "Hồ sơ %(code)s", code="CODE")).replace("CODE", r"\S+-\d{6}-\d{4}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}$"))
    expect(page.get_by_text("Nguyễn Minh Khôi").first).to_be_visible()
    expect(page.get_by_text("20/05/2019").first).to_be_visible()
    screenshot("24-counter-declaration-accepted" + suffix)
    _checked(page, language, assert_accessible)
