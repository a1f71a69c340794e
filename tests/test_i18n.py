"""English is complete: every catalogue is fully translated and every main page renders in both languages."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier
from pdf_samples import CLEAN_PDF

# tests/portal and tests/workspace are packages next to this module: reuse their ways of logging in.
from portal.test_eform import BIRTH, birth_procedure, logged_in, make_citizen, submit_birth
from workspace.conftest import ENROL, LOGIN, PASSWORD, VERIFY, Hue, hue, log_in, officer

__all__ = ["hue"]  # the workspace's Huế fixture, used by the officer pages below

SOURCE = Path(__file__).resolve().parents[1] / "src" / "motcua"
CATALOGUES = sorted(p for p in SOURCE.rglob("*.po") if "var" not in p.relative_to(SOURCE).parts)

# Words of the interface chrome that must never show in an English page (data stays Vietnamese).
CHROME_VI = [
    "Đăng nhập",
    "Đăng xuất",
    "Trang chủ",
    "Tìm kiếm",
    "Hồ sơ của tôi",
    "Tra cứu hồ sơ",
    "Bỏ qua, đến nội dung chính",
    "Một cửa điện tử",
    "Thủ tục hành chính",
]


# --- the catalogues ------------------------------------------------------------------------------------


def statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr + result.stdout


def test_the_project_has_english_catalogues_for_the_project_and_the_portal():
    names = {str(p.relative_to(SOURCE)) for p in CATALOGUES}
    assert "locale/en/LC_MESSAGES/django.po" in names
    assert "portal/locale/en/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_catalogue_compiles_and_has_no_fuzzy_or_untranslated_message(po):
    stats = statistics(po)
    assert re.search(r"\d+ translated message", stats), stats
    assert "fuzzy" not in stats and "untranslated" not in stats, stats


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_catalogue_is_compiled_up_to_date(po, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    assert po.with_suffix(".mo").read_bytes() == fresh.read_bytes(), f"run compilemessages for {po}"


def test_the_project_catalogue_and_an_app_catalogue_never_disagree():
    def entries(po: Path) -> dict[str, str]:
        out = subprocess.run(
            ["msgattrib", "--no-wrap", "--no-location", str(po)], capture_output=True, text=True, check=True
        ).stdout
        return dict(re.findall(r'^msgid (".*")\nmsgstr (".*")$', out, flags=re.MULTILINE))

    project, *apps = [entries(p) for p in CATALOGUES if p.parts[-4] == "locale"]
    for app in apps:
        clashes = {k: (project[k], app[k]) for k in project.keys() & app.keys() if project[k] != app[k]}
        assert clashes == {}


# --- rendering -------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def speaking(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def assert_english(response, *, expected: list[str], absent: list[str] = ()) -> None:
    assert response.status_code in (200, 400, 503), response.status_code
    assert '<html lang="en">' in response.content.decode()
    page = text_of(response)
    for phrase in expected:
        assert phrase in page, f"missing English {phrase!r}"
    for phrase in [*CHROME_VI, *absent]:
        assert phrase not in page, f"Vietnamese {phrase!r} left in the English page"


def assert_vietnamese(response, *, expected: list[str]) -> None:
    assert '<html lang="vi">' in response.content.decode()
    page = text_of(response)
    for phrase in expected:
        assert phrase in page, f"missing Vietnamese {phrase!r}"


def test_the_setlang_view_switches_the_home_page_to_english_and_back(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert_english(client.get("/"), expected=["Home"])
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert_vietnamese(client.get("/"), expected=["Trang chủ"])


ANONYMOUS_PAGES = [
    # (url, expected English, must-not-remain Vietnamese, expected Vietnamese)
    ("/", ["Home", "Public services"], [], ["Trang chủ", "Dịch vụ công"]),
    (
        "/dich-vu-cong/",
        ["Public service portal", "Search", "Log in"],
        ["Cổng dịch vụ công"],
        ["Cổng dịch vụ công", "Tìm kiếm", "Đăng nhập"],
    ),
    (
        "/dich-vu-cong/thu-tuc/?q=khai+sinh",
        ["Administrative procedures", "Search"],
        [],
        ["Thủ tục hành chính", "Tìm kiếm"],
    ),
    (
        f"/dich-vu-cong/thu-tuc/{BIRTH}/",
        ["Required documents", "Log in"],
        ["Thành phần hồ sơ"],
        ["Thành phần hồ sơ", "Đăng nhập"],
    ),
    (
        "/dich-vu-cong/tra-cuu/",
        ["Look up a dossier", "Dossier code", "Look up"],
        ["Mã hồ sơ"],
        ["Tra cứu hồ sơ", "Mã hồ sơ"],
    ),
    (
        "/can-bo/dang-nhap/",
        ["Officer login", "Username", "Password", "Continue"],
        ["Tên đăng nhập", "Mật khẩu", "Tiếp tục"],
        ["Đăng nhập cán bộ", "Tên đăng nhập", "Mật khẩu"],
    ),
]


@pytest.mark.parametrize(
    ("url", "english", "absent", "vietnamese"), ANONYMOUS_PAGES, ids=[p[0] for p in ANONYMOUS_PAGES]
)
def test_a_public_page_renders_in_english_and_in_vietnamese(db, url, english, absent, vietnamese):
    birth_procedure()
    english_page = speaking(Client(), "en").get(url)
    assert english_page.status_code == 200
    assert_english(english_page, expected=english, absent=absent)
    vietnamese_page = speaking(Client(), "vi").get(url)
    assert vietnamese_page.status_code == 200
    assert_vietnamese(vietnamese_page, expected=vietnamese)


PORTAL_LOGIN = "/dich-vu-cong/dang-nhap/"
CALLBACK = "/dich-vu-cong/dang-nhap/xong/"


def test_the_portal_login_error_pages_render_in_both_languages(db, settings):
    from motcua.portal import oidc
    from refservices.idp.process import free_port

    cancelled_en = "You cancelled the login with your electronic identity."
    unavailable_en = "The electronic identity provider is not responding."
    for language, expected in (("en", ["Login failed", "Log in again"]), ("vi", ["Không đăng nhập được"])):
        cancelled = speaking(Client(), language).get(CALLBACK, {"error": "access_denied"})
        assert cancelled.status_code == 400
        settings.MOTCUA_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
        oidc.forget_clients()
        try:
            unreachable = speaking(Client(), language).get(PORTAL_LOGIN)
        finally:
            oidc.forget_clients()
        assert unreachable.status_code == 503
        if language == "en":
            assert_english(cancelled, expected=[*expected, cancelled_en], absent=["Bạn đã hủy đăng nhập"])
            assert_english(unreachable, expected=[*expected, unavailable_en], absent=["đang không phản hồi"])
        else:
            assert_vietnamese(cancelled, expected=[*expected, "Bạn đã hủy đăng nhập"])
            assert_vietnamese(unreachable, expected=[*expected, "đang không phản hồi"])


def test_a_citizens_pages_render_in_english_and_in_vietnamese(db):
    birth_procedure()
    citizen = make_citizen()
    assert submit_birth(logged_in(citizen), submission_key="i18n").status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    pages = {
        reverse("portal:eform", args=[BIRTH]): (
            ["Save draft", "Submit the dossier", "My dossiers"],
            ["Lưu nháp", "Nộp hồ sơ", "Hồ sơ của tôi"],
        ),
        reverse("portal:my_dossiers"): (
            ["My dossiers", "Dossier code", "Result appointment date"],
            ["Hồ sơ của tôi", "Mã hồ sơ", "Ngày hẹn trả kết quả"],
        ),
        reverse("portal:my_dossier", args=[dossier.code]): (
            [f"Dossier {dossier.code}", "Log out"],
            [f"Hồ sơ {dossier.code}", "Đăng xuất"],
        ),
    }
    for url, (english, vietnamese) in pages.items():
        english_page = speaking(logged_in(citizen), "en").get(url)
        assert english_page.status_code == 200, url
        assert_english(english_page, expected=english, absent=vietnamese)
        vietnamese_page = speaking(logged_in(citizen), "vi").get(url)
        assert vietnamese_page.status_code == 200, url
        assert_vietnamese(vietnamese_page, expected=vietnamese)


def test_the_officer_login_steps_render_in_english(hue: Hue):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.org.models import Role

    user = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    officer(user.username)
    enrolling = speaking(Client(), "en")
    enrolling.post(LOGIN, {"username": user.username, "password": PASSWORD})
    enrol = enrolling.get(ENROL)
    assert enrol.status_code == 200
    assert_english(
        enrol,
        expected=["Set up two-factor authentication", "Secret key:"],
        absent=["Cài đặt xác thực hai lớp", "Khóa bí mật"],
    )

    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    verifying = speaking(Client(), "en")
    verifying.post(LOGIN, {"username": user.username, "password": PASSWORD})
    verify = verifying.get(VERIFY)
    assert verify.status_code == 200
    assert_english(
        verify,
        expected=["Two-factor authentication", "Enter the verification code"],
        absent=["Xác thực hai lớp", "Nhập mã xác thực"],
    )


def test_an_officers_workspace_renders_in_english_and_in_vietnamese(hue: Hue):
    from motcua.org.models import Role

    user = officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username)
    dossier = hue.receive()
    pages = {
        "/can-bo/": (
            ["Dossiers to process", "Dossiers waiting for me", "Received from", "Counter reception"],
            ["Hồ sơ cần xử lý", "Hồ sơ đang chờ tôi xử lý", "Tiếp nhận từ ngày", "Tiếp nhận tại quầy"],
        ),
        f"/can-bo/ho-so/{dossier.code}/": (
            ["Dossier details", "Processing steps", "Processing history"],
            ["Thông tin hồ sơ", "Các bước xử lý", "Quá trình xử lý"],
        ),
        "/can-bo/tiep-nhan/": (
            ["Counter reception of dossiers", "1. Procedure and locality", "Full name"],
            ["Tiếp nhận hồ sơ tại quầy", "1. Thủ tục và địa bàn", "Họ và tên"],
        ),
    }
    for language in ("en", "vi"):
        client = speaking(Client(), language)
        log_in(client, user)
        for url, (english, vietnamese) in pages.items():
            response = client.get(url)
            assert response.status_code == 200, url
            if language == "en":
                assert_english(response, expected=english, absent=vietnamese)
            else:
                assert_vietnamese(response, expected=vietnamese)


def test_result_rating_apology_and_scan_pages_render_in_english_and_in_vietnamese(db):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone, translation
    from django.utils.translation import gettext

    from dossiers.dossier_catalog_world import MARRIAGE, advance, hue_world, receive
    from motcua.dossiers import services
    from motcua.org.models import Role

    world = hue_world(timezone.localdate())
    dossier = receive(
        world, world.procedure(MARRIAGE), point=world.point_phu_vang, place=world.phu_vang, now=timezone.now()
    )
    reception = world.staff(Role.RECEPTION_OFFICER, world.ubnd_phu_vang)
    dossier = services.accept(dossier=dossier, by=reception)
    step = dossier.current_step
    specialist = officer(world.staff(step.role, step.agency).username)
    pdf = SimpleUploadedFile("ket-qua.pdf", CLEAN_PDF, content_type="application/pdf")
    services.attach_result(dossier=dossier, by=specialist, name="Giấy chứng nhận kết hôn", upload=pdf)

    def phrases(*messages: str) -> tuple[list[str], list[str]]:
        with translation.override("en"):
            english = [gettext(m).split("%(")[0].strip() for m in messages]
        vietnamese = [m.split("%(")[0].strip() for m in messages]
        assert all(e and e != v for e, v in zip(english, vietnamese, strict=True)), english
        return english, vietnamese

    staff_pages = {
        f"/can-bo/ho-so/{dossier.code}/": phrases(
            "Đính kèm kết quả giải quyết", "Tên kết quả", "Tệp kết quả", "Đính kèm kết quả"
        ),
        reverse("workspace:apologies"): phrases("Xin lỗi, hẹn lại"),
        f"/can-bo/tiep-nhan/?procedure={MARRIAGE}": phrases("Bản quét: %(name)s", "3. Giấy tờ đã nhận"),
    }
    for language in ("en", "vi"):
        client = speaking(Client(), language)
        log_in(client, specialist)
        for url, (english, vietnamese) in staff_pages.items():
            response = client.get(url)
            assert response.status_code == 200, url
            if language == "en":
                assert_english(response, expected=english, absent=vietnamese)
            else:
                assert_vietnamese(response, expected=vietnamese)

    dossier = advance(world, type(dossier).objects.get(pk=dossier.pk), now=timezone.now())
    rating = phrases("Kết quả giải quyết", "Đánh giá mức độ hài lòng", "Rất hài lòng", "Gửi đánh giá")
    citizen_page = reverse("portal:my_dossier", args=[dossier.code])
    lookup = reverse("portal:lookup")
    for language in ("en", "vi"):
        citizen = speaking(logged_in(world.citizen), language)
        for client, url in ((citizen, citizen_page), (speaking(Client(), language), lookup)):
            if url == lookup:  # the public lookup is a POST form
                response = client.post(url, {"ma_ho_so": dossier.code, "so_cuoi": "1234"})
            else:
                response = client.get(url)
            assert response.status_code == 200, url
            if language == "en":
                assert_english(response, expected=rating[0][1:], absent=rating[1][1:])
            else:
                assert_vietnamese(response, expected=rating[1][1:])
        if language == "en":
            assert_english(citizen.get(citizen_page), expected=rating[0][:1], absent=rating[1][:1])
