"""The officer's dossier page along the whole route (issue 17 items 4, 6, 7, 10), at 390 px and at 1280 px: a
citizen's birth registration is taken by each officer of Phú Vang in turn, the sign step through the signing
service (the leader's authenticator code). At each state (received, in a step, at the sign step, finished)
the page shows the route with the current step and who holds it, names the recipient on the forward
button, says who is logged in, passes axe and does not scroll sideways; the leader's refusal goes through its
confirmation page, and going back changes nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .staff import log_in_officer, perform
from .test_online_dossier_story import _citizen_submits

pytestmark = pytest.mark.browser

# The workflow of 1.001193 (src/motcua/catalog/data/hue.yaml), officer by officer, with the page's state.
WORKFLOW = [
    ("phuvang.tiepnhan", "received", ["accept", "forward"]),
    ("phuvang.tuphap", "in-a-step", ["forward"]),
    ("phuvang.truongphong", "in-a-step-head", ["approve"]),
    ("phuvang.lanhdao", "sign-step", ["sign"]),
    ("phuvang.vanthu", "clerk-step", ["issue_number"]),
    ("phuvang.tiepnhan", "hand-over", ["return_result"]),
]
ROLES = {
    "phuvang.tiepnhan": "Cán bộ tiếp nhận (Một cửa)",
    "phuvang.tuphap": "Chuyên viên",
    "phuvang.truongphong": "Lãnh đạo phòng",
    "phuvang.lanhdao": "Lãnh đạo cơ quan",
    "phuvang.vanthu": "Văn thư",
}


def _check(page: Page, name: str, screenshot, assert_accessible) -> None:
    """Accessible, no sideways scrolling at this width, and a screenshot kept for review."""
    assert_accessible(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: {width[0]} px wide at {width[1]} px"
    screenshot(name)


def _route_states(page: Page) -> list[str]:
    return (
        page.get_by_test_id("route")
        .locator("li")
        .evaluate_all("items => items.map(i => i.dataset.routeState)")
    )


def test_the_officer_page_shows_the_route_and_the_decision_at_every_step(
    page, chromium, portal, screenshot, assert_accessible
):
    context = page.context
    context.set_default_timeout(20_000)
    code = _citizen_submits(context.new_page(), portal.url, portal.idp.issuer)

    for username, state, actions in WORKFLOW:
        context.clear_cookies()
        log_in_officer(page, portal.url, username)
        expect(page.get_by_test_id("whoami")).to_contain_text(ROLES[username])
        page.get_by_role("link", name=code, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(code)
        states = _route_states(page)
        if state == "received":
            assert set(states) == {"coming"}, states
        else:
            assert states.count("current") == 1 and states[0] == "done", states
            expect(page.locator('[aria-current="step"]')).to_contain_text("hạn")
        # Evidence first, the decision at the end.
        assert (
            page.locator("#docs-title").bounding_box()["y"]
            < page.locator("#decision-title").bounding_box()["y"]
        )
        _check(page, f"40-officer-{state}", screenshot, assert_accessible)
        forward = page.locator("form:has(input[name=action][value=forward]) button")
        if forward.count():
            expect(forward).to_have_text(re.compile(r"^Chuyển cho .+ – "))
        if state == "sign-step":
            _refusal_needs_confirmation(page, code, screenshot, assert_accessible)
        for action in actions:
            perform(page, action)
            if action == "accept":
                expect(page.get_by_test_id("route").locator('[aria-current="step"]')).to_contain_text(
                    "Tiếp nhận"
                )

    # Finished: every step passed is done, none current.
    states = _route_states(page)
    assert "current" not in states and states.count("done") >= 5, states
    _check(page, "40-officer-finished", screenshot, assert_accessible)


def _refusal_needs_confirmation(page: Page, code: str, screenshot, assert_accessible) -> None:
    """The leader's stop goes to a confirmation page (no JavaScript needed); going back changes nothing."""
    form = page.locator("form:has(input[name=action][value=refuse])")
    form.get_by_label("Lý do").fill("Hồ sơ không đủ điều kiện")
    form.get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xác nhận dừng giải quyết")
    expect(page.get_by_label("Lý do")).to_have_value("Hồ sơ không đủ điều kiện")
    expect(page.get_by_label("Mã xác thực")).to_be_visible()
    _check(page, "41-officer-confirm-stop", screenshot, assert_accessible)
    page.get_by_role("link", name="Không, quay lại hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator("form:has(input[name=action][value=sign])")).to_have_count(1)
