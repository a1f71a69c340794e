"""Vietnamese 404 and 500 pages in the site layout (issue 17, item 11), never Django's technical page."""

from __future__ import annotations

import html

import pytest
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path

from motcua.core.views import server_error

pytestmark = pytest.mark.django_db


def _broken(request: HttpRequest):
    raise RuntimeError("a bug in a page")


# The project's routes, with one page that fails: what handler500 answers for.
urlpatterns = [path("hong/", _broken), path("", include("motcua.urls"))]
handler500 = server_error


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_an_unknown_procedure_gets_the_vietnamese_not_found_page(settings):
    assert settings.DEBUG is False
    response = Client().get("/dich-vu-cong/thu-tuc/khong-co-thu-tuc-nay/")
    page = text_of(response)
    assert response.status_code == 404
    assert "<title>Không tìm thấy trang – motcua</title>" in page
    assert "<h1>Không tìm thấy trang</h1>" in page
    assert 'href="/dich-vu-cong/thu-tuc/"' in page and 'class="site-header"' in page  # in the site layout
    assert "Traceback" not in page and "URLconf" not in page


def test_an_unknown_address_gets_the_not_found_page_in_english_too(settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_page_gets_the_vietnamese_error_page_in_the_site_layout():
    client = Client(raise_request_exception=False)
    response = client.get("/hong/")
    page = text_of(response)
    assert response.status_code == 500
    assert "<h1>Xin lỗi, hệ thống đang gặp sự cố</h1>" in page
    assert 'class="site-header"' in page and '<html lang="vi">' in page
    assert "RuntimeError" not in page and "a bug in a page" not in page


def test_the_error_page_renders_without_any_request():
    page = html.unescape(render_to_string("500.html"))
    assert "Xin lỗi, hệ thống đang gặp sự cố" in page and 'href="/"' in page


def test_the_error_page_renders_when_the_request_itself_is_broken():
    # No session, no user: the context processors fail on such a request; the page is written all the same.
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Xin lỗi, hệ thống đang gặp sự cố" in html.unescape(response.content.decode())
