"""Issue 17, items 3 and 9, walked in a browser at 390 px and 1280 px: submit online, read the confirmation
panel, download the submission receipt at once, look the dossier up by its code typed in lower case without
dots and read its timeline, then ask to withdraw it through the confirmation page; in Vietnamese and in
English (the header's language switch)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from pdf_samples import CLEAN_PDF
from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD

from .language import LANGUAGES, assert_in_language, say, switch_language

pytestmark = pytest.mark.browser

PROCEDURE = "1.001193"
PROCEDURE_NAME = "Đăng ký khai sinh"  # as the submission receipt prints it, in either language
COMMUNE = "Phường Phú Xuân"
CITIZEN = CITIZENS[1]


def _log_in_and_submit(page: Page, base_url: str, issuer: str, language: str) -> str:
    form_path = f"/dich-vu-cong/thu-tuc/{PROCEDURE}/nop/"
    page.goto(f"{base_url}/dich-vu-cong/tra-cuu/")
    switch_language(page, language)
    page.goto(f"{base_url}/dich-vu-cong/dang-nhap/?next={form_path}")
    expect(page).to_have_url(re.compile(re.escape(f"{issuer}/authorize?")))
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill(CITIZEN.national_id)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base_url}{form_path}")
    form = page.locator("form").filter(has=page.get_by_role("button", name=say(language, "Nộp hồ sơ")))
    form.get_by_label("Họ, chữ đệm, tên người yêu cầu").fill(CITIZEN.full_name)
    form.locator("#f-applicant_id_number").fill(CITIZEN.national_id)
    form.get_by_label("Số điện thoại").fill(CITIZEN.phone)
    form.locator("#f-applicant_address").fill("45 Đinh Tiên Hoàng")
    form.locator("#f-applicant_address-unit").select_option(label=COMMUNE)
    form.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Trần Minh Châu")
    form.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-20")
    form.get_by_label("Giới tính").select_option("Nữ")
    form.get_by_label("Nơi sinh").fill("Bệnh viện Trung ương Huế")
    form.get_by_label("Họ, chữ đệm, tên người mẹ").fill(CITIZEN.full_name)
    form.get_by_label("Họ, chữ đệm, tên người cha").fill("Trần Văn Minh")
    parents = form.get_by_role("group", name=re.compile("nơi cư trú của cha hoặc mẹ"))
    parents.get_by_label(say(language, "Xã, phường, đặc khu"), exact=True).select_option(label=COMMUNE)
    form.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": CLEAN_PDF}
    )
    form.get_by_role("button", name=say(language, "Nộp hồ sơ")).click()
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/ho-so/[^/]+/da-nop/$"))
    return page.url.split("/ho-so/", 1)[1].split("/", 1)[0]


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shot_name(name: str, language: str) -> str:
    return name if language == "vi" else f"{name}-{language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_submit_confirm_download_the_receipt_look_up_and_withdraw(
    portal, page, assert_accessible, screenshot, language
):
    def t(vietnamese: str) -> str:
        return say(language, vietnamese)

    code = _log_in_and_submit(page, portal.url, portal.idp.issuer, language)

    # The confirmation panel: the code large, what happens next, the fee and how the result comes.
    panel = page.get_by_test_id("confirmation-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text(t("Đã nộp hồ sơ"))
    expect(page.get_by_test_id("dossier-code")).to_have_text(code)
    expect(page.get_by_test_id("submitted-procedure")).to_have_text(t(PROCEDURE_NAME))  # its English name
    expect(page.get_by_test_id("reception-due")).to_contain_text(t("kiểm tra hồ sơ chậm nhất vào"))
    expect(page.get_by_test_id("appointment")).to_contain_text(t("ngày hẹn trả kết quả dự kiến"))
    expect(page.get_by_test_id("fee")).to_contain_text(t("Miễn phí"))
    expect(page.get_by_test_id("delivery")).to_contain_text(t("Kết quả điện tử"))
    assert_in_language(page, language)
    _no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(_shot_name("20-submitted-confirmation", language))

    # The submission receipt at once, as a PDF with the code and the procedure.
    with page.expect_download() as download_info:
        page.get_by_test_id("submission-receipt").click()
    download = download_info.value
    assert download.suggested_filename == f"{code}-da-nop.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert t("GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ TRỰC TUYẾN") in text and code in text and PROCEDURE_NAME in text

    # The lookup, with the code typed in lower case without dots or dashes.
    page.goto(f"{portal.url}/dich-vu-cong/tra-cuu/")
    page.get_by_label(t("Mã hồ sơ")).fill(code.replace(".", "").replace("-", "").lower())
    page.get_by_label(t("4 số cuối số định danh cá nhân của người nộp")).fill(CITIZEN.national_id[-4:])
    page.get_by_role("button", name=t("Tra cứu"), exact=True).click()
    expect(page.get_by_test_id("lookup-code")).to_have_text(code)
    expect(page.get_by_test_id("procedure")).to_have_text(t(PROCEDURE_NAME))
    expect(page.get_by_test_id("agency")).to_contain_text(COMMUNE.removeprefix("Phường "))
    expect(page.get_by_test_id("lookup-timeline")).to_contain_text(t("Bạn đã nộp hồ sơ."))
    assert_in_language(page, language)
    _no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(_shot_name("21-lookup-timeline", language))

    # The link printed on the receipts opens the lookup with the code filled in.
    page.goto(f"{portal.url}/dich-vu-cong/tra-cuu/?ma={code.lower()}")
    expect(page.get_by_label(t("Mã hồ sơ"))).to_have_value(code)

    # Withdrawal through its own confirmation page.
    page.goto(f"{portal.url}/dich-vu-cong/ho-so/{code}/")
    page.get_by_test_id("withdraw-start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Bạn muốn rút hồ sơ này?"))
    expect(page.get_by_role("link", name=t("Không, quay lại hồ sơ"))).to_be_visible()
    assert_in_language(page, language)
    _no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(_shot_name("22-withdraw-confirmation", language))
    page.get_by_test_id("withdraw-confirm").click()  # no reason: an error on the same page, nothing sent
    expect(page.get_by_role("alert")).to_contain_text(t("Vui lòng nêu rõ lý do."))
    expect(page).to_have_title(re.compile("^" + re.escape(t("Lỗi:"))))
    assert_in_language(page, language)
    assert_accessible(page)
    page.get_by_label(t("Lý do rút hồ sơ")).fill("Nộp nhầm thủ tục")
    page.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_test_id("withdrawal-sent")).to_contain_text(t("Đã gửi yêu cầu rút hồ sơ."))
    expect(page.get_by_test_id("withdrawal-pending")).to_contain_text("Nộp nhầm thủ tục")
    assert_in_language(page, language)
    assert_accessible(page)
    screenshot(_shot_name("23-withdrawal-sent", language))
