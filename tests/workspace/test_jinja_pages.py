"""The officer's dossier page and inbox, whose bodies Jinja renders (motcua.core.jinja): what a user types is
escaped, the CSRF token is the same in every form of a page, and the layout around the body is Django's."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers import services
from motcua.org.models import Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & \"Lê\""


def accepted(hue, name):
    dossier = hue.receive(name=name)
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))


def opened_by_step_officer(client, hue, dossier):
    step = dossier.current_step
    log_in(client, officer(hue.staff(step.role, step.agency).username))


def test_a_hostile_applicant_name_is_escaped_on_the_dossier_page_and_in_the_inbox(client, hue):
    dossier = accepted(hue, HOSTILE)
    opened_by_step_officer(client, hue, dossier)
    for page in (client.get(f"/can-bo/ho-so/{dossier.code}/"), client.get("/can-bo/", {"q": dossier.code})):
        html = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;Lê&#34;" in html


def test_the_forms_of_the_dossier_page_carry_one_csrf_token_and_the_page_keeps_the_layout(client, hue):
    dossier = accepted(hue, "Phan Thị Mai")
    opened_by_step_officer(client, hue, dossier)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    body = html.split('<main id="main"', 1)[1]
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))
    assert len(tokens) == 1
    assert f"<title>Hồ sơ {dossier.code}</title>" in html
    assert 'class="site-nav"' in html and "Đăng xuất" in html  # workspace/base.html around the body
    assert f"<h1>Hồ sơ {dossier.code}</h1>" in body


def _without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_compiled_per_language_write_what_the_plain_templates_write(client, hue, monkeypatch, language):
    from django.conf import settings

    from motcua.core import jinja

    waiting = hue.receive(name=HOSTILE)
    dossier = accepted(hue, "Phan Thị Mai")
    opened_by_step_officer(client, hue, dossier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    paths = [f"/can-bo/ho-so/{dossier.code}/", "/can-bo/", f"/can-bo/?q={dossier.code}"]
    reception = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    pages = {}
    for compiled in (True, False):
        monkeypatch.setattr(jinja, "COMPILE_TRANSLATIONS", compiled)
        pages[compiled] = [_without_tokens(client.get(path).content.decode()) for path in paths]
    log_in(client, officer(reception.username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for compiled in (True, False):
        monkeypatch.setattr(jinja, "COMPILE_TRANSLATIONS", compiled)
        pages[compiled].append(_without_tokens(client.get(f"/can-bo/ho-so/{waiting.code}/").content.decode()))
    assert pages[True] == pages[False]
    dossier_page = pages[True][0]
    assert f'<html lang="{language}">' in dossier_page
    if language == "en":
        assert "Log out" in dossier_page and "Đăng xuất" not in dossier_page
    else:
        assert "Đăng xuất" in dossier_page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_literals_compiled_for_a_language_are_escaped_and_formatted_as_at_render(language):
    from django.utils import translation

    from motcua.core import jinja

    source = (
        '{{ _("Đăng xuất") }}|{{ _("Lọc hồ sơ") ~ "<b>" }}|'
        '{{ _("(hẹn ban đầu: %(first)s)")|fmt(first="<i>O\'Neil</i>") }}|{{ _(label) }}'
    )
    with translation.override(language):
        context = {"label": "Đăng xuất", "_": jinja.translator(language)}
        compiled = jinja.for_language(language).from_string(source).render(context)
        plain = jinja.engines[jinja.ENGINE].env.from_string(source).render(context)
    assert compiled == plain
    # the literal alone and the one |fmt formats are resolved when compiled; the other two stay calls
    assert jinja.for_language(language).compile(source, raw=True).count("context.call(") == 2
    assert compiled.startswith("Log out|" if language == "en" else "Đăng xuất|")
    assert "&lt;i&gt;O&#39;Neil&lt;/i&gt;" in compiled


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_inbox_rows_write_their_column_names_as_template_text(language):
    """A row's ``data-label`` is compiled into the row's text for the language (nothing to escape and yield
    per row for it): the inbox's row loop is most of the page (issue 13)."""
    from motcua.core import jinja

    env = jinja.for_language(language)
    source = env.loader.get_source(env, "workspace/inbox.html")[0]
    code = env.compile(source, "workspace/inbox.html", raw=True)
    for name in ("Mã hồ sơ", "Chủ hồ sơ", "Thủ tục", "Bước", "Hạn bước", "Hẹn trả", "Tình trạng hạn"):
        label = str(jinja.translator(language)(name))
        assert f'data-label="{label}"' in code
    if language == "en":
        assert 'data-label="Mã hồ sơ"' not in code
