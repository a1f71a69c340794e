"""The Jinja2 environment of the layouts and of the hottest page bodies (issue 13): Jinja compiles a template
to Python code, where Django's engine walks a node tree and resolves every variable at run time.

The layouts are Jinja, one copy each: ``jinja2/layout.html`` and ``workspace/jinja2/workspace/layout.html``.
Jinja pages (the officer's dossier page and inbox) extend them (``render_page``); Django pages still extend
``base.html`` / ``workspace/base.html``, which hand their blocks to the Jinja layout
(``{% jinja_layout %}``, ``motcua.core.templatetags.site_chrome``). What a Jinja template writes is what
Django's tags and filters would have written:

- ``{{ _("literal") }}`` is ``{% translate "literal" %}`` (escaped as Django escapes it), and
  ``{{ _("… %(x)s …")|fmt(x=…) }}`` is ``{% blocktranslate with x=… %}`` (the translation as written, the
  values escaped). Django's ``makemessages`` finds both (it reads ``_("…")`` in any template it lexes), so
  the catalogue keeps them; a plural form is chosen in the view (``ngettext``);
- ``url``, ``fixed_url``, ``optional_url``, ``static``, ``language_choices``, ``include_django`` (a partial
  Django pages share), ``csrf_input`` (one token a page), and what apps add to ``GLOBALS``;
- the filters ``date`` (in the current time zone), ``capfirst``, ``truncatechars``, ``filesizeformat``,
  ``floatformat``, ``linebreaksbr``, ``dash`` (``|default:"—"``) and ``join_escaped`` (``|join:…``);
- a missing attribute, even of a missing one, renders as "" (``ChainableUndefined``), as in Django.

Translated literals cost nothing at render: a page is compiled once per language (``for_language``: an
overlay of the backend's environment with ``CompiledTranslations``), where ``{{ _("literal") }}`` becomes the
escaped translation as template text and ``_("literal")|fmt(…)`` the translation as a string constant; any
other use of ``_`` stays a call at render. The output is the same as the plain environment's (a test renders
both).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import TemplateSyntaxError as DjangoTemplateSyntaxError
from django.template import defaultfilters, engines
from django.template.backends.jinja2 import Template as BackendTemplate
from django.template.backends.jinja2 import get_exception_info
from django.template.loader import render_to_string
from django.templatetags.static import static as django_static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.urls.converters import get_converters
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.html import escape as django_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import override as override_language
from jinja2 import ChainableUndefined, Environment, TemplateNotFound, TemplateSyntaxError, pass_eval_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.nodes import EvalContext
from markupsafe import Markup

from motcua.core.templatetags.site_chrome import fixed_url, language_choices

ENGINE = "jinja2"


class Translation(str):
    """A translated literal: written as is by ``|fmt`` (``{% blocktranslate %}``), escaped once when written
    alone (``{% translate %}``: Jinja asks ``__html__``)."""

    _html: str

    def __html__(self) -> str:
        return self._html


# language -> (literal -> its translation): gettext through the thread-local language costs ~2 µs a call.
_translations: dict[str | None, dict[str, Translation]] = {}


def translator(language: str | None) -> Callable[[str], Translation]:
    """``_`` of a page rendered in ``language``: ``gettext`` of a literal, remembered."""
    known = _translations.setdefault(language, {})

    def translate(message: str) -> Translation:
        found = known.get(message)
        if found is None:
            found = Translation(gettext(message))
            found._html = django_escape(str(found))  # as {% translate %} writes it
            known[message] = found
        return found

    return translate


def translate(message: str) -> Translation:
    """``gettext`` of a literal in the active language, remembered (``_`` when no view bound it)."""
    return translator(get_language())(message)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N", "TEMPLATES", "INSTALLED_APPS"}:
        _translations.clear()
        _by_language.clear()


class CompiledTranslations(Extension):
    """Translated literals resolved when a template is compiled for one language (``for_language``): the
    tokens ``{{ _("literal") }}`` become template text, the translation escaped as ``{% translate %}``
    writes it; ``_("literal")`` followed by ``|fmt`` becomes the translation as a string (``fmt`` writes it
    as is)."""

    def filter_stream(self, stream: TokenStream) -> Any:
        language = getattr(self.environment, "motcua_language", None)
        if language is None:
            yield from stream
            return
        window: list[Token] = []
        for token in stream:
            window.append(token)
            if len(window) > 6:
                yield window.pop(0)
            if len(window) == 6 and _is_output_literal(window):
                text = _translated(language, window[3].value)
                yield Token(window[0].lineno, "data", text._html)
                window.clear()
            elif len(window) >= 6 and _is_fmt_literal(window[-6:]):
                # the last six: name "_" ( string ) | — keep what precedes, replace the call by its text
                head, call = window[:-6], window[-6:]
                yield from head
                text = _translated(language, call[2].value)
                yield Token(call[0].lineno, "string", str(text))
                window = call[4:]
        yield from window


def _is_output_literal(tokens: list[Token]) -> bool:
    """``{{ _("literal") }}``: variable_begin, name _, (, string, ), variable_end."""
    return (
        tokens[0].type == "variable_begin"
        and tokens[1].type == "name"
        and tokens[1].value == "_"
        and tokens[2].type == "lparen"
        and tokens[3].type == "string"
        and tokens[4].type == "rparen"
        and tokens[5].type == "variable_end"
    )


def _is_fmt_literal(tokens: list[Token]) -> bool:
    """``_("literal")|``: name _, (, string, ), pipe — the start of ``_("literal")|fmt(…)``; the filter's
    name is checked by the caller's next token."""
    return (
        tokens[0].type == "name"
        and tokens[0].value == "_"
        and tokens[1].type == "lparen"
        and tokens[2].type == "string"
        and tokens[3].type == "rparen"
        and tokens[4].type == "pipe"
        and tokens[5].type == "name"
        and tokens[5].value == "fmt"
    )


def _translated(language: str, message: str) -> Translation:
    with override_language(language):
        return translator(language)(message)


# (backend environment, language) -> the overlay whose templates carry that language's literals.
_by_language: dict[tuple[int, str], Environment] = {}


def for_language(language: str | None) -> Environment:
    """The Jinja environment of the ``jinja2`` backend, its templates compiled for ``language``."""
    env: Environment = engines[ENGINE].env  # type: ignore[attr-defined]
    if language is None:
        return env
    key = (id(env), language)
    found = _by_language.get(key)
    if found is None:
        # its own cache (an overlay copies the backend's, whose templates were compiled without the extension)
        found = env.overlay(extensions=[CompiledTranslations], cache_size=400)
        found.motcua_language = language  # type: ignore[attr-defined]
        _by_language[key] = found
    return found


def fmt(translation: str, **values: Any) -> Markup:
    """``{% blocktranslate with … %}``: the translation as written (not escaped), each value escaped and
    localized as Django renders a variable."""
    return Markup(str(translation)) % {name: _value(value) for name, value in values.items()}


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return conditional_escape(localize(timezone.template_localtime(value)))  # type: ignore[attr-defined]


def date(value: Any, format: str = "H:i d/m/Y") -> str:
    """Django's ``|date:format`` (the value in the current time zone); the workspace's two formats without
    Django's format parser. An aware ``datetime`` is moved to the current time zone directly (what
    ``template_localtime`` does for it, without its four calls: a dossier page shows ~15 dates)."""
    if value is None or value == "":
        return ""
    if type(value) is dt.datetime and value.tzinfo is not None and settings.USE_TZ:
        value = value.astimezone(timezone.get_current_timezone())
        if format == "H:i d/m/Y":
            return f"{value.hour:02d}:{value.minute:02d} {value.day:02d}/{value.month:02d}/{value.year:04d}"
    elif isinstance(value, dt.datetime):
        value = timezone.template_localtime(value)  # type: ignore[attr-defined]
        if format == "H:i d/m/Y":
            return f"{value.hour:02d}:{value.minute:02d} {value.day:02d}/{value.month:02d}/{value.year:04d}"
    if format == "d/m/Y" and isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return defaultfilters.date(value, format)


def dash(value: Any) -> Any:
    """``|default:"—"``."""
    return value if value else "—"


@pass_eval_context
def linebreaksbr(context: EvalContext, value: Any) -> str:
    return defaultfilters.linebreaksbr(value, autoescape=context.autoescape)


@pass_eval_context
def join_escaped(context: EvalContext, value: Any, separator: str) -> str:
    return defaultfilters.join(value, separator, autoescape=context.autoescape)


def url(name: str, *args: Any) -> str:
    """``reverse(name, args=args)``; a route's URL built from its literal parts, worked out once per process
    (``_url_plan``), when every argument is a text its converter is known to take (a page builds one per
    row: the dossier page's slips, documents and results). Anything else goes through ``reverse``."""
    key = (get_urlconf(), get_script_prefix(), get_language(), name, len(args))
    try:
        plan = _url_plans[key]
    except KeyError:
        if len(_url_plans) >= 1000:
            _url_plans.clear()
        plan = _url_plans[key] = _url_plan(name, len(args))
    if plan is not None:
        parts, checks = plan
        texts = [str(arg) for arg in args]
        if all(check(text) is not None for check, text in zip(checks, texts, strict=True)):
            built = [parts[0]]
            for text, part in zip(texts, parts[1:], strict=True):
                built += (text, part)
            return "".join(built)
    return reverse(name, args=args)


# (URLconf, script prefix, language, route name, number of arguments) -> the route's literal parts and, per
# argument, the texts it is known to take; None: always ``reverse``.
_url_plans: dict[tuple[Any, ...], tuple[list[str], list[Callable[[str], Any]]] | None] = {}
# The texts a route's argument is probed with, narrowest first, and what each shows the argument takes (with
# Django's own converters: int takes digits, slug adds letters, "-" and "_", str and path take them all). A
# text of these characters is never changed by ``reverse``'s quoting.
_PROBES = (
    ("4{}7", re.compile(r"[0-9]+").fullmatch),
    ("Zq{}x-_", re.compile(r"[-A-Za-z0-9_]+").fullmatch),
    ("Zq.{}x~", re.compile(r"[-A-Za-z0-9_.~]+").fullmatch),
)
_BUILTIN_CONVERTERS = frozenset({"int", "path", "slug", "str", "uuid"})


def _url_plan(name: str, count: int) -> tuple[list[str], list[Callable[[str], Any]]] | None:
    """The literal parts of the URL ``reverse(name, args=…)`` gives with ``count`` arguments, and for each
    argument the widest probe class it took; None when the route takes no digits for an argument, when a
    wider probe lands on another route, or when a converter other than Django's own is registered (its
    texts cannot be inferred from probes)."""
    if not set(get_converters()) <= _BUILTIN_CONVERTERS:
        return None
    markers = [_PROBES[0][0].format(9000 + n) for n in range(count)]

    def reversed_with(n: int | None, text: str) -> str | None:
        args = [text if i == n else marker for i, marker in enumerate(markers)]
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    found = reversed_with(None, "")
    if found is None:
        return None
    parts, rest = [], found
    for marker in markers:
        if rest.count(marker) != 1:
            return None
        head, rest = rest.split(marker)
        parts.append(head)
    parts.append(rest)
    checks: list[Callable[[str], Any]] = []
    for n in range(count):
        check = _PROBES[0][1]
        for probe, wider in _PROBES[1:]:
            text = probe.format(n)
            expected = "".join(p + (text if i == n else markers[i]) for i, p in enumerate(parts[:-1]))
            if reversed_with(n, text) != expected + parts[-1]:
                break
            check = wider
        checks.append(check)
    return parts, checks


@receiver(setting_changed)
def _forget_url_plans(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGES", "LANGUAGE_CODE", "INSTALLED_APPS"}:
        _url_plans.clear()


# (script prefix, path) -> its URL: what the static files storage answers for a path does not change while
# the process runs (the manifest is read once; without one the URL is STATIC_URL + path), but a relative
# STATIC_URL takes the request's script prefix.
_static_urls: dict[tuple[str, str], str] = {}


def static(path: str) -> str:
    """``{% static path %}``, remembered per script prefix and path (each page's layout asks for its style
    sheets, ~50 µs each through the storage)."""
    key = (get_script_prefix(), path)
    found = _static_urls.get(key)
    if found is None:
        if len(_static_urls) >= 1000:
            _static_urls.clear()
        found = _static_urls[key] = django_static(path)
    return found


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT", "STATICFILES_DIRS", "INSTALLED_APPS", "DEBUG"}:
        _static_urls.clear()


def optional_url(name: str) -> str:
    """``{% url name as var %}``: "" when the route is not installed."""
    try:
        return fixed_url(name)
    except NoReverseMatch:
        return ""


# Functions that apps above this one offer the layouts (added by an app's ``ready()``).
GLOBALS: dict[str, Callable[..., Any]] = {}


def include_django(template_name: str, **context: Any) -> Markup:
    """A partial that Django pages share, rendered by Django (one copy of it)."""
    return Markup(render_to_string(template_name, context))


def environment(**options: Any) -> Environment:
    """The environment of the ``jinja2`` backend (settings.TEMPLATES)."""
    options["undefined"] = ChainableUndefined  # Django's backend sets Undefined: "" for a.b.c as Django
    env = Environment(**options)
    env.globals.update(
        {
            "_": translate,
            "url": url,
            "static": static,
            "include_django": include_django,
            "fixed_url": fixed_url,
            "optional_url": optional_url,
            "language_choices": language_choices,
            **GLOBALS,
        }
    )
    env.filters.update(
        {
            "fmt": fmt,
            "date": date,
            "dash": dash,
            "capfirst": defaultfilters.capfirst,
            "truncatechars": defaultfilters.truncatechars,
            "filesizeformat": defaultfilters.filesizeformat,
            "floatformat": defaultfilters.floatformat,
            "linebreaksbr": linebreaksbr,
            "join_escaped": join_escaped,
        }
    )
    return env


def render_layout(template_name: str, context: dict[str, Any], *, csrf_token: str) -> SafeString:
    """The Jinja ``template_name`` (a layout, or a page that extends one) with what the layout shows: the
    page's language and its switch, the messages, one CSRF token for every form of the page, ``_`` bound to
    the page's language."""
    language = get_language()
    context.setdefault("slots", {})
    context.update(
        {
            "LANGUAGE_CODE": language,
            "_": translator(language),
            "csrf_input": (
                format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
                if csrf_token and csrf_token != "NOTPROVIDED"
                else ""
            ),
        }
    )
    return mark_safe(_template(template_name, language).render(context))


# Switched off by the test that compares the compiled pages with the plain environment's.
COMPILE_TRANSLATIONS = True


def _template(template_name: str, language: str | None) -> Any:
    if not COMPILE_TRANSLATIONS:
        return engines[ENGINE].get_template(template_name)
    backend = engines[ENGINE]
    try:
        return BackendTemplate(for_language(language).get_template(template_name), backend)  # type: ignore[arg-type]
    except TemplateNotFound:  # as the backend reports it
        return backend.get_template(template_name)
    except TemplateSyntaxError as exc:
        error = DjangoTemplateSyntaxError(exc.args)
        error.template_debug = get_exception_info(exc)  # type: ignore[attr-defined, arg-type]
        raise error from exc


def render_page(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """A Jinja page (it extends a Jinja layout) as Django's ``render`` answers it."""
    context.update({"request": request, "messages": get_messages(request)})
    return HttpResponse(render_layout(template_name, context, csrf_token=get_token(request)), status=status)
