"""The officer's dossier page along the whole route (issue 17 items 4, 6, 7, 10), at 390 px and at 1280 px: a
citizen's birth registration is taken by each officer of Phú Vang in turn, the sign step through the signing
service (the leader's authenticator code). At each state (received, in a step, at the sign step, finished)
the page shows the route with the current step and who holds it, names the recipient on the forward
button, says who is logged in, passes axe and does not scroll sideways; the leader's refusal goes through its
confirmation page, and going back changes nothing. In Vietnamese and in English (the header's language switch,
chosen again by each officer on the login page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .language import LANGUAGES, assert_in_language, say
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


def _check(page: Page, name: str, screenshot, assert_accessible, language: str) -> None:
    """In ``language``, accessible, no sideways scrolling at this width, and a screenshot kept for review."""
    assert_in_language(page, language)
    assert_accessible(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: {width[0]} px wide at {width[1]} px"
    screenshot(name if language == "vi" else f"{name}-{language}")


def _route_states(page: Page) -> list[str]:
    return (
        page.get_by_test_id("route")
        .locator("li")
        .evaluate_all("items => items.map(i => i.dataset.routeState)")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_officer_page_shows_the_route_and_the_decision_at_every_step(
    page, chromium, portal, screenshot, assert_accessible, language
):
    context = page.context
    context.set_default_timeout(20_000)
    code = _citizen_submits(context.new_page(), portal.url, portal.idp.issuer, language=language)

    for username, state, actions in WORKFLOW:
        context.clear_cookies()
        log_in_officer(page, portal.url, username, language=language)
        expect(page.get_by_test_id("whoami")).to_contain_text(say(language, ROLES[username]))
        page.get_by_role("link", name=code, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(code)
        states = _route_states(page)
        if state == "received":
            assert set(states) == {"coming"}, states
        else:
            assert states.count("current") == 1 and states[0] == "done", states
            expect(page.locator('[aria-current="step"]')).to_contain_text(say(language, "hạn"))
        # Evidence first, the decision at the end.
        assert (
            page.locator("#docs-title").bounding_box()["y"]
            < page.locator("#decision-title").bounding_box()["y"]
        )
        _check(page, f"40-officer-{state}", screenshot, assert_accessible, language)
        forward = page.locator("form:has(input[name=action][value=forward]) button")
        if forward.count():
            expect(forward).to_have_text(re.compile("^" + re.escape(say(language, "Chuyển cho ")) + ".+ – "))
        if state == "sign-step":
            _refusal_needs_confirmation(page, code, screenshot, assert_accessible, language)
        for action in actions:
            perform(page, action, language=language)
            if action == "accept":  # the workflow's step name: the catalog's words, in both languages
                expect(page.get_by_test_id("route").locator('[aria-current="step"]')).to_contain_text(
                    "Tiếp nhận"
                )

    # Finished: every step passed is done, none current.
    states = _route_states(page)
    assert "current" not in states and states.count("done") >= 5, states
    _check(page, "40-officer-finished", screenshot, assert_accessible, language)


def _refusal_needs_confirmation(page: Page, code: str, screenshot, assert_accessible, language: str) -> None:
    """The leader's stop goes to a confirmation page (no JavaScript needed); going back changes nothing."""
    form = page.locator("form:has(input[name=action][value=refuse])")
    form.get_by_label(say(language, "Lý do")).fill("Hồ sơ không đủ điều kiện")
    form.get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(say(language, "Xác nhận dừng giải quyết"))
    expect(page.get_by_label(say(language, "Lý do"))).to_have_value("Hồ sơ không đủ điều kiện")
    expect(page.get_by_label(say(language, "Mã xác thực"))).to_be_visible()
    _check(page, "41-officer-confirm-stop", screenshot, assert_accessible, language)
    page.get_by_role("link", name=say(language, "Không, quay lại hồ sơ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator("form:has(input[name=action][value=sign])")).to_have_count(1)
