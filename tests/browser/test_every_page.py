"""Every page a visitor, a citizen and each officer role can reach, at 390 px and at 1280 px: no sideways
scroll, no serious or critical axe-core violation, and a full-page screenshot for review
(test-output/screenshots/every-<page>-<phone|desktop>.png; test-output/ is git-ignored).

Issue 17, item 4 and its acceptance line. The data is made the way an operator's script would make it, through
the services on the served database (``motcua shell``): two online marriage dossiers of one citizen at Phường
Thuận Hóa, one waiting for reception and one forwarded to the civil-status specialist. Each actor logs in once
(the identity provider for the citizen, password and TOTP for an officer); both widths reuse that session.

Every page is visited again in English, the language chosen with the header's switch (the language cookie
kept with the session); an English page shows no chrome left in Vietnamese where the catalogue translates it.
Beside the citizens' and officers' pages: the signed-document verification page in both addresses (a
result of Xã Phú Vang signed by its leader and sealed at issue by the served signing worker), the page
where a citizen confirms a dossier filled in with them at the counter (assisted submission, e-ID
confirmation), and the admin pages an administrator uses: the index, and the changelist and one change
form of every motcua model registered in the admin (read from ``admin.site._registry``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page, expect

from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

from .conftest import SCREENSHOTS, VIEWPORTS
from .language import LANGUAGES, assert_in_language, say, switch_language
from .staff import log_in_officer

pytestmark = pytest.mark.browser

CITIZEN = CITIZENS[3]  # no other browser test submits as this citizen
COMMUNE = "thuanhoa"
ROLES = ("tiepnhan", "tuphap", "truongphong", "lanhdao", "vanthu")
ADMINISTRATOR = "hue.quantri"  # the province's system administrator (org.demo)
BIRTH = "1.001193"
COUNTER_PROCEDURE = "1.004884"  # re-registration of birth: still taken on paper at the counter

# Run by ``motcua shell -c`` on the served database: what the pages below show.
MAKE_DOSSIERS = """
import json
import time
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from motcua.catalog.models import Procedure
from motcua.dossiers import access, lookups, services
from motcua.dossiers.constants import Confirmation
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Role
from motcua.signing import services as signing
from motcua.signing.models import JobState

User = get_user_model()
on = timezone.localdate()
citizen = User.objects.get(national_id=%(national_id)r)
unit = AdministrativeUnit.objects.valid_on(on).get(name="Phường Thuận Hóa")
procedure = Procedure.objects.get(code="1.000894")
version = lookups.version_in_force(procedure=procedure, on=on)
documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]


def marriage_form(partner, partner_id):
    return {
        "applicant_name": citizen.full_name,
        "applicant_id_number": citizen.national_id,
        "applicant_address": "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế",
        "partner_name": partner,
        "partner_id_number": partner_id,
        "partner_birth_date": "1993-05-14",
    }


def submit(partner, partner_id, key, place=unit):
    return services.submit_online(
        applicant=citizen, procedure=procedure, place_unit=place,
        form_data=marriage_form(partner, partner_id), documents=documents, idempotency_key=key,
    )


def officer(username):
    return User.objects.get(username=username)


def finished(job):  # the served signing worker's job (db_worker on the signing queue), waited for
    for _ in range(180):
        job.refresh_from_db()
        if job.state != JobState.PENDING:
            break
        time.sleep(0.5)
    assert job.state == JobState.DONE, (job.state, job.error)
    return job


waiting = submit("Lê Văn Hùng", "046093004321", "every-page-waiting")
moved = submit("Trần Thị Bích Ngọc Hoàng Phương", "046193004322", "every-page-moved")
reception = officer("thuanhoa.tiepnhan")
moved = services.accept(dossier=moved, by=reception)
moved = services.perform(dossier=moved, by=reception, action="forward")

# Assisted submission at the counter, to be confirmed by the citizen with the e-ID (Directive 24/CT-TTg).
counter = access.reception_points(user=reception, role=Role.RECEPTION_OFFICER, on=on)[0]
assisted = services.submit_assisted(
    by=reception, reception_point=counter,
    procedure=procedure, place_unit=unit,
    applicant_info=services.ApplicantInfo(name=citizen.full_name, id_number=citizen.national_id),
    confirmation=Confirmation.E_ID, documents=documents,
    form_data=marriage_form("Hồ Văn Tâm", "046093004323"), idempotency_key="every-page-assisted",
)

# A result of Xã Phú Vang along its route to the leader's signature and the clerk's seal.
phu_vang = AdministrativeUnit.objects.valid_on(on).get(name="Xã Phú Vang")
signed = submit("Ngô Văn Bảo", "046093004324", "every-page-signed", place=phu_vang)
signed = services.accept(dossier=signed, by=officer("phuvang.tiepnhan"))
signed = services.perform(dossier=signed, by=officer("phuvang.tiepnhan"), action="forward")
signed = services.perform(dossier=signed, by=officer("phuvang.tuphap"), action="forward")
signed = services.perform(dossier=signed, by=officer("phuvang.truongphong"), action="approve")
leader = officer("phuvang.lanhdao")
device = TOTPDevice.objects.create(user=leader, name="every-page", confirmed=True)
token = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
job = finished(signing.sign(dossier=signed, by=leader, token=token))
device.delete()  # the stories enrol this leader's authenticator themselves
signed.refresh_from_db()
document = finished(signing.issue(dossier=signed, by=officer("phuvang.vanthu"))).document
document.refresh_from_db()
print(json.dumps({"waiting": waiting.code, "moved": moved.code, "assisted": assisted.code,
                  "document": document.public_id}))
"""

OWNER_F = (
    "the officer dossier page (dossier.html, _documents.html, _endings.html) is engineer F's in issue 17"
)


@dataclass(frozen=True)
class Visit:
    """A page to visit: its address (``{waiting}``/``{moved}``/``{assisted}``: the dossiers' codes,
    ``{document}``: the signed result's public id), the status it answers with, and how to reach a result the
    address alone does not show (the lookup's POST; an admin change form, from its changelist's first row)."""

    path: str
    status: int = 200
    post_lookup: bool = False
    first_row: bool = False
    language: str = ""  # a page in one language whatever the visitor chose (the English verification address)


def _admin_pages() -> dict[str, Visit]:
    """The admin index, and the changelist and one change form of every motcua model the admin registers."""
    from django.contrib import admin
    from django.urls import reverse

    pages = {"admin-index": Visit(reverse("admin:index"))}
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        if not model.__module__.startswith("motcua."):
            continue  # django-otp's devices, Django's groups: not ours to fix
        options = model._meta
        changelist = reverse(f"admin:{options.app_label}_{options.model_name}_changelist")
        name = f"admin-{options.app_label}-{options.model_name}"
        pages[name] = Visit(changelist)
        pages[f"{name}-change"] = Visit(changelist, first_row=True)
    return pages


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
        "verify-document": Visit("/xac-thuc/{document}/"),
        "verify-document-english-address": Visit("/verify/{document}/", language="en"),
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
        "confirm-assisted": Visit("/dich-vu-cong/ho-so/{assisted}/xac-nhan/"),
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
    "quantri": _admin_pages(),
}


def _widths(actor: str, language: str) -> list[str]:
    """Every page at both widths in Vietnamese; in English at the phone's 390 px, where longer words break a
    layout first; the Django admin (Django's own English) in Vietnamese only. The suite's time goes to these
    page loads: this keeps every page checked where it can fail."""
    if actor == "quantri":
        return sorted(VIEWPORTS) if language == "vi" else []
    return sorted(VIEWPORTS) if language == "vi" else ["phone"]


CASES = [
    pytest.param(actor, name, language, width, id=f"{width}-{actor}-{name}-{language}")
    for language in LANGUAGES
    for actor, pages in PAGES.items()
    for name in sorted(pages)
    for width in _widths(actor, language)
]


@dataclass(frozen=True)
class World:
    # (actor, language) -> Playwright storage state: their logged-in cookies and the language cookie
    sessions: dict[tuple[str, str], Any]
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


def _in_english(chromium: Browser, state: Any, base_url: str) -> Any:
    """The same session with English chosen on the header's switch, as the visitor would."""
    context = chromium.new_context(locale="vi-VN", storage_state=state, **VIEWPORTS["desktop"])
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/dich-vu-cong/tra-cuu/")
        switch_language(page, "en")
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
    sessions["quantri"] = _session(chromium, lambda page: log_in_officer(page, portal.url, ADMINISTRATOR))
    by_language = {(actor, "vi"): state for actor, state in sessions.items()}
    for actor, state in sessions.items():
        by_language[(actor, "en")] = _in_english(chromium, state, portal.url)
    return World(sessions=by_language, codes=codes)


@pytest.fixture
def actor_page(request, chromium, world) -> Iterator[Page]:
    params = request.node.callspec.params
    actor, language, width = params["actor"], params["language"], params["width"]
    state = world.sessions[(actor, language)]
    context = chromium.new_context(locale="vi-VN", storage_state=state, **VIEWPORTS[width])
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


def _open_first_row(page: Page) -> None:
    """From an admin changelist to the change form of its first row, as an administrator clicks it; with no
    row yet, the add form."""
    first = page.locator("#result_list tbody tr").first.locator("th a, td a").first
    if first.count():  # its address: on a phone the column holding the link may be out of view
        page.goto(urljoin(page.url, first.get_attribute("href") or ""))
        return
    add = page.locator(".object-tools a.addlink")  # the page's own, not the (folded) sidebar's
    if not add.count():
        pytest.skip(f"{page.url}: no row in the demo data and no add form")
    page.goto(urljoin(page.url, add.first.get_attribute("href") or ""))


@pytest.mark.parametrize(("actor", "name", "language", "width"), CASES)
def test_every_page_fits_the_screen_and_passes_axe(
    actor, name, language, actor_page, world, portal, width, assert_accessible
):
    visit = PAGES[actor][name]
    page = actor_page
    response = page.goto(portal.url + visit.path.format(**world.codes))
    assert response is not None and response.status == visit.status, (
        visit.path,
        response and response.status,
    )
    if visit.post_lookup:  # the ID digits go by POST, never in the address
        page.get_by_label(say(language, "Mã hồ sơ")).fill(world.codes["waiting"])
        page.get_by_label(say(language, "4 số cuối số định danh cá nhân của người nộp")).fill(
            CITIZEN.national_id[-4:]
        )
        page.get_by_role("button", name=say(language, "Tra cứu"), exact=True).click()
        expect(page.get_by_test_id("lookup-result")).to_be_visible()
    if visit.first_row:
        _open_first_row(page)
        expect(page.locator("#content form")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = f"every-{actor}-{name}{'' if language == 'vi' else '-' + language}-{width}.png"
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    measured = _overflow(page)
    assert measured["scroll"] <= measured["window"], f"{page.url} scrolls sideways at {width}: {measured}"
    assert_accessible(page)
    assert_in_language(page, visit.language or language)


def test_whom_each_dossier_concerns_shows_in_my_dossiers_and_the_inbox(chromium, world, portal):
    """The marriage's parties beside the procedure, for the citizen and for the specialist holding it."""
    context = chromium.new_context(
        locale="vi-VN", storage_state=world.sessions[("citizen", "vi")], **VIEWPORTS["phone"]
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
        locale="vi-VN", storage_state=world.sessions[("tuphap", "vi")], **VIEWPORTS["desktop"]
    )
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/can-bo/")
        row = page.locator("tr").filter(has=page.get_by_role("link", name=world.codes["moved"]))
        expect(row).to_contain_text("Hồ sơ của: " + f"{CITIZEN.full_name}, Trần Thị Bích Ngọc Hoàng Phương")
    finally:
        context.close()
