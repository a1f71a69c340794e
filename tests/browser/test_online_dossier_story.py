"""A citizen finds the birth registration by searching, submits it online for another commune, its officers
take it to the result and the citizen rates it: in Vietnamese and in English (the header's language switch),
every page of the citizen's passing axe without sideways scrolling at 390 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pdf_samples import CLEAN_PDF
from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

from .conftest import SCREENSHOTS, VIEWPORTS
from .language import LANGUAGES, assert_in_language, say, switch_language
from .staff import log_in_officer, perform

pytestmark = pytest.mark.browser

PROCEDURE = "1.001193"
RESULT_NAME = "Giấy khai sinh"
RESULT_PDF = CLEAN_PDF
COMMUNE = "Xã Phú Vang"
# The workflow of 1.001193 in src/motcua/catalog/data/hue.yaml, officer by officer.
WORKFLOW = [
    ("phuvang.tiepnhan", ["accept", "forward"]),
    ("phuvang.tuphap", ["forward"]),
    ("phuvang.truongphong", ["approve"]),
    ("phuvang.lanhdao", ["sign"]),
    ("phuvang.vanthu", ["attach_result", "issue_number"]),
    ("phuvang.tiepnhan", ["return_result"]),
]


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if (page.viewport_size or {}).get("width", 0) < 600 else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)


def checked(page: Page, language: str, assert_accessible) -> None:
    """The page is in ``language`` (in English: no chrome left in Vietnamese), passes axe and does not scroll
    sideways."""
    assert_in_language(page, language)
    assert_accessible(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: {width[0]} px wide at {width[1]} px"


def _citizen_submits(
    page: Page, base_url: str, issuer: str, *, language: str = "vi", check: Any = None
) -> str:
    """From the portal's search to the confirmation page; ``check(page)`` on each page of ours on the way."""
    check = check or (lambda _page: None)
    citizen = CITIZENS[2]
    page.goto(f"{base_url}/dich-vu-cong/")
    switch_language(page, language)
    page.get_by_role("search").locator("input[name=q]").fill(say(language, "khai sinh"))
    page.get_by_role("search").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Tìm thủ tục hành chính"))
    check(page)
    found = page.locator(f'a[href$="/thu-tuc/{PROCEDURE}/"]')
    expect(found).to_have_text(say(language, "Đăng ký khai sinh"))
    found.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Đăng ký khai sinh"))
    check(page)
    page.get_by_role("link", name=say(language, "Đăng nhập để nộp hồ sơ trực tuyến")).click()
    expect(page).to_have_url(re.compile(re.escape(f"{issuer}/authorize?")))
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(citizen.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("account-name")).to_have_text(citizen.full_name)

    # The e-ID login comes back to the form the citizen was starting (issue 17, item 5).
    expect(page).to_have_url(f"{base_url}/dich-vu-cong/thu-tuc/{PROCEDURE}/nop/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(say(language, "Đăng ký khai sinh"))
    form = page.locator("form").filter(has=page.get_by_role("button", name=say(language, "Nộp hồ sơ")))
    form.get_by_label("Họ, chữ đệm, tên người yêu cầu").fill(citizen.full_name)
    form.locator("#f-applicant_id_number").fill(citizen.national_id)
    form.get_by_label("Số điện thoại").fill(citizen.phone)
    form.locator("#f-applicant_address").fill("Thôn Thanh Hà")
    form.locator("#f-applicant_address-unit").select_option(label=COMMUNE)
    form.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Lê Minh Khang")
    form.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-20")
    form.get_by_label("Giới tính").select_option("Nam")
    form.get_by_label("Nơi sinh").fill("Bệnh viện Trung ương Huế")
    form.get_by_label("Họ, chữ đệm, tên người mẹ").fill("Phạm Thị Thu Hằng")
    form.get_by_label("Họ, chữ đệm, tên người cha").fill(citizen.full_name)
    # The law's question (Art. 13 Luật Hộ tịch), not a separate "place" picker: the parents' residence.
    parents = form.get_by_role("group", name=re.compile("nơi cư trú của cha hoặc mẹ"))
    parents.get_by_label(say(language, "Xã, phường, đặc khu"), exact=True).select_option(label=COMMUNE)
    form.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    check(page)
    _shot(page, f"10-eform-filled{_suffix(language)}")
    form.get_by_role("button", name=say(language, "Nộp hồ sơ")).click()
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/ho-so/[^/]+/da-nop/$"))
    code = page.url.split("/ho-so/", 1)[1].split("/", 1)[0]
    assert code.startswith("199.42.00.H57-"), code  # received for Xã Phú Vang, not the citizen's ward
    check(page)
    _shot(page, f"11-submitted{_suffix(language)}")
    return code


def _suffix(language: str) -> str:
    """Screenshots of the English walk are kept beside the Vietnamese ones."""
    return "" if language == "vi" else f"-{language}"


def _attach_result(officer: Page, language: str) -> None:
    """The clerk attaches the electronic result, which the citizen downloads once it is returned."""
    button = say(language, "Đính kèm kết quả")
    form = officer.locator("form").filter(has=officer.get_by_role("button", name=button))
    form.get_by_label(say(language, "Tên kết quả"), exact=True).fill(RESULT_NAME)
    form.get_by_label(say(language, "Tệp kết quả"), exact=True).set_input_files(
        {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}
    )
    form.get_by_role("button", name=button).click()
    expect(officer.get_by_text(RESULT_NAME, exact=True).first).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_online_birth_registration_goes_from_the_citizen_through_every_officer_to_the_result(
    portal, chromium, assert_accessible, language
):
    """The citizen on a phone (390 px), the officers at their desks, each in ``language``."""
    citizen_context = chromium.new_context(locale="vi-VN", **VIEWPORTS["phone"])
    citizen_context.set_default_timeout(15_000)
    citizen = citizen_context.new_page()

    def check(page: Page) -> None:
        checked(page, language, assert_accessible)

    code = _citizen_submits(citizen, portal.url, portal.idp.issuer, language=language, check=check)

    for username, actions in WORKFLOW:
        context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
        context.set_default_timeout(15_000)
        officer = context.new_page()
        log_in_officer(officer, portal.url, username, language=language)
        officer.get_by_role("link", name=code, exact=True).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(
            say(language, "Hồ sơ %(code)s", code=code)
        )
        assert_in_language(officer, language)
        for action in actions:
            if action == "attach_result":
                _attach_result(officer, language)
            else:
                perform(officer, action, language=language)
        _shot(officer, f"12-dossier-after-{username.replace('.', '-')}{_suffix(language)}")
        context.close()

    citizen.goto(f"{portal.url}/dich-vu-cong/ho-so/")
    row = citizen.get_by_role("row").filter(has=citizen.get_by_role("link", name=code, exact=True))
    expect(row).to_contain_text(say(language, "Đã trả kết quả"))
    check(citizen)
    _shot(citizen, f"13-my-dossiers-returned{_suffix(language)}")

    row.get_by_role("link", name=code, exact=True).click()
    results = citizen.get_by_test_id("results")
    with citizen.expect_download() as download_info:
        results.get_by_role("link", name=say(language, "Tải %(name)s", name=RESULT_NAME)).click()
    download = download_info.value
    assert download.suggested_filename == "giay-khai-sinh.pdf"
    assert Path(download.path()).read_bytes() == RESULT_PDF

    check(citizen)  # the returned dossier with its result, filled form and rating form
    rating = citizen.get_by_role(
        "group", name=say(language, "Bạn hài lòng với việc giải quyết hồ sơ này ở mức nào?")
    )
    rating.get_by_label(say(language, "Rất hài lòng")).check()
    citizen.get_by_label(say(language, "Góp ý (nếu có)")).fill("Nhận kết quả trực tuyến, không phải đi lại.")
    citizen.get_by_role("button", name=say(language, "Gửi đánh giá")).click()
    expect(citizen.get_by_test_id("rated")).to_contain_text(say(language, "Cảm ơn bạn đã đánh giá"))
    expect(citizen.get_by_test_id("rating")).to_contain_text(say(language, "Rất hài lòng"))
    check(citizen)
    _shot(citizen, f"14-result-downloaded-and-rated{_suffix(language)}")
    citizen_context.close()


def test_a_new_online_dossier_appears_in_the_inbox_of_the_competent_commune_reception_officer(
    portal, chromium
):
    context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
    context.set_default_timeout(15_000)
    code = _citizen_submits(context.new_page(), portal.url, portal.idp.issuer)
    context.close()
    context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
    context.set_default_timeout(15_000)
    officer = context.new_page()
    try:
        log_in_officer(officer, portal.url, "phuvang.tiepnhan")
        expect(officer.get_by_role("link", name=code, exact=True)).to_be_visible(timeout=1_000)
    finally:
        context.close()
