"""The demo's citizen story of issue 16, on a phone (390 px): a citizen confirms their e-mail address with
the code the SMTP server received, submits a birth registration online with its 8.000 đ fee and the result
by post; the page shows the VietQR code; the reference payment gateway's bank page pays it and its signed
callback marks the dossier paid with its fee receipt; the e-mails arrive at the SMTP server; Phú Vang's
officers take the dossier to the result, which the reference postal service ships and reports delivered on
the citizen's timeline.

Then every page of issue 16 (notifications, the contact page with its code step and its error, the payment
panel and the shipments on the citizen's and the officer's dossier pages, the fee receipt, the hand-over
record) passes axe-core and fits without horizontal scrolling at 390 px and at 1280 px.

Beside the served product (tests/browser/conftest.py, which also runs the SMTP server, the payment gateway
and the postal service) one ``motcua deliver`` worker runs on the served database, as ``make demo`` runs it.
"""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from vietqr_emvco import VietQRParser

from pdf_samples import CLEAN_PDF
from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

from .conftest import SCREENSHOTS, VIEWPORTS
from .staff import log_in_officer, perform, wait_for_leader_signature
from .worker import running_delivery_worker

pytestmark = pytest.mark.browser

PROCEDURE = "1.001193"  # Đăng ký khai sinh: lệ phí 8.000 đ once the 60 days of free registration are over
COMMUNE = "Xã Phú Vang"
CITIZEN = CITIZENS[3]
EMAIL = "thuhang.pham@example.vn"
FEE_TEXT = "8.000 đ"
RESULT_NAME = "Giấy khai sinh"
# The workflow of 1.001193 (src/motcua/catalog/data/hue.yaml) up to the result: the hand-over goes by post.
# The reception officer forwards once the fee is paid. (The payment's events no longer move the dossier's
# version, ``locking.hold``: a form loaded before them is not refused as stale.)
WORKFLOW = [
    ("phuvang.tiepnhan", ["forward"]),
    ("phuvang.tuphap", ["forward"]),
    ("phuvang.truongphong", ["approve"]),
    ("phuvang.lanhdao", ["sign"]),
    ("phuvang.vanthu", ["attach_result", "issue_number"]),
]
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@dataclass
class Story:
    code: str = ""
    reference: str = ""
    tracking_number: str = ""
    receipt_url: str = ""
    handover_url: str = ""


@pytest.fixture(scope="module")
def delivery_worker(portal, tmp_path_factory) -> Iterator[None]:
    """One ``motcua deliver`` on the served database: notifications, payment orders, shipments."""
    folder = tmp_path_factory.mktemp("browser-fee-and-post")
    with running_delivery_worker(portal.env, folder, worker_id="fee-and-post", max_seconds=1200):
        yield


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = getattr(page, "viewport_name", "") or ("phone" if page.viewport_size["width"] < 600 else "desktop")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)


def _checker(assert_accessible: Callable[[Page], None]) -> Callable[[Page], None]:
    def check(page: Page) -> None:
        assert_accessible(page)
        assert page.evaluate(FITS), (
            f"{page.url} scrolls sideways at {page.viewport_size['width']} px: "
            f"{page.evaluate('document.documentElement.scrollWidth')} px wide"
        )

    return check


def _context(chromium: Any, size: str) -> Any:
    context = chromium.new_context(locale="vi-VN", **VIEWPORTS[size])
    context.set_default_timeout(15_000)
    return context


def _until(page: Page, url: str, found: Callable[[], bool], what: str, *, timeout: float = 60) -> None:
    """Reload ``url`` until ``found()``: the delivery worker and the callbacks act in the background."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if found():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} does not show {what} after {timeout} s:\n{page.inner_text('main')}")
        time.sleep(0.5)


def _mails(
    smtp: Any, *, count: int, subject: str = "", to: str = EMAIL, dossier: str = "", timeout: float = 60
) -> list[dict[str, Any]]:
    """The mails to ``to`` (at least ``count`` of them whose subject holds ``subject`` and, when given, the
    code of ``dossier``: an earlier story's dossier of the same citizen may be told about in the meantime)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in smtp.messages(to=to) if subject in m["subject"] and dossier in m["subject"]]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _citizen_logs_in(page: Page, base_url: str, issuer: str) -> None:
    page.goto(f"{base_url}/dich-vu-cong/thu-tuc/{PROCEDURE}/")
    page.get_by_role("link", name="Đăng nhập để nộp hồ sơ trực tuyến").click()
    expect(page).to_have_url(re.compile(re.escape(f"{issuer}/authorize?")))
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(CITIZEN.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("account-name")).to_have_text(CITIZEN.full_name)


def _send_code(page: Page, address: str) -> None:
    email = page.get_by_role("region", name="Thư điện tử")
    email.get_by_label("Địa chỉ thư điện tử").fill(address)
    email.get_by_role("button", name="Gửi mã xác nhận").click()
    expect(page.get_by_label(f"Mã xác nhận đã gửi đến {address}")).to_be_visible()


def _code_in(mail: dict[str, Any]) -> str:
    match = re.search(r"\b(\d{6})\b", mail["body"])
    assert match, mail["body"]
    return match.group(1)


def _confirm_email(page: Page, portal: Any, check: Callable[[Page], None]) -> None:
    """The demo citizen has no confirmed address: the code sent to it must be typed, a wrong one refused."""
    page.goto(f"{portal.url}/dich-vu-cong/tai-khoan/thong-bao/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cách nhận thông báo")
    expect(page.get_by_test_id("email-confirmed")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Thư điện tử")).to_be_disabled()  # nothing confirmed to choose
    check(page)
    _send_code(page, EMAIL)
    [mail] = _mails(portal.smtp, count=1)
    code = _code_in(mail)
    check(page)  # the code step
    box = page.get_by_label(f"Mã xác nhận đã gửi đến {EMAIL}")
    box.fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_test_id("email-confirmed")).to_have_count(0)
    check(page)  # the error state
    _shot(page, "30-contact-wrong-code")
    page.get_by_label(f"Mã xác nhận đã gửi đến {EMAIL}").fill(code)
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.get_by_test_id("email-confirmed")).to_contain_text(EMAIL)
    expect(page.get_by_role("checkbox", name="Thư điện tử")).to_be_checked()
    check(page)
    _shot(page, "31-contact-confirmed")


def _submit_with_fee_and_post(page: Page, base_url: str, check: Callable[[Page], None]) -> str:
    page.goto(f"{base_url}/dich-vu-cong/thu-tuc/{PROCEDURE}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page).to_have_url(f"{base_url}/dich-vu-cong/thu-tuc/{PROCEDURE}/nop/")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Nộp hồ sơ"))
    form.get_by_label("Họ, chữ đệm, tên người yêu cầu").fill(CITIZEN.full_name)
    form.locator("#f-applicant_id_number").fill(CITIZEN.national_id)
    form.get_by_label("Số điện thoại").fill(CITIZEN.phone)
    form.locator("#f-applicant_address").fill(CITIZEN.street)
    form.locator("#f-applicant_address-unit").select_option(label=COMMUNE)
    form.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Trần Gia Bảo")
    form.get_by_label("Ngày, tháng, năm sinh").fill("2026-05-04")  # past the 60 free days: the fee is due
    form.get_by_label("Giới tính").select_option("Nam")
    form.get_by_label("Nơi sinh").fill("Bệnh viện Trung ương Huế")
    form.get_by_label("Họ, chữ đệm, tên người mẹ").fill(CITIZEN.full_name)
    form.get_by_label("Họ, chữ đệm, tên người cha").fill("Trần Văn Minh")
    parents = form.get_by_role("group", name=re.compile("nơi cư trú của cha hoặc mẹ"))
    parents.get_by_label("Xã, phường, đặc khu", exact=True).select_option(label=COMMUNE)
    form.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    form.get_by_label("Nhận qua dịch vụ bưu chính công ích").check()
    form.get_by_label(re.compile("^Nơi bưu điện giao kết quả")).fill(
        "Thôn Thanh Hà, Xã Phú Vang, Thành phố Huế"
    )
    check(page)
    form.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/ho-so/[^/]+/da-nop/$"))
    check(page)
    return page.url.split("/ho-so/", 1)[1].split("/", 1)[0]


def _officer(chromium: Any, portal: Any, username: str, code: str, size: str = "phone") -> tuple[Any, Page]:
    context = _context(chromium, size)
    page = context.new_page()
    log_in_officer(page, portal.url, username)
    page.goto(f"{portal.url}/can-bo/ho-so/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
    return context, page


def _attach_result(officer: Page) -> None:
    form = officer.locator("form").filter(has=officer.get_by_role("button", name="Đính kèm kết quả"))
    form.get_by_label("Tên kết quả", exact=True).fill(RESULT_NAME)
    form.get_by_label("Tệp kết quả", exact=True).set_input_files(
        {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    form.get_by_role("button", name="Đính kèm kết quả").click()
    expect(officer.get_by_text(RESULT_NAME, exact=True).first).to_be_visible()


def _pay_at_the_bank(page: Page, portal: Any, reference: str) -> None:
    """The demo's bank: the reference gateway's page for the order, paying the amount with the reference
    as the transfer's content (the gateway then POSTs its signed callback to motcua)."""
    bank = f"{portal.payments.url}/thanh-toan/{reference}"
    deadline = time.monotonic() + 60
    while page.goto(bank).status == 404:  # the worker has not sent the payment order yet
        assert time.monotonic() < deadline, "the payment order never reached the gateway"
        time.sleep(0.5)
    expect(page.get_by_label("Số tiền")).to_have_value("8000")
    page.get_by_role("button", name="Chuyển khoản").click()
    expect(page.get_by_role("status")).to_contain_text("HTTP 200")


@pytest.fixture(scope="module")
def story(portal, delivery_worker, chromium, assert_accessible) -> Story:
    """The whole story on a phone, checking every page on the way; what later tests need to visit again."""
    check = _checker(assert_accessible)
    told = Story()
    context = _context(chromium, "phone")
    citizen = context.new_page()
    _citizen_logs_in(citizen, portal.url, portal.idp.issuer)
    _confirm_email(citizen, portal, check)

    told.code = code = _submit_with_fee_and_post(citizen, portal.url, check)
    dossier_url = f"{portal.url}/dich-vu-cong/ho-so/{code}/"
    assert code.startswith("199.42.00.H57-"), code

    reception, officer = _officer(chromium, portal, "phuvang.tiepnhan", code)
    perform(officer, "accept")  # the reception writes the payment order
    reception.close()

    # The worker opens the payment (the reception's payment order): the VietQR code and the amount show.
    _until(
        citizen, dossier_url, lambda: citizen.get_by_test_id("payment-reference").count() > 0, "the payment"
    )
    panel = citizen.get_by_test_id("payment")
    told.reference = reference = citizen.get_by_test_id("payment-reference").inner_text().strip()
    expect(citizen.get_by_test_id("payment-amount")).to_contain_text(FEE_TEXT)
    expect(panel).to_contain_text(f"Chuyển khoản {FEE_TEXT}")
    expect(panel.locator("strong", has_text=reference)).to_be_visible()
    qr = citizen.get_by_test_id("vietqr")
    expect(qr.locator("svg")).to_be_visible()
    payload = qr.get_attribute("data-payload") or ""
    assert VietQRParser.verify_checksum(payload), payload
    parsed = VietQRParser.parse(payload)
    assert (parsed["amount"], parsed["memo"]) == (8000, reference)
    check(citizen)
    _shot(citizen, "32-vietqr")
    # The panel while the fee is due, on a desktop too: the citizen's page and the officer's.
    wide = _context(chromium, "desktop")
    wide_citizen = wide.new_page()
    _citizen_logs_in(wide_citizen, portal.url, portal.idp.issuer)
    wide_citizen.goto(dossier_url)
    expect(wide_citizen.get_by_test_id("vietqr").locator("svg")).to_be_visible()
    check(wide_citizen)
    _shot(wide_citizen, "32-vietqr")
    wide.close()
    for size in sorted(VIEWPORTS):
        looking, officer = _officer(chromium, portal, "phuvang.tiepnhan", code, size)
        expect(officer.get_by_test_id("payment-reference")).to_have_text(reference)
        expect(officer.get_by_test_id("vietqr").locator("svg")).to_be_visible()
        check(officer)
        _shot(officer, "32-officer-payment-due")
        looking.close()

    bank = context.new_page()
    _pay_at_the_bank(bank, portal, reference)
    bank.close()
    _until(
        citizen,
        dossier_url,
        lambda: citizen.get_by_test_id("payment-status").get_attribute("data-status") == "paid",
        "the payment as paid",
    )
    expect(citizen.get_by_test_id("payment-status")).to_have_text("Đã thanh toán đủ")
    expect(citizen.get_by_test_id("vietqr")).to_have_count(0)  # nothing more to pay
    check(citizen)
    citizen.get_by_test_id("receipt-link").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("BIÊN LAI THU PHÍ, LỆ PHÍ")
    expect(citizen.locator("main")).to_contain_text(FEE_TEXT)
    expect(citizen.locator("main")).to_contain_text(code)
    told.receipt_url = citizen.url
    check(citizen)
    _shot(citizen, "33-fee-receipt")

    # The e-mails of the reception, the fee due and the fee received reached the SMTP server.
    received = _mails(portal.smtp, count=1, subject="đã được tiếp nhận", dossier=code)
    assert len(received) == 1, [m["subject"] for m in portal.smtp.messages(to=EMAIL)]
    [due] = _mails(portal.smtp, count=1, subject="yêu cầu thực hiện nghĩa vụ tài chính", dossier=code)
    assert FEE_TEXT in due["body"] and reference in due["body"]
    [paid] = _mails(portal.smtp, count=1, subject="đã nhận thanh toán", dossier=code)
    assert FEE_TEXT in paid["body"] and re.search(r"BLP \d{7}", paid["body"])

    for username, actions in WORKFLOW:
        working, officer = _officer(chromium, portal, username, code)
        if "issue_number" in actions:
            wait_for_leader_signature(officer)
        for action in actions:
            if action == "attach_result":
                _attach_result(officer)
            else:
                perform(officer, action)
        working.close()

    # The result is ready: the worker asks the postal service for a shipment; its waybill shows.
    _until(citizen, dossier_url, lambda: citizen.get_by_test_id("tracking-number").count() > 0, "the waybill")
    told.tracking_number = number = citizen.get_by_test_id("tracking-number").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{2}\d{9}VN", number), number
    _until(citizen, dossier_url, lambda: f"bưu gửi số {number}" in citizen.inner_text("main"), "the shipment")
    check(citizen)
    _shot(citizen, "34-shipment-requested")

    # The postal service picks the result up and delivers it; each signed callback reaches motcua.
    assert portal.postal.advance(number, "picked_up")["answer_status"] == 200
    delivered = portal.postal.advance(
        number,
        "delivered",
        handed_over_by="Bưu tá Nguyễn Văn Phát",
        handed_over_to=CITIZEN.full_name,
        receipt_reference="Ký nhận trên thiết bị",
    )
    assert delivered["answer_status"] == 200
    citizen.goto(dossier_url)
    expect(citizen.locator("main")).to_contain_text(f"Bưu điện đã phát kết quả (bưu gửi số {number}).")
    expect(citizen.get_by_test_id("shipment-status")).to_contain_text("Đã phát thành công")
    expect(citizen.locator("main")).to_contain_text("Đã trả kết quả")
    check(citizen)
    _shot(citizen, "35-result-delivered-by-post")
    citizen.get_by_test_id("handover-link").click()
    expect(citizen.locator("main")).to_contain_text(number)
    told.handover_url = citizen.url
    check(citizen)
    _shot(citizen, "36-handover-record")

    # The officer's dossier page: the payment panel with its transfer and the shipment.
    working, officer = _officer(chromium, portal, "phuvang.tiepnhan", code)
    expect(officer.get_by_test_id("payment-transfers")).to_contain_text(FEE_TEXT)
    expect(officer.get_by_test_id("tracking-number")).to_have_text(number)
    check(officer)
    working.close()

    # The portal's list of notifications and one notification.
    citizen.goto(f"{portal.url}/dich-vu-cong/thong-bao/")
    expect(citizen.locator("main")).to_contain_text(code)
    check(citizen)
    citizen.locator("main").get_by_role("link", name=re.compile(re.escape(code))).first.click()
    expect(citizen.locator("main")).to_contain_text(code)
    check(citizen)
    context.close()
    return told


def test_a_citizen_pays_the_fee_by_vietqr_is_told_by_email_and_receives_the_result_by_post(story, portal):
    assert story.reference and story.tracking_number and story.receipt_url and story.handover_url
    subjects = [m["subject"] for m in portal.smtp.messages(to=EMAIL) if story.code in m["subject"]]
    assert any("đã có kết quả" in s for s in subjects), subjects
    with urllib.request.urlopen(f"{portal.payments.url}/healthz", timeout=5) as answer:
        assert answer.status == 200


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_every_page_of_issue_16_passes_axe_and_fits_the_screen(
    story, portal, chromium, assert_accessible, size
):
    check = _checker(assert_accessible)
    context = _context(chromium, size)
    citizen = context.new_page()
    _citizen_logs_in(citizen, portal.url, portal.idp.issuer)
    pages = [
        f"{portal.url}/dich-vu-cong/thong-bao/",
        f"{portal.url}/dich-vu-cong/ho-so/{story.code}/",  # payment panel (paid, receipt link), shipments
        story.receipt_url,
        story.handover_url,
    ]
    for url in pages:
        citizen.goto(url)
        check(citizen)
    citizen.goto(pages[0])
    citizen.locator("main").get_by_role("link", name=re.compile(re.escape(story.code))).first.click()
    check(citizen)  # one notification
    citizen.goto(f"{portal.url}/dich-vu-cong/tai-khoan/thong-bao/")
    check(citizen)
    address = f"{size}.{EMAIL}"
    _send_code(citizen, address)
    check(citizen)  # the code step
    [mail] = _mails(portal.smtp, count=1, to=address)
    wrong = f"{(int(_code_in(mail)) + 1) % 1_000_000:06d}"
    citizen.get_by_label(f"Mã xác nhận đã gửi đến {address}").fill(wrong)
    citizen.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(citizen.get_by_role("alert")).to_be_visible()
    check(citizen)  # the error state
    _shot(citizen, "37-contact-code-error")
    context.close()

    working, officer = _officer(chromium, portal, "phuvang.tiepnhan", story.code, size)
    expect(officer.get_by_test_id("payment")).to_be_visible()
    expect(officer.get_by_test_id("shipments")).to_be_visible()
    check(officer)
    _shot(officer, "38-officer-dossier-payment-and-shipment")
    working.close()
