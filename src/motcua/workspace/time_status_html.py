"""The deadline status in words and a symbol (``workspace/_time_status.html``) as the inbox and the dossier
page write it: the partial depends on the status and the language only, so it is rendered once per (status,
language) in a process, not once per row or page (issue 13). Not a page cache: no dossier data is kept."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from motcua.dossiers.status import TimeStatus

_rendered: dict[tuple[TimeStatus | None, str | None], SafeString] = {}


def time_status_html(status: TimeStatus | None) -> SafeString:
    """``{% include "workspace/_time_status.html" with status=status %}`` in the active language."""
    key = (status, get_language())
    found = _rendered.get(key)
    if found is None:
        found = _rendered[key] = render_to_string("workspace/_time_status.html", {"status": status})
    return found


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N", "TEMPLATES", "INSTALLED_APPS"}:
        _rendered.clear()
