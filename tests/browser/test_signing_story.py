"""Signed results, end to end: a citizen's birth registration is signed by Phú Vang's leader (the draft is
there when the leader opens the dossier; the authenticator's code asked again), sealed at the clerk's issue by
the signing worker, downloaded by the citizen on a phone, and confirmed by the public verification page, which
also compares the downloaded file byte for byte. At 390 px nothing scrolls sideways: the dossier page's
documents section with the draft, the verification page with and without an upload's result."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import SCREENSHOTS, VIEWPORTS
from .staff import log_in_officer, perform
from .test_online_dossier_story import _citizen_submits

pytestmark = pytest.mark.browser

WORKFLOW = [
    ("phuvang.tiepnhan", ["accept", "forward"]),
    ("phuvang.tuphap", ["forward"]),
    ("phuvang.truongphong", ["approve"]),
    ("phuvang.lanhdao", ["draft", "sign"]),
    ("phuvang.vanthu", ["issue_number"]),
    ("phuvang.tiepnhan", ["return_result"]),
]


def _shot(page: Page, name: str, size: str = "desktop") -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)


PHONE = VIEWPORTS["phone"]["viewport"]
# The innermost elements reaching past the screen's right edge: what to fix when a page scrolls sideways.
WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 0.5))
  .slice(0, 8)
  .map(e => [e.tagName, e.closest('section')?.querySelector('h2')?.textContent, e.textContent.slice(0, 9)])
"""


def _fits_phone(page: Page, name: str) -> None:
    """At 390 px the page does not scroll sideways (a kept screenshot shows it)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)  # the layout settles at the new width
    overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    wide = [] if overflow[0] <= overflow[1] else page.evaluate(WIDER_THAN_THE_SCREEN)
    assert overflow[0] <= overflow[1], f"{name}: {overflow[0]} px wide at {overflow[1]} px: {wide}"
    _shot(page, name, "phone")
    if size is not None:
        page.set_viewport_size(size)


def _draft(officer: Page, base_url: str) -> None:
    """The leader finds the draft without pressing anything (made when the holder of the sign step opens the
    dossier) and opens its preview (a PDF without a number yet)."""
    preview = officer.get_by_test_id("document-pdf")
    expect(preview).to_contain_text("Xem dự thảo")
    response = officer.request.get(base_url + (preview.get_attribute("href") or ""))
    assert response.ok and response.body().startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"  # the preview is the PDF itself
    officer.get_by_test_id("documents").scroll_into_view_if_needed()
    _fits_phone(officer, "29-leader-draft-documents")


def test_the_leader_signs_the_clerk_issues_the_citizen_downloads_and_the_page_confirms(
    portal, chromium, assert_accessible, tmp_path
):
    desktop = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
    desktop.set_default_timeout(20_000)
    code = _citizen_submits(desktop.new_page(), portal.url, portal.idp.issuer)
    desktop.close()

    for username, actions in WORKFLOW:
        context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
        context.set_default_timeout(20_000)
        officer = context.new_page()
        log_in_officer(officer, portal.url, username)
        officer.get_by_role("link", name=code, exact=True).click()
        for action in actions:
            if action == "draft":
                _draft(officer, portal.url)
            else:
                perform(officer, action)
        if username == "phuvang.lanhdao":
            # The signature job waits for the signing worker; the page shows where it is.
            expect(officer.get_by_test_id("documents")).to_contain_text("Chữ ký số của người có thẩm quyền")
            _shot(officer, "30-leader-signed")
            _fits_phone(officer, "30-leader-signed-documents")
        if username == "phuvang.vanthu":
            _shot(officer, "31-clerk-issued")
        context.close()

    phone = chromium.new_context(locale="vi-VN", **VIEWPORTS["phone"])
    phone.set_default_timeout(20_000)
    citizen = phone.new_page()
    # The seal job may still be running: the dossier page lists the document once it is issued.
    citizen.goto(f"{portal.url}/dich-vu-cong/ho-so/")
    from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

    if "/authorize" in citizen.url or citizen.get_by_label("Mật khẩu").count():
        citizen.get_by_label("Số định danh cá nhân (12 chữ số)").fill(CITIZENS[2].national_id)
        citizen.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        citizen.get_by_role("button", name="Đăng nhập").click()
    issued = citizen.get_by_test_id("issued-documents")
    for _attempt in range(60):
        citizen.goto(f"{portal.url}/dich-vu-cong/ho-so/{code}/")
        if issued.count():
            break
        citizen.wait_for_timeout(1000)
    expect(issued).to_be_visible()
    assert_accessible(citizen)
    _shot(citizen, "32-citizen-signed-result", "phone")
    with citizen.expect_download() as download_info:
        issued.get_by_role("link", name="Tải").first.click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert downloaded.startswith(b"%PDF-")

    issued.get_by_role("link", name="Xác thực văn bản").click()
    expect(citizen.get_by_test_id("verify-status")).to_have_attribute("data-status", "valid")
    expect(citizen.get_by_test_id("verify-number")).to_contain_text("/")
    expect(citizen.get_by_test_id("verify-holder")).to_contain_text("*")
    assert_accessible(citizen)
    _fits_phone(citizen, "33-verification-page")
    saved = tmp_path / "van-ban.pdf"
    saved.write_bytes(downloaded)
    citizen.get_by_label("Tệp PDF của văn bản").set_input_files(str(saved))
    citizen.get_by_role("button", name="Kiểm tra tệp").click()
    expect(citizen.get_by_test_id("verify-result")).to_have_attribute("data-same", "yes")
    expect(citizen.get_by_test_id("verify-result")).to_contain_text("Đây đúng là văn bản đã phát hành")
    _shot(citizen, "33-verification-confirms", "phone")
    _fits_phone(citizen, "34-verification-result")
    # A file that is not the issued one: the answer, still within the phone's width.
    other = tmp_path / "khac.pdf"
    other.write_bytes(downloaded[: len(downloaded) // 2])
    citizen.get_by_label("Tệp PDF của văn bản").set_input_files(str(other))
    citizen.get_by_role("button", name="Kiểm tra tệp").click()
    expect(citizen.get_by_test_id("verify-result")).to_have_attribute("data-same", "no")
    _fits_phone(citizen, "35-verification-other-file")
    phone.close()
