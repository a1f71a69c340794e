"""``{% translate "literal" %}`` remembered per language (motcua.core.templatetags.cached_i18n, installed
as the i18n library): the same output as Django's tag in each language and escaping mode; everything else
in the library is Django's."""

from __future__ import annotations

from django.template import Context, Template
from django.templatetags import i18n as django_i18n
from django.utils import translation

from motcua.core.templatetags import cached_i18n

TEXT = '{% load i18n %}{% translate "Trang chủ" %}|{% translate "Đăng xuất" %}|{% translate "<b> & 100%" %}'


def djangos(template: Template, language: str, autoescape: bool) -> str:
    """The same template's translate nodes rendered by Django's own node class."""
    rendered = []
    for node in template.nodelist:
        if isinstance(node, cached_i18n.CachedTranslateNode):
            plain = django_i18n.TranslateNode(
                node.filter_expression, node.noop, node.asvar, node.message_context
            )
            with translation.override(language):
                rendered.append(plain.render(Context(autoescape=autoescape)))
    return "|".join(rendered)


def test_a_literal_renders_as_djangos_tag_in_each_language_and_escaping_mode():
    for language in ("vi", "en", "vi", "en"):
        for autoescape in (True, False):
            template = Template(TEXT)
            with translation.override(language):
                ours = template.render(Context(autoescape=autoescape))
            assert ours == djangos(template, language, autoescape)
    with translation.override("en"):
        assert (
            Template(TEXT).render(Context()) == "Home|Log out|<b> & 100%"
        )  # a literal is safe, as in Django


def test_only_plain_literals_are_remembered():
    template = Template(
        "{% load i18n %}{% translate 'Trang chủ' %}{% translate 'Trang chủ' as home %}{{ home }}"
        "{% translate 'Trang chủ'|upper %}{% translate name %}{% translate 'Trang chủ' noop %}"
        "{% translate 'Trang chủ' context 'menu' %}"
    )
    kinds = [type(n) for n in template.nodelist if isinstance(n, django_i18n.TranslateNode)]
    assert kinds == [cached_i18n.CachedTranslateNode] + [django_i18n.TranslateNode] * 5
    with translation.override("en"):
        # (no catalogue entry under the context "menu": the literal itself)
        assert template.render(Context({"name": "Đăng xuất"})) == "HomeHomeHOMELog outTrang chủTrang chủ"


def test_the_site_templates_load_it_as_i18n_and_the_deploy_check_stays_quiet():
    from django.template import engines

    engine = engines["django"]
    assert engine.engine.template_libraries["i18n"] is cached_i18n.register
    assert not [w for w in engine.check() if w.id == "templates.W003"]


def test_the_rest_of_the_library_is_djangos():
    assert set(cached_i18n.register.tags) == set(django_i18n.register.tags)
    assert set(cached_i18n.register.filters) == set(django_i18n.register.filters)
    with translation.override("en"):
        rendered = Template(
            "{% load i18n %}{% get_current_language as lang %}{{ lang }} "
            "{% blocktranslate with n=3 %}Có {{ n }} hồ sơ.{% endblocktranslate %}"
        ).render(Context())
    with translation.override("en"):
        expected = translation.gettext("Có %(n)s hồ sơ.") % {"n": 3}
    assert rendered == f"en {expected}"
