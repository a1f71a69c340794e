"""The demo story that begins on the national public service portal: a citizen submits a birth registration
on the reference portal's page, motcua's delivery worker pulls it in (intake), Phú Vang's officers take it to
the returned result in the workspace, and every status shows on the portal's dossier page.

Beside the served product (tests/browser/conftest.py) run the reference national portal and one
``motcua deliver`` worker on the served database, as ``make demo`` runs them (there on port 8102).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pdf_samples import CLEAN_PDF
from refservices.idp.citizens import CITIZENS
from refservices.national_portal.process import RunningNationalPortal, running_national_portal

from .conftest import SCREENSHOTS, VIEWPORTS
from .staff import log_in_officer, perform, wait_for_leader_signature
from .worker import running_delivery_worker

pytestmark = pytest.mark.browser

COMMUNE = "Xã Phú Vang"
# The workflow of 1.001193 (src/motcua/catalog/data/hue.yaml), officer by officer, and the status the
# national portal shows once each officer's last action is delivered.
WORKFLOW = [
    ("phuvang.tiepnhan", ["accept", "forward"], "Đang xử lý"),
    ("phuvang.tuphap", ["forward"], "Đang xử lý"),
    ("phuvang.truongphong", ["approve"], "Đang xử lý"),
    ("phuvang.lanhdao", ["sign"], "Đang xử lý"),
    ("phuvang.vanthu", ["attach_result", "issue_number"], "Đã xử lý xong"),
    ("phuvang.tiepnhan", ["return_result"], "Đã trả kết quả"),
]
STATUS_HISTORY = ["Mới đăng ký", "Được tiếp nhận", "Đang xử lý", "Đã xử lý xong", "Đã trả kết quả"]


@pytest.fixture(scope="module")
def national_portal_demo(portal, tmp_path_factory) -> Iterator[RunningNationalPortal]:
    """The reference portal and a delivery worker pulling from it every second, on the served database."""
    folder = tmp_path_factory.mktemp("browser-national-portal")
    with running_national_portal(folder / "state") as national:
        env = {
            **portal.env,
            "MOTCUA_NATIONAL_PORTAL_URL": national.url,
            "MOTCUA_NATIONAL_PORTAL_USERNAME": national.username,
            "MOTCUA_NATIONAL_PORTAL_PASSWORD": national.password,
            "MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS": "1",
        }
        with running_delivery_worker(env, folder, worker_id="browser-story", max_seconds=900):
            yield national


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)


def _until_shown(page: Page, url: str, text: str, *, timeout: float = 30) -> None:
    """Reload the portal's page until ``text`` shows: the worker delivers in the background."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if page.get_by_text(text, exact=True).count():
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{url} does not show {text!r} after {timeout} s:\n{page.inner_text('main')}"
            )
        time.sleep(0.5)


def _citizen_submits_on_the_national_portal(page: Page, base_url: str) -> str:
    citizen = CITIZENS[2]
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Nộp hồ sơ Đăng ký khai sinh", exact=True).click()
    page.get_by_role("link", name=citizen.full_name).click()  # the page fills the applicant in
    expect(page.get_by_label(re.compile("^Số định danh cá nhân"))).to_have_value(citizen.national_id)
    page.get_by_label(re.compile("^Họ, chữ đệm, tên người được khai sinh")).fill("Lê Minh Khang")
    page.get_by_label(re.compile("^Ngày, tháng, năm sinh")).fill("2026-11-20")
    page.get_by_label(re.compile("^Giới tính")).select_option("Nam")
    page.get_by_label(re.compile("^Nơi sinh")).fill("Bệnh viện Trung ương Huế")
    page.get_by_label(re.compile("^Họ, chữ đệm, tên người mẹ")).fill("Phạm Thị Thu Hằng")
    page.get_by_label(re.compile("^Họ, chữ đệm, tên người cha")).fill(citizen.full_name)
    page.get_by_label(re.compile("^Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ")).select_option(
        label=COMMUNE
    )
    page.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    _shot(page, "20-national-portal-form-filled")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_text("Đã nộp hồ sơ.")).to_be_visible()
    match = re.search(r"/ho-so/([^/]+)/", page.url)
    assert match, page.url
    _shot(page, "21-national-portal-submitted")
    return match.group(1)


def _attach_result(officer: Page) -> None:
    form = officer.locator("form").filter(has=officer.get_by_role("button", name="Đính kèm kết quả"))
    form.get_by_label("Tên kết quả", exact=True).fill("Giấy khai sinh")
    form.get_by_label("Tệp kết quả", exact=True).set_input_files(
        {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    form.get_by_role("button", name="Đính kèm kết quả").click()
    expect(officer.get_by_text("Giấy khai sinh", exact=True).first).to_be_visible()


def test_a_dossier_submitted_on_the_national_portal_is_pulled_in_handled_and_every_status_shows_there(
    portal, national_portal_demo, chromium
):
    national = national_portal_demo
    citizen_context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
    citizen_context.set_default_timeout(15_000)
    citizen = citizen_context.new_page()
    national_code = _citizen_submits_on_the_national_portal(citizen, national.url)
    page_url = f"{national.url}/ho-so/{national_code}/"

    # The worker's intake job pulls the submission in; its first status (1) reaches the portal with our code.
    _until_shown(citizen, page_url, "Mới đăng ký")
    expect(citizen.get_by_text("Cơ quan có thẩm quyền đã tiếp nhận", exact=False)).to_be_visible()
    code = citizen.locator("dt:has-text('Mã hồ sơ tại tỉnh') + dd").inner_text().strip()
    assert code.startswith("199.42.00.H57-"), code  # coded by our rule for Xã Phú Vang's committee
    _shot(citizen, "22-national-portal-pulled-in")

    for username, actions, status in WORKFLOW:
        context = chromium.new_context(locale="vi-VN", **VIEWPORTS["desktop"])
        context.set_default_timeout(15_000)
        officer = context.new_page()
        log_in_officer(officer, portal.url, username)
        officer.get_by_role("link", name=code, exact=True).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
        expect(officer.get_by_text(national_code).first).to_be_visible()  # the portal's code beside ours
        if "issue_number" in actions:
            wait_for_leader_signature(officer)
        for action in actions:
            if action == "attach_result":
                _attach_result(officer)
            else:
                perform(officer, action)
        context.close()
        _until_shown(citizen, page_url, status)

    history = citizen.get_by_role("table").filter(has=citizen.get_by_text("Số thứ tự sự kiện"))
    shown = [row.inner_text() for row in history.get_by_role("row").all()[1:]]
    for name in STATUS_HISTORY:
        assert any(name in row for row in shown), (name, shown)
    expect(citizen.get_by_text("Chưa có thông tin tiến độ.")).to_have_count(0)  # progress per step shows too
    _shot(citizen, "23-national-portal-returned")
    citizen_context.close()
