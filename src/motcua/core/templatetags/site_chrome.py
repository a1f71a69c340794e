"""Template tags for what every page repeats (header, navigation, language switch): computed once per process
instead of once per request.

- ``{% fixed_url "app:name" %}`` (or ``... as var``): ``{% url %}`` for a route without arguments, remembered
  per URLconf, script prefix and language (the only things its answer depends on). The navigation reverses
  up to ten such routes on every page, about 40 µs each.
- ``{% language_choices as languages %}``: the LANGUAGES setting with each language's own name, the pair
  ``get_available_languages`` + ``get_language_info_list`` rebuild on every page.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, get_language_info

register = template.Library()

# The answer depends on nothing else; the names are the few literals the templates write.
_reversed: dict[tuple[object, str, str | None, str], str] = {}


@register.simple_tag
def fixed_url(name: str) -> str:
    key = (get_urlconf(), get_script_prefix(), get_language(), name)
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name)
    return url


@cache
def _language_choices(codes: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    return tuple({"code": code, "name_local": get_language_info(code)["name_local"]} for code in codes)


@register.simple_tag
def language_choices() -> tuple[dict[str, str], ...]:
    return _language_choices(tuple(code for code, _name in settings.LANGUAGES))
