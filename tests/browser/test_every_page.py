"""Every page a visitor, a citizen and each officer role can reach, at 390 px and at 1280 px: no sideways
scroll, no serious or critical axe-core violation, and a full-page screenshot for review
(test-output/screenshots/every-<page>-<phone|desktop>.png; test-output/ is git-ignored).

Issue 17, item 4 and its acceptance line. The data is made the way an operator's script would make it, through
the services on the served database (``motcua shell``): two online marriage dossiers of one citizen at Phường
Thuận Hóa, one waiting for reception and one forwarded to the civil-status specialist. Each actor logs in once
(the identity provider for the citizen, password and TOTP for an officer); both widths reuse that session.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

from .conftest import SCREENSHOTS, VIEWPORTS
from .staff import log_in_officer

pytestmark = pytest.mark.browser

CITIZEN = CITIZENS[3]  # no other browser test submits as this citizen
COMMUNE = "thuanhoa"
ROLES = ("tiepnhan", "tuphap", "truongphong", "lanhdao", "vanthu")
BIRTH = "1.001193"
COUNTER_PROCEDURE = "1.004884"  # re-registration of birth: still taken on paper at the counter

# Run by ``motcua shell -c`` on the served database: what the pages below show.
MAKE_DOSSIERS = """
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups, services
from motcua.geo.models import AdministrativeUnit

User = get_user_model()
on = timezone.localdate()
citizen = User.objects.get(national_id=%(national_id)r)
unit = AdministrativeUnit.objects.valid_on(on).get(name="Phường Thuận Hóa")
procedure = Procedure.objects.get(code="1.000894")
version = lookups.version_in_force(procedure=procedure, on=on)
documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]


def submit(partner, partner_id, key):
    form = {
        "applicant_name": citizen.full_name,
        "applicant_id_number": citizen.national_id,
        "applicant_address": "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế",
        "partner_name": partner,
        "partner_id_number": partner_id,
        "partner_birth_date": "1993-05-14",
    }
    return services.submit_online(
        applicant=citizen, procedure=procedure, place_unit=unit, form_data=form, documents=documents,
        idempotency_key=key,
    )


waiting = submit("Lê Văn Hùng", "046093004321", "every-page-waiting")
moved = submit("Trần Thị Bích Ngọc Hoàng Phương", "046193004322", "every-page-moved")
reception = User.objects.get(username="thuanhoa.tiepnhan")
moved = services.accept(dossier=moved, by=reception)
moved = services.perform(dossier=moved, by=reception, action="forward")
print(json.dumps({"waiting": waiting.code, "moved": moved.code}))
"""

OWNER_F = (
    "the officer dossier page (dossier.html, _documents.html, _endings.html) is engineer F's in issue 17"
)


@dataclass(frozen=True)
class Visit:
    """A page to visit: its address (``{waiting}``/``{moved}``: the dossiers' codes), the status it answers
    with, and how to reach a result the address alone does not show."""

    path: str
    status: int = 200
    post_lookup: bool = False


PAGES: dict[str, dict[str, Visit]] = {
    "visitor": {
        "home": Visit("/dich-vu-cong/"),
        "search": Visit("/dich-vu-cong/thu-tuc/?q=khai+sinh"),
        "search-empty": Visit("/dich-vu-cong/thu-tuc/?q=zzzz"),
        "procedure": Visit(f"/dich-vu-cong/thu-tuc/{BIRTH}/"),
        "procedure-counter": Visit(f"/dich-vu-cong/thu-tuc/{COUNTER_PROCEDURE}/"),
        "lookup": Visit("/dich-vu-cong/tra-cuu/"),
        "lookup-result": Visit("/dich-vu-cong/tra-cuu/", post_lookup=True),
        "verify-unknown": Visit("/xac-thuc/KHONG-CO/", status=404),
        "not-found": Visit("/dich-vu-cong/thu-tuc/9.999999/", status=404),
        "bad-address": Visit("/dich-vu-cong/thu-tuc/?q=khai%00sinh", status=400),
        "workspace-login": Visit("/can-bo/dang-nhap/"),
    },
    "citizen": {
        "eform": Visit(f"/dich-vu-cong/thu-tuc/{BIRTH}/nop/"),
        "eform-person-file": Visit("/dich-vu-cong/thu-tuc/1.001653/nop/"),
        "my-dossiers": Visit("/dich-vu-cong/ho-so/"),
        "my-dossier": Visit("/dich-vu-cong/ho-so/{waiting}/"),
        "my-dossier-in-process": Visit("/dich-vu-cong/ho-so/{moved}/"),
        "notifications": Visit("/dich-vu-cong/thong-bao/"),
        "notification-settings": Visit("/dich-vu-cong/tai-khoan/thong-bao/"),
        "account": Visit("/dich-vu-cong/tai-khoan/"),
        "store": Visit("/dich-vu-cong/kho-du-lieu/"),
    },
    "tiepnhan": {
        "inbox": Visit("/can-bo/"),
        "inbox-filtered": Visit("/can-bo/?status=in_process"),
        "dossier-waiting": Visit("/can-bo/ho-so/{waiting}/"),
        "reception": Visit("/can-bo/tiep-nhan/"),
        "reception-procedure": Visit(f"/can-bo/tiep-nhan/?procedure={COUNTER_PROCEDURE}"),
        "assisted": Visit(f"/can-bo/ho-tro-nop/?procedure={BIRTH}"),
        "forwardings": Visit("/can-bo/chuyen-ho-so/"),
        "register": Visit("/can-bo/so-theo-doi/"),
    },
    "tuphap": {
        "inbox": Visit("/can-bo/"),
        "dossier-at-step": Visit("/can-bo/ho-so/{moved}/"),
    },
    "truongphong": {"inbox": Visit("/can-bo/"), "apologies": Visit("/can-bo/xin-loi/")},
    "lanhdao": {"inbox": Visit("/can-bo/"), "apologies": Visit("/can-bo/xin-loi/")},
    "vanthu": {"inbox": Visit("/can-bo/")},
}
CASES = [
    pytest.param(actor, name, id=f"{actor}-{name}")
    for actor, pages in PAGES.items()
    for name in sorted(pages)
]


@dataclass(frozen=True)
class World:
    sessions: dict[str, Any]  # actor -> Playwright storage state (their logged-in cookies); visitor: none
    codes: dict[str, str]


def _log_in_citizen(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/dich-vu-cong/dang-nhap/")
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(CITIZEN.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("account-name")).to_have_text(CITIZEN.full_name)


def _session(chromium: Browser, log_in) -> Any:
    context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
    context.set_default_timeout(20_000)
    try:
        log_in(context.new_page())
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="module")
def world(chromium, portal) -> World:
    sessions: dict[str, Any] = {"visitor": None}
    # The citizen's account exists once they logged in with the e-ID: before their dossiers are made.
    sessions["citizen"] = _session(chromium, lambda page: _log_in_citizen(page, portal.url))
    script = MAKE_DOSSIERS % {"national_id": CITIZEN.national_id}
    codes = json.loads(portal.command("shell", "-c", script).strip().splitlines()[-1])
    for role in ROLES:
        sessions[role] = _session(
            chromium, lambda page, role=role: log_in_officer(page, portal.url, f"{COMMUNE}.{role}")
        )
    return World(sessions=sessions, codes=codes)


@pytest.fixture(params=sorted(VIEWPORTS))
def width(request) -> str:
    return request.param


@pytest.fixture
def actor_page(request, chromium, world, width) -> Iterator[Page]:
    actor = request.node.callspec.params["actor"]
    context = chromium.new_context(locale="vi-VN", storage_state=world.sessions[actor], **VIEWPORTS[width])
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _overflow(page: Page) -> dict[str, Any]:
    """How wide the document is against the window, and the widest element sticking out (to name it)."""
    return page.evaluate(
        """() => {
          const limit = window.innerWidth;
          let widest = null;
          for (const el of document.body.querySelectorAll('*')) {
            const right = el.getBoundingClientRect().right;
            if (right > limit + 1 && (!widest || right > widest.right)) {
              widest = {right, tag: el.tagName.toLowerCase(), cls: el.className && String(el.className),
                        id: el.id, text: (el.textContent || '').trim().slice(0, 60)};
            }
          }
          return {scroll: document.documentElement.scrollWidth, window: limit, widest};
        }"""
    )


@pytest.mark.parametrize(("actor", "name"), CASES)
def test_every_page_fits_the_screen_and_passes_axe(
    actor, name, actor_page, world, portal, width, assert_accessible
):
    visit = PAGES[actor][name]
    page = actor_page
    response = page.goto(portal.url + visit.path.format(**world.codes))
    assert response is not None and response.status == visit.status, (
        visit.path,
        response and response.status,
    )
    if visit.post_lookup:  # the ID digits go by POST, never in the address
        page.get_by_label("Mã hồ sơ").fill(world.codes["waiting"])
        page.get_by_label(re.compile("4 số cuối")).fill(CITIZEN.national_id[-4:])
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.get_by_test_id("lookup-result")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"every-{actor}-{name}-{width}.png"), full_page=True)
    measured = _overflow(page)
    assert measured["scroll"] <= measured["window"], f"{visit.path} scrolls sideways at {width}: {measured}"
    assert_accessible(page)


def test_whom_each_dossier_concerns_shows_in_my_dossiers_and_the_inbox(chromium, world, portal):
    """The marriage's parties beside the procedure, for the citizen and for the specialist holding it."""
    context = chromium.new_context(
        locale="vi-VN", storage_state=world.sessions["citizen"], **VIEWPORTS["phone"]
    )
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/dich-vu-cong/ho-so/")
        row = page.locator(f'tr[data-code="{world.codes["moved"]}"]')
        expect(row.get_by_test_id("subject")).to_have_text(
            f"{CITIZEN.full_name}, Trần Thị Bích Ngọc Hoàng Phương"
        )
        # Stacked on a phone: the label is shown before the value, and the row is no wider than the screen.
        box = row.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
    finally:
        context.close()
    context = chromium.new_context(
        locale="vi-VN", storage_state=world.sessions["tuphap"], **VIEWPORTS["desktop"]
    )
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/can-bo/")
        row = page.locator("tr").filter(has=page.get_by_role("link", name=world.codes["moved"]))
        expect(row).to_contain_text("Hồ sơ của: " + f"{CITIZEN.full_name}, Trần Thị Bích Ngọc Hoàng Phương")
    finally:
        context.close()
