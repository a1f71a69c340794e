"""Django's ``i18n`` template library with ``{% translate "literal" %}`` remembered per language.

Installed under the name ``i18n`` by the template backend (``motcua.core.templates``), so every
``{% load i18n %}`` gets it: the tags and filters are Django's own, except that a ``translate`` (``trans``)
of a literal string without filters, ``as``, ``context`` or ``noop`` renders once per language and escaping
mode and then answers from a dictionary. A page writes dozens of them (the dossier page about seventy), and
each costs a translation lookup through the thread-local active language, escaping and a safe-string copy.
The remembered text is exactly what Django's node rendered; it is forgotten when the translation settings
change (tests that override them).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.templatetags import i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# (literal, language, autoescape) -> the rendered translation.
_rendered: dict[tuple[str, str | None, bool], str] = {}


class CachedTranslateNode(i18n.TranslateNode):
    """``TranslateNode`` of a literal: Django's rendering, remembered."""

    def render(self, context: Any) -> str:
        key = (self.filter_expression.var.literal, get_language(), bool(context.autoescape))
        found = _rendered.get(key)
        if found is None:
            found = _rendered[key] = super().render(context)
        return found


def _constant(node: i18n.TranslateNode) -> bool:
    expression = node.filter_expression
    var = expression.var
    return (
        not node.noop
        and node.asvar is None
        and node.message_context is None
        and not expression.filters
        and isinstance(getattr(var, "literal", None), str)
        and getattr(var, "lookups", None) is None
    )


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> i18n.TranslateNode:
    node = i18n.do_translate(parser, token)
    if isinstance(node, i18n.TranslateNode) and type(node) is i18n.TranslateNode and _constant(node):
        node.__class__ = CachedTranslateNode
    return node


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _rendered.clear()
