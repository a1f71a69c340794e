"""The header and navigation every page repeats (motcua.core.templatetags.site_chrome): the remembered
addresses and language list are the ones Django computes, under any script prefix and language."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation
from django.utils.translation import get_language_info

from motcua.core.templatetags.site_chrome import fixed_url, language_choices


def render(source: str) -> str:
    return engines["django"].from_string("{% load site_chrome %}" + source).render({})


def test_fixed_url_is_the_reversed_address():
    assert fixed_url("portal:procedure_search") == reverse("portal:procedure_search")
    assert render("{% fixed_url 'workspace:inbox' %}") == reverse("workspace:inbox")
    assert render("{% fixed_url 'org:home' as home %}[{{ home }}]") == f"[{reverse('org:home')}]"


def test_fixed_url_follows_the_script_prefix_of_the_request():
    plain = fixed_url("portal:lookup")
    set_script_prefix("/motcua/")
    try:
        assert fixed_url("portal:lookup") == "/motcua" + plain == reverse("portal:lookup")
    finally:
        clear_script_prefix()
    assert fixed_url("portal:lookup") == plain


def test_language_choices_name_each_language_in_its_own_words():
    with translation.override("en"):
        assert [(c["code"], c["name_local"]) for c in language_choices()] == [
            ("vi", get_language_info("vi")["name_local"]),
            ("en", "English"),
        ]


@pytest.mark.django_db
def test_the_header_links_and_language_switch_render(client):
    page = client.get(reverse("portal:home")).content.decode()
    for name in ("org:home", "portal:home", "portal:procedure_search", "portal:lookup"):
        assert f'href="{reverse(name)}"' in page
    assert f'action="{reverse("set_language")}"' in page
    vietnamese = get_language_info("vi")["name_local"]
    assert f'value="vi" lang="vi" aria-pressed="true">{vietnamese}</button>' in page
    assert 'value="en" lang="en" aria-pressed="false">English</button>' in page
