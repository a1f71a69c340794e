"""The interface's two languages in the browser stories (issue 17's acceptance: the journeys in Vietnamese and
in English): the switch a visitor uses (the header's language buttons, Django's ``set_language`` view, which
keeps the choice in the language cookie), the words the stories click and read in each language, and the
check that an English page shows no Vietnamese where the catalogue has a translation.

Data stays Vietnamese in both languages: e-form labels typed in the catalog, names, communes, the result's
name an officer types."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from playwright.sync_api import Page, expect

LANGUAGES = ("vi", "en")
# The header's button of each language: its own name in its own language (``name_local``).
SWITCH = {"vi": "Tiếng Việt", "en": "English"}

# The stories' words: Vietnamese (the msgid) -> English (the catalogue's translation, as a reader sees it).
ENGLISH = {
    # the portal
    "Tìm thủ tục hành chính": "Find an administrative procedure",
    "Đăng ký khai sinh": "Birth registration",
    "khai sinh": "birth registration",
    "Đăng nhập để nộp hồ sơ trực tuyến": "Log in to submit online",
    "Nộp hồ sơ": "Submit the dossier",
    "Xã, phường, đặc khu": "Commune, ward or special zone",
    "Hồ sơ của tôi": "My dossiers",
    "Đã trả kết quả": "Result returned",
    "Tải %(name)s": "Download %(name)s",
    "Bạn hài lòng với việc giải quyết hồ sơ này ở mức nào?": (
        "How satisfied are you with how this dossier was handled?"
    ),
    "Rất hài lòng": "Very satisfied",
    "Góp ý (nếu có)": "Comments (if any)",
    "Gửi đánh giá": "Send rating",
    "Cảm ơn bạn đã đánh giá": "Thank you for your rating",
    "Đã nộp hồ sơ": "Dossier submitted",
    "GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ TRỰC TUYẾN": "CONFIRMATION OF ONLINE DOSSIER SUBMISSION",
    "Miễn phí": "Free of charge",
    "Tra cứu hồ sơ": "Look up a dossier",
    "Mã hồ sơ": "Dossier code",
    "4 số cuối số định danh cá nhân của người nộp": (
        "Last 4 digits of the applicant's personal identification number"
    ),
    "Tra cứu": "Look up",
    "Bạn muốn rút hồ sơ này?": "Do you want to withdraw this dossier?",
    "Không, quay lại hồ sơ": "No, back to the dossier",
    "Vui lòng nêu rõ lý do.": "Please state the reason.",
    "Lý do rút hồ sơ": "Reason for withdrawing the dossier",
    "Đã gửi yêu cầu rút hồ sơ.": "Withdrawal request sent.",
    "kiểm tra hồ sơ chậm nhất vào": "checks the dossier by",
    "ngày hẹn trả kết quả dự kiến": "the expected appointment date",
    "Kết quả điện tử": "The electronic result",
    "Bạn đã nộp hồ sơ.": "You submitted the dossier.",
    "Lỗi:": "Error:",
    # the workspace
    "Tên đăng nhập": "Username",
    "Mật khẩu": "Password",
    "Tiếp tục": "Continue",
    "Cài đặt ứng dụng xác thực": "Set up an authenticator app",
    "Mã 6 chữ số": "6-digit code",
    "Xác nhận và đăng nhập": "Confirm and log in",
    "Nhập mã xác thực": "Enter the verification code",
    "Mã 6 chữ số trong ứng dụng xác thực (hoặc mã dự phòng)": (
        "6-digit code from the authenticator app (or a backup code)"
    ),
    "Đăng nhập": "Log in",
    "Hồ sơ đang chờ tôi xử lý": "Dossiers waiting for me",
    "Hồ sơ %(code)s": "Dossier %(code)s",
    "Mã xác thực": "Verification code",
    "Văn bản đang chờ hoàn tất chữ ký số của lãnh đạo": (
        "The document is waiting for the leader's digital signature"
    ),
    "Đã thực hiện:": "Done:",
    "Tải lại hồ sơ": "Reload the dossier",
    "Đính kèm kết quả": "Attach the result",
    "Tên kết quả": "Result name",
    "Tệp kết quả": "Result file",
    "Tiếp nhận tại quầy": "Counter reception",
    "Thủ tục hành chính (gõ mã hoặc chọn)": "Administrative procedure (type the code or choose)",
    "Quét hoặc dán mã QR trên căn cước công dân": "Scan or paste the QR code on the citizen ID card",
    "Tiếp tục: xem danh mục giấy tờ": "Continue: see the list of documents",
    "Họ và tên": "Full name",
    "3. Giấy tờ đã nhận": "3. Documents received",
    "4. Tờ khai": "4. Declaration",
    "Tiếp nhận": "Receive",
    "Lý do": "Reason",
    "Xác nhận dừng giải quyết": "Confirm stopping the processing",
    "Chuyển cho ": "Forward to ",
    "Cán bộ tiếp nhận (Một cửa)": "Reception officer (one-stop desk)",
    "Chuyên viên": "Specialist",
    "Lãnh đạo phòng": "Head of division",
    "Lãnh đạo cơ quan": "Agency leader",
    "Văn thư": "Clerk",
    "hạn": "due",
}


def say(language: str, vietnamese: str, **values: Any) -> str:
    """``vietnamese`` as the page in ``language`` shows it, with its ``%(name)s`` values filled in."""
    text = vietnamese if language == "vi" else ENGLISH[vietnamese]
    return text % values if values else text


def switch_language(page: Page, language: str) -> None:
    """Press the header's button of ``language`` on the page shown, as a visitor does; the choice stays for
    every later page of the browser context (the language cookie)."""
    if page.locator("html").get_attribute("lang") != language:
        page.locator(".language-switch").get_by_role("button", name=SWITCH[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@cache
def _translated() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The catalogue's Vietnamese messages that have an English translation: whole strings, and those with
    placeholders as patterns (``Hồ sơ %(code)s`` reads ``Hồ sơ 199.42…``)."""
    from django.utils import translation

    catalogue = translation.trans_real.translation("en")._catalog
    whole: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for msgid, english in catalogue.items():
        if isinstance(msgid, tuple):
            msgid = msgid[0]
        msgid = " ".join(str(msgid).split())
        if not msgid or english == msgid:
            continue
        parts = re.split(r"%\(\w+\)[sd]|\{\w+\}|%[sd]", msgid)
        if len(parts) == 1:
            whole.add(msgid)
        elif sum(len(p.strip()) for p in parts) >= 6:
            patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$", re.DOTALL))
    return frozenset(whole), tuple(patterns)


# The page's own words (title, headings, buttons, labels, legends, table heads, links of the header and the
# footer), each element's text on its own; what is marked lang="vi" (the language button) is Vietnamese on
# purpose. An e-form field's own label or legend (its ``data-field`` box) is the catalog's data.
_CHROME_TEXTS = """() => {
  const picked = [document.title];
  const chrome = 'h1, h2, h3, button, legend, th, label, summary, .site-header a, .site-footer a, .ws-nav a';
  for (const el of document.querySelectorAll(chrome)) {
    if (el.closest('[lang]') && el.closest('[lang]').lang !== 'en') continue;
    const field = el.parentElement && el.parentElement.closest('[data-field]');
    if ((el.tagName === 'LABEL' || el.tagName === 'LEGEND') && field && el.parentElement === field) continue;
    picked.push(el.innerText || el.textContent || '');
  }
  return picked;
}"""


def vietnamese_left(page: Page) -> list[str]:
    """Texts of an English page's chrome still in Vietnamese although the catalogue translates them."""
    whole, patterns = _translated()
    left = []
    for raw in page.evaluate(_CHROME_TEXTS):
        text = " ".join(raw.split())
        if text and (text in whole or any(p.match(text) for p in patterns)):
            left.append(text)
    return sorted(set(left))


def assert_in_language(page: Page, language: str) -> None:
    """The page is in ``language``; in English, its title and headings are English where a translation
    exists (no chrome left in Vietnamese)."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    if language == "en":
        left = vietnamese_left(page)
        assert not left, f"Vietnamese left on the English page {page.url}: {left}"
