"""The labels of a choices class (``TextChoices``, ``IntegerChoices``) translated once per language.

``str(Role.LEADER.label)`` is a ``gettext`` through the active language each time (a lazy label: several
calls and a thread-local read); a page shows dozens (the route's roles, the timeline's actions, the
header's positions). ``label(Role, value)`` reads a table made once per class and language.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.db.models import Choices
from django.dispatch import receiver
from django.utils.translation import get_language

# (choices class, language) -> value -> its label translated
_tables: dict[tuple[type[Choices], str | None], dict[Any, str]] = {}


def labels(choices: type[Choices]) -> dict[Any, str]:
    """Every value of ``choices`` (and its members, which compare and hash as their values) with its label in
    the active language."""
    key = (choices, get_language())
    table = _tables.get(key)
    if table is None:
        table = _tables[key] = {value: str(text) for value, text in choices.choices}
    return table


def label(choices: type[Choices], value: Any, default: Any = None) -> Any:
    """The label of ``value`` in the active language; ``default`` (the value itself when not given) when it
    is not one of the class's values."""
    return labels(choices).get(value, value if default is None else default)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N", "INSTALLED_APPS"}:
        _tables.clear()
