"""Log a demo officer into the workspace through its pages: password, then TOTP enrolment or code."""

from __future__ import annotations

import base64
import time

from playwright.sync_api import Page, expect

from .language import say, switch_language

# Roles of the demo accounts by the suffix of their user name (see docs/organization.md).
ROLE_BY_SUFFIX = {
    "tiepnhan": "reception_officer",
    "tuphap": "specialist",
    "diachinh": "specialist",
    "truongphong": "head",
    "lanhdao": "leader",
    "vanthu": "clerk",
    "quantri": "administrator",
}


def staff_password(username: str) -> str:
    from motcua.org.demo import demo_password

    return demo_password(role=ROLE_BY_SUFFIX[username.rsplit(".", 1)[1]], province_code="46")


# What each officer's authenticator app holds, per server: {(base url, user name): (secret, last step used)}.
_DEVICES: dict[tuple[str, str], tuple[str, int]] = {}


def _fresh_code(base_url: str, username: str) -> str:
    """A code django-otp accepts: the current time step, or the next one (within its tolerance of one
    step) when the current one was already used, since a device refuses a step twice."""
    from django_otp.oath import totp

    secret, last_used = _DEVICES[(base_url, username)]
    # A code in its last two seconds may expire on the way: wait for the next one.
    if 30 - time.time() % 30 < 2:
        time.sleep(2.5)
    now_step = int(time.time() // 30)
    while now_step + 1 <= last_used:  # both accepted steps already used: wait for the next one
        time.sleep(30 - time.time() % 30 + 0.2)
        now_step = int(time.time() // 30)
    drift = 0 if now_step > last_used else 1
    _DEVICES[(base_url, username)] = (secret, now_step + drift)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, t0=0, step=30, digits=6, drift=drift):06d}"


# Who is logged in on each page: the sign action asks their authenticator's code again.
_OFFICER: dict[int, tuple[str, str]] = {}


def fresh_code(page: Page) -> str:
    """A fresh code of the authenticator of the officer logged in on ``page``."""
    base_url, username = _OFFICER[id(page)]
    return _fresh_code(base_url, username)


def log_in_officer(page: Page, base_url: str, username: str, *, language: str = "vi") -> None:
    """Password, then the first-login enrolment page (read the secret it shows) or the code page; in
    ``language``, chosen on the login page with the header's switch."""
    _OFFICER[id(page)] = (base_url, username)
    page.goto(f"{base_url}/can-bo/dang-nhap/")
    switch_language(page, language)
    page.get_by_label(say(language, "Tên đăng nhập")).fill(username)
    page.get_by_label(say(language, "Mật khẩu")).fill(staff_password(username))
    page.get_by_role("button", name=say(language, "Tiếp tục")).click()
    if (base_url, username) not in _DEVICES:
        expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Cài đặt ứng dụng xác thực"))
        secret = page.locator(".ws-secret").inner_text().replace(" ", "").upper()
        _DEVICES[(base_url, username)] = (secret, -1)
        page.get_by_label(say(language, "Mã 6 chữ số")).fill(_fresh_code(base_url, username))
        page.get_by_role("button", name=say(language, "Xác nhận và đăng nhập")).click()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Nhập mã xác thực"))
        code_box = page.get_by_label(say(language, "Mã 6 chữ số trong ứng dụng xác thực (hoặc mã dự phòng)"))
        code_box.fill(_fresh_code(base_url, username))
        page.get_by_role("button", name=say(language, "Đăng nhập"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Hồ sơ đang chờ tôi xử lý"))


def wait_for_leader_signature(page: Page, *, seconds: float = 90) -> None:
    """Reload the dossier page until the signing worker has made the leader's signature: the worker's event
    moves the dossier's version, so a form loaded before it would be refused as stale."""
    deadline = time.monotonic() + seconds
    while not page.get_by_text("Lãnh đạo đã ký số").first.is_visible() and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    expect(page.get_by_text("Lãnh đạo đã ký số").first).to_be_visible()


def perform(page: Page, action: str, *, language: str = "vi") -> None:
    """Submit the dossier page's form of one workflow action (by its code) and wait for the page again.

    ``sign`` asks the authenticator's code again (filled from the officer's device); ``issue_number`` waits
    while the signing worker is still making the leader's signature (the page says so)."""
    deadline = time.monotonic() + 90
    while True:
        form = page.locator(f"form:has(input[name=action][value={action}])")
        expect(form).to_have_count(1)
        if action == "sign":
            form.get_by_label(say(language, "Mã xác thực")).fill(fresh_code(page))
        form.get_by_role("button").click()
        pending = page.get_by_text(say(language, "Văn bản đang chờ hoàn tất chữ ký số của lãnh đạo"))
        done = page.get_by_text(say(language, "Đã thực hiện:"))
        # The delivery worker may have moved the dossier on since the page was opened (the national portal's
        # code, a payment order): the page says so and the officer reloads and acts again, as a person would.
        changed = page.get_by_role("link", name=say(language, "Tải lại hồ sơ"))
        expect(done.or_(pending).or_(changed)).to_be_visible(timeout=15_000)
        if done.is_visible() or time.monotonic() > deadline:
            break
        if changed.is_visible():
            changed.click()
            continue
        time.sleep(1)
        page.reload()
    expect(done).to_be_visible()
