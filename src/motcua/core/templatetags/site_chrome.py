"""Template tags for what every page repeats (header, navigation, language switch): computed once per process
instead of once per request.

- ``{% fixed_url "app:name" %}`` (or ``... as var``): ``{% url %}`` for a route without arguments, remembered
  per URLconf, script prefix and language (the only things its answer depends on). The navigation reverses
  up to ten such routes on every page, about 40 µs each.
- ``{% language_choices as languages %}``: the LANGUAGES setting with each language's own name, the pair
  ``get_available_languages`` + ``get_language_info_list`` rebuild on every page.
- ``{% jinja_layout "layout.html" %}…{% endjinja_layout %}``: the page in a Jinja layout (the one copy of it,
  motcua.core.jinja), the blocks a Django page fills handed over rendered. Both functions above serve the
  Jinja layouts too.
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


class JinjaLayoutNode(template.Node):
    """``{% jinja_layout "name" %}{% block … %}{% endblock %}…{% endjinja_layout %}``: the page in the Jinja
    layout ``name`` (motcua.core.jinja), the blocks a Django page overrides passed to it rendered (``slots``);
    the blocks it leaves alone take the layout's own content. One copy of the layout serves both engines."""

    def __init__(self, layout: str, nodelist: template.NodeList) -> None:
        self.layout = layout
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode

        from motcua.core import jinja

        blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
        slots = {}
        for node in self.nodelist.get_nodes_by_type(BlockNode):
            name = node.name  # type: ignore[attr-defined]
            if blocks is not None and blocks.get_block(name) not in (None, node):  # a page overrode it
                slots[name] = node.render(context)
        token = context.get("csrf_token")
        return jinja.render_layout(
            self.layout,
            {
                "slots": slots,
                "request": context.get("request"),
                "messages": context.get("messages", ()),
                "return_path": context.get("return_path", ""),
            },
            csrf_token=str(token) if token else "",
        )


@register.tag
def jinja_layout(parser: template.base.Parser, token: template.base.Token) -> JinjaLayoutNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% jinja_layout %} takes the name of a Jinja layout")
    nodelist = parser.parse(("endjinja_layout",))
    parser.delete_first_token()
    return JinjaLayoutNode(bits[1].strip("\"'"), nodelist)
