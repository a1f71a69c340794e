"""The main pages work under the Content-Security-Policy: the browser reports no violation on any of them.

The portal, the workspace and the admin are loaded in Chromium as a visitor, a citizen, an officer and the
administrator; every ``securitypolicyviolation`` event and every console message about the policy fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .staff import log_in_officer
from .test_accessibility import CITIZEN_PAGES, OFFICER_PAGES, PUBLIC_PAGES, citizen, officer, visitor

__all__ = ["citizen", "officer", "visitor"]

pytestmark = pytest.mark.browser

ADMINISTRATOR = "hue.quantri"
ADMIN_PAGES = {
    "admin-index": "/admin/",
    "admin-procedures": "/admin/catalog/procedure/",
    "admin-procedure-add": "/admin/catalog/procedure/add/",
    "admin-versions": "/admin/catalog/procedureversion/",
    "admin-procedure-search": "/admin/catalog/procedure/?q=khai+sinh",
    "admin-verify": "/admin/catalog/procedure/verify/",
    "admin-staff": "/admin/org/staff/",
}
# Recorded before any script of the page runs; an init script is not subject to the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def viewport() -> str:
    """One size is enough here: the policy does not depend on it."""
    return "desktop"


@pytest.fixture(scope="module")
def administrator(chromium, portal) -> Iterator[Page]:
    """The administrator, logged in through the workspace (password and TOTP), then in the admin."""
    context = chromium.new_context(locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in_officer(page, portal.url, ADMINISTRATOR)
    yield page
    context.close()


def assert_no_violation(page: Page, url: str) -> None:
    """Open ``url`` and fail on any violation the browser reports, as an event or in the console."""
    console: list[str] = []

    def listen(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on("console", listen)
    try:
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations || []")
    finally:
        page.remove_listener("console", listen)
    assert not violations and not console, f"{url}: {violations + console}"


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_a_public_page_reports_no_policy_violation(name, visitor, portal):
    assert_no_violation(visitor, f"{portal.url}{PUBLIC_PAGES[name]}")


@pytest.mark.parametrize("name", sorted(CITIZEN_PAGES))
def test_a_citizen_page_reports_no_policy_violation(name, citizen, portal):
    assert_no_violation(citizen, f"{portal.url}{CITIZEN_PAGES[name]}")


def test_the_eform_script_still_reloads_the_communes_under_the_policy(citizen, portal):
    assert_no_violation(citizen, f"{portal.url}{CITIZEN_PAGES['portal-eform-unit']}")
    picker = citizen.locator("[data-unit-picker]").first
    expect(picker.locator("[data-unit-refresh]")).to_be_hidden()  # the script ran


@pytest.mark.parametrize("name", sorted(OFFICER_PAGES))
def test_an_officer_page_reports_no_policy_violation(name, officer, portal):
    page, code = officer
    assert_no_violation(page, f"{portal.url}{OFFICER_PAGES[name].format(code=code)}")


@pytest.mark.parametrize("name", sorted(ADMIN_PAGES))
def test_an_admin_page_reports_no_policy_violation(name, administrator, portal):
    assert_no_violation(administrator, f"{portal.url}{ADMIN_PAGES[name]}")


def test_the_admin_change_form_of_a_procedure_version_reports_no_policy_violation(administrator, portal):
    administrator.goto(f"{portal.url}{ADMIN_PAGES['admin-versions']}")
    change = administrator.locator("#result_list tbody tr th a").first.get_attribute("href")
    assert_no_violation(administrator, f"{portal.url}{change}")
    expect(administrator.locator(".field-verification")).to_be_visible()


def test_an_inline_script_is_reported_as_a_violation(visitor, portal):
    visitor.context.add_init_script(RECORD_VIOLATIONS)
    visitor.goto(f"{portal.url}/dich-vu-cong/")
    visitor.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    visitor.wait_for_timeout(200)
    assert visitor.evaluate("window.ran") is None
    assert any("script-src" in v for v in visitor.evaluate("window.__cspViolations"))
