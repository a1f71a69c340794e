"""Template text rendered in a Jinja2 sandbox: data in, text out, nothing else reachable.

The context is plain data (dicts, lists, strings, numbers); a template may read keys and call the few
read-only methods listed below, never an attribute of an object, a file (no loader: no include, import or
extends) or a module. Undefined names fail loudly (StrictUndefined) so that a misspelt field is an error
the verifier reports, not a blank on a signed document. Values are escaped for the markup (markup.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from motcua.core.errors import DomainError

from .. import errors
from .markup import escape_value

# Bound on the text a template may produce (a loop cannot fill the worker's memory).
MAX_OUTPUT = 200_000

_MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
_STR_METHODS = frozenset({"upper", "lower", "title", "capitalize", "strip", "startswith", "endswith"})
_DATE_ATTRIBUTES = frozenset({"day", "month", "year"})


class DocumentEnvironment(SandboxedEnvironment):
    """Jinja2's sandbox narrowed to data: only mapping keys and a few pure str / dict methods."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, Mapping):
            return attr in _MAPPING_METHODS
        if isinstance(obj, str):
            return attr in _STR_METHODS
        if isinstance(obj, dt.date):
            return attr in _DATE_ATTRIBUTES
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Jinja2 hands out a sandboxed str.format / format_map before asking is_safe_attribute: not here.
        if isinstance(obj, str) and attribute not in _STR_METHODS:
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, str) and isinstance(argument, str) and argument not in _STR_METHODS:
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)


def _finalize(value: Any) -> str:
    if value is None:
        return ""
    return escape_value(str(value))


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def short_date(value: Any) -> str:
    """``{{ form.birth_date | short_date }}``: "05/01/2026" (the value unchanged when it is not a date)."""
    day = _as_date(value)
    return f"{day:%d/%m/%Y}" if day else str(value or "")


def long_date(value: Any) -> str:
    """``{{ form.birth_date | long_date }}``: "ngày 05 tháng 01 năm 2026" (Decree 30/2020 Annex I)."""
    from .context import date_text

    day = _as_date(value)
    return date_text(day) if day else str(value or "")


_ENV = DocumentEnvironment(
    loader=None,
    undefined=StrictUndefined,
    autoescape=False,
    finalize=_finalize,
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["short_date"] = short_date
_ENV.filters["long_date"] = long_date


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """Templates compiled once per process (the same few texts render every document)."""
    return _ENV.from_string(source)


def render_text(source: str, context: Mapping[str, Any], *, what: str) -> str:
    """The template text ``source`` filled with ``context``; DomainError (Vietnamese message) on error."""
    try:
        template = _compiled(source)
        parts: list[str] = []
        size = 0
        for chunk in template.generate(**dict(context)):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise DomainError(
                    errors.TEMPLATE_TOO_LONG,
                    _("Mẫu văn bản (%(what)s) tạo ra nội dung quá dài (hơn %(limit)s ký tự)."),
                    what=what,
                    limit=MAX_OUTPUT,
                )
            parts.append(chunk)
    except SecurityError as exc:
        raise DomainError(
            errors.TEMPLATE_UNSAFE,
            _("Mẫu văn bản (%(what)s) truy cập dữ liệu không được phép: %(detail)s."),
            what=what,
            detail=str(exc).rstrip("."),
        ) from exc
    except UndefinedError as exc:
        raise DomainError(
            errors.TEMPLATE_ERROR,
            _("Mẫu văn bản (%(what)s) dùng dữ liệu không có: %(detail)s."),
            what=what,
            detail=str(exc).rstrip("."),
        ) from exc
    except TemplateSyntaxError as exc:
        raise DomainError(
            errors.TEMPLATE_ERROR,
            _("Mẫu văn bản (%(what)s) sai cú pháp ở dòng %(line)s: %(detail)s."),
            what=what,
            line=exc.lineno,
            detail=(exc.message or "").rstrip("."),
        ) from exc
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        # TypeError covers "no loader" (include / import / extends: no file is reachable).
        raise DomainError(
            errors.TEMPLATE_ERROR,
            _("Mẫu văn bản (%(what)s) không điền được dữ liệu: %(detail)s."),
            what=what,
            detail=str(exc).rstrip("."),
        ) from exc
    return "".join(parts)
