"""An officer's first login by a one-time enrolment link: own password, authenticator app, then the inbox."""

from __future__ import annotations

import base64
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OFFICER = "kimlong.tuphap"
NEW_PASSWORD = "Kim-Long-mat-khau-2026"


def _code(secret: str) -> str:
    from django_otp.oath import totp

    if 30 - time.time() % 30 < 2:  # a code in its last two seconds may expire on the way
        time.sleep(2.5)
    return f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"


def test_an_officer_activates_the_account_from_a_one_time_link_and_the_link_then_stops_working(
    portal, page, screenshot, assert_accessible
):
    path = portal.command("enrolment_link", OFFICER).strip()
    assert path.startswith("/can-bo/kich-hoat/")

    page.goto(f"{portal.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kích hoạt tài khoản cán bộ")
    assert "/kich-hoat/" in page.url and path not in page.url  # the token left the address bar
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot("40-enrolment-link")

    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_label("Mã 6 chữ số").fill("000000")
    page.get_by_role("button", name="Kích hoạt và đăng nhập").click()
    expect(page.get_by_label("Mã 6 chữ số")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    secret = page.locator(".ws-secret").inner_text().replace(" ", "").upper()
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_label("Mã 6 chữ số").fill(_code(secret))
    page.get_by_role("button", name="Kích hoạt và đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ đang chờ tôi xử lý")

    page.goto(f"{portal.url}{path}")  # the same link a second time
    expect(page.get_by_role("heading", level=1)).to_have_text("Liên kết kích hoạt không dùng được")
    assert_accessible(page)
