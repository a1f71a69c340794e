"""Bounded, printable text: the one check every free-text input passes before it is stored.

A text is refused when it is longer than its limit or holds a control character: NUL and the other C0
characters and DEL, except tab, and line breaks where the text may span lines (reasons, comments).
PostgreSQL refuses NUL in text columns and a ``varchar(n)`` longer than ``n``; SQLite stores both, so the
rule is checked here, the same on both databases. Services call :func:`check_text`; Django forms use
:class:`BoundedText` for the field error; :func:`printable` makes refused input safe to keep in a draft
and to show back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import FieldError

# Single-line text: no C0 control but tab, no DEL. Multi-line text also allows LF and CR.
_CONTROL_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CONTROL_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL = _CONTROL_LINES
# Limits of free-text columns without a max_length (TextField) and of a reason or comment.
LONG_TEXT = 4000


def text_problem(value: str, *, max_length: int, multiline: bool = False) -> Any:
    """Why ``value`` cannot be stored (a translatable message), or None."""
    if (_CONTROL_LINES if multiline else _CONTROL_LINE).search(value):
        return _("Không được chứa ký tự điều khiển (ký tự không in được).")
    if len(value) > max_length:
        return _("Không được quá %(n)s ký tự (đang có %(count)s).") % {"n": max_length, "count": len(value)}
    return None


def check_text(value: str, *, field: str, label: Any, max_length: int, multiline: bool = False) -> str:
    """``value`` if it can be stored, else FieldError ``text.invalid`` naming ``field``."""
    problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem is not None:
        raise FieldError(
            "text.invalid", _("%(label)s: %(problem)s"), field=field, label=label, problem=problem
        )
    return value


@deconstructible
class BoundedText:
    """Django validator with the same rule: ``validators=[BoundedText(200)]``."""

    def __init__(self, max_length: int, *, multiline: bool = False) -> None:
        self.max_length = max_length
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        problem = text_problem(str(value), max_length=self.max_length, multiline=self.multiline)
        if problem is not None:
            raise ValidationError(problem, code="text")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, BoundedText)
            and other.max_length == self.max_length
            and other.multiline == self.multiline
        )


def printable(raw: Any) -> Any:
    """``raw`` with each control character replaced by U+FFFD, to keep in a draft (PostgreSQL's jsonb
    refuses NUL) and to show back: the person sees where the refused character was."""
    if isinstance(raw, str):
        return _CONTROL.sub("\ufffd", raw)
    if isinstance(raw, Mapping):
        return {key: printable(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return [printable(value) for value in raw]
    return raw
