from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def test_the_home_page_lists_the_40_communes_and_wards_of_hue(demo, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "motcua – Thành phố Huế" in page
    assert page.count('<li data-code="') == 40
    assert "Phường Phú Xuân" in page and "Xã A Lưới 1" in page
    directory = response.context["directory"]
    assert [(g.label, len(g.units)) for g in directory.unit_groups] == [("Phường", 21), ("Xã", 19)]


def test_the_home_page_lists_the_city_agencies(demo, client):
    page = client.get("/").content.decode()
    assert "Ủy ban nhân dân thành phố Huế" in page
    assert "Trung tâm Phục vụ hành chính công thành phố Huế" in page
    assert "Sở Tư pháp thành phố Huế" in page
    assert "Bưu điện thành phố Huế" in page
    assert 'href="/admin/"' not in page  # administration links are for officers only (issue 17, item 5)


def test_the_home_page_is_accessible_in_structure(demo, client):
    page = client.get("/").content.decode()
    assert 'class="skip-link" href="#main"' in page
    assert '<main id="main"' in page
    assert "<header" in page and "<footer" in page and "<nav" in page
    assert "https://" not in page.split("</head>")[0]  # no CDN


def test_the_home_page_speaks_english_when_asked(demo, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Skip to main content" in page
    assert "Communes and wards" in page
    assert "Wards" in page and "Communes" in page


def test_the_language_switch_remembers_english(demo, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in page
    assert "Departments and agencies" in page


def test_the_home_page_does_not_query_per_row(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
