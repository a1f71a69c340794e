"""axe-core finds no serious or critical accessibility violation on the main portal and workspace pages.

Each page is checked at the phone and the desktop width, and a full-page screenshot of it is saved
under test-output/screenshots/ (a11y-<page>-<phone|desktop>.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

from .conftest import SCREENSHOTS, VIEWPORTS
from .staff import log_in_officer

pytestmark = pytest.mark.browser

PROCEDURE = "1.001193"
# Paper at the counter: birth registration is online-only from 1 October 2025 (Directive 24/CT-TTg), so the
# counter receives a re-registration of birth on paper; the assisted online submission page is checked too.
COUNTER_PROCEDURE = "1.004884"
OFFICER = "thuanhoa.tiepnhan"
CCCD_QR = (
    "046085001234|123456789|Nguyễn Văn An|12031985|Nam|12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế|15082021"
)


def _context(chromium, viewport: str) -> BrowserContext:
    context = chromium.new_context(locale="vi-VN", **VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    return context


@pytest.fixture(scope="module", params=sorted(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def citizen(chromium, portal, viewport) -> Iterator[Page]:
    """A citizen logged in through the identity provider."""
    context = _context(chromium, viewport)
    page = context.new_page()
    page.goto(f"{portal.url}/dich-vu-cong/dang-nhap/")
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(CITIZENS[0].national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("account-name")).to_have_text(CITIZENS[0].full_name)
    yield page
    context.close()


@pytest.fixture(scope="module")
def officer(chromium, portal, viewport) -> Iterator[tuple[Page, str]]:
    """A reception officer logged in with password and TOTP, and a dossier they received at the counter."""
    context = _context(chromium, viewport)
    page = context.new_page()
    log_in_officer(page, portal.url, OFFICER)
    page.goto(f"{portal.url}/can-bo/tiep-nhan/")
    page.get_by_label("Thủ tục hành chính (gõ mã hoặc chọn)").fill(COUNTER_PROCEDURE)
    page.get_by_label("Quét hoặc dán mã QR trên căn cước công dân").fill(CCCD_QR)
    page.get_by_role("button", name="Tiếp tục: xem danh mục giấy tờ").click()
    place = page.get_by_label(
        "Xã, phường, đặc khu nơi đã đăng ký khai sinh trước đây hoặc nơi người yêu cầu thường trú"
    )
    place.select_option(label="Phường Thuận Hóa")
    for box in page.get_by_role("group", name="3. Giấy tờ đã nhận").get_by_role("checkbox").all():
        box.check()
    page.locator("#f-child_name").fill("Nguyễn Minh Khôi")  # the declaration (workspace.declaration)
    page.locator("#f-child_birth_date").fill("2019-05-20")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hồ sơ \S+$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    yield page, code
    context.close()


def _check(page: Page, name: str, viewport: str, assert_accessible) -> None:
    page.wait_for_load_state()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{viewport}.png"), full_page=True)
    assert_accessible(page)


PUBLIC_PAGES = {
    "portal-home": "/dich-vu-cong/",
    "portal-search": "/dich-vu-cong/thu-tuc/?q=khai+sinh",
    "portal-procedure": f"/dich-vu-cong/thu-tuc/{PROCEDURE}/",
    "portal-lookup": "/dich-vu-cong/tra-cuu/",
    "workspace-login": "/can-bo/dang-nhap/",
}
# Refusal pages a visitor can reach: (address, the status they answer with).
ERROR_PAGES = {
    "workspace-link-refused": ("/can-bo/kich-hoat/khong-ton-tai/", 404),
    "bad-address": ("/dich-vu-cong/thu-tuc/?q=khai%00sinh", 400),
}
CITIZEN_PAGES = {
    "portal-eform": f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop/",
    "portal-my-dossiers": "/dich-vu-cong/ho-so/",
    "portal-account": "/dich-vu-cong/tai-khoan/",
    # e-form widgets: person + file (Đổi, cấp lại Giấy xác nhận khuyết tật), unit (Đăng ký khai tử)
    "portal-eform-person-file": "/dich-vu-cong/thu-tuc/1.001653/nop/",
    "portal-eform-unit": "/dich-vu-cong/thu-tuc/1.000656/nop/",
    # The citizen's data store, and an e-form taking a document from it (monthly social allowance).
    "portal-my-store": "/dich-vu-cong/kho-du-lieu/",
    "portal-eform-store": "/dich-vu-cong/thu-tuc/1.001776/nop/",
}
OFFICER_PAGES = {
    "workspace-inbox": "/can-bo/",
    "workspace-reception": f"/can-bo/tiep-nhan/?procedure={COUNTER_PROCEDURE}",
    "workspace-assisted": f"/can-bo/ho-tro-nop/?procedure={PROCEDURE}",
    "workspace-dossier": "/can-bo/ho-so/{code}/",
    "workspace-apologies": "/can-bo/xin-loi/",
    "workspace-register": "/can-bo/so-theo-doi/",
    "workspace-forwardings": "/can-bo/chuyen-ho-so/",
    "portal-lookup-found": "/dich-vu-cong/tra-cuu/",  # the form is filled and posted below
}


@pytest.fixture(scope="module")
def visitor(chromium, viewport) -> Iterator[Page]:
    """A visitor without an account."""
    context = _context(chromium, viewport)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_a_public_page_has_no_serious_accessibility_violation(
    name, visitor, portal, viewport, assert_accessible
):
    visitor.goto(f"{portal.url}{PUBLIC_PAGES[name]}")
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    _check(visitor, name, viewport, assert_accessible)


@pytest.mark.parametrize("name", sorted(ERROR_PAGES))
def test_a_refusal_page_has_no_serious_accessibility_violation(name, visitor, portal, assert_accessible):
    address, status = ERROR_PAGES[name]
    response = visitor.goto(f"{portal.url}{address}")
    assert response is not None and response.status == status
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(visitor)


@pytest.mark.parametrize("name", sorted(CITIZEN_PAGES))
def test_a_citizen_page_has_no_serious_accessibility_violation(
    name, citizen, portal, viewport, assert_accessible
):
    citizen.goto(f"{portal.url}{CITIZEN_PAGES[name]}")
    expect(citizen.get_by_role("heading", level=1)).to_be_visible()
    _check(citizen, name, viewport, assert_accessible)


@pytest.mark.parametrize("name", sorted(OFFICER_PAGES))
def test_an_officer_page_has_no_serious_accessibility_violation(
    name, officer, portal, viewport, assert_accessible
):
    page, code = officer
    page.goto(f"{portal.url}{OFFICER_PAGES[name].format(code=code)}")
    if name == "portal-lookup-found":  # the ID digits go by POST, never in the address
        page.get_by_label("Mã hồ sơ").fill(code)
        page.get_by_label("4 số cuối số định danh cá nhân của người nộp").fill("1234")
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.get_by_test_id("lookup-result")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _check(page, name, viewport, assert_accessible)


def test_the_accessibility_check_fails_on_an_image_without_a_text_alternative(chromium, assert_accessible):
    context = _context(chromium, "desktop")
    page = context.new_page()
    try:
        page.set_content(
            '<html lang="vi"><head><title>t</title></head><body><main><h1>t</h1>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
        )
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page)
    finally:
        context.close()
