"""Adapters by destination, from ``settings.MOTCUA_OUTBOX_ADAPTERS`` (Django-style, like DATABASES):

    {"national_portal": {"ADAPTER": "motcua.integrations.national_portal.adapter.NationalPortalAdapter",
                         "OPTIONS": {...}}}

One instance per destination and process (cached); adding an adapter needs no change to the dossier engine.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from motcua.outbox.adapters import Adapter

_lock = threading.Lock()
_cache: dict[str, Adapter | None] = {}


def configured_destinations() -> list[str]:
    """The destinations that have an adapter, in a stable order."""
    return sorted(settings.MOTCUA_OUTBOX_ADAPTERS)


def adapter_for(destination: str) -> Adapter | None:
    """The adapter instance of a destination, or None when none is configured."""
    with _lock:
        if destination not in _cache:
            config = settings.MOTCUA_OUTBOX_ADAPTERS.get(destination)
            _cache[destination] = _build(destination, config) if config else None
        return _cache[destination]


def is_ordered(destination: str) -> bool:
    """Whether a destination keeps per-stream order; a destination without an adapter counts as ordered."""
    adapter = adapter_for(destination)
    return adapter is None or adapter.ordered


def reset() -> None:
    """Close and forget every adapter (settings changed, worker stopping)."""
    with _lock:
        adapters = [adapter for adapter in _cache.values() if adapter is not None]
        _cache.clear()
    for adapter in adapters:
        adapter.close()


def _build(destination: str, config: dict) -> Adapter:
    try:
        cls = import_string(config["ADAPTER"])
    except (KeyError, ImportError) as exc:
        raise ImproperlyConfigured(f"MOTCUA_OUTBOX_ADAPTERS[{destination!r}]: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise ImproperlyConfigured(f"MOTCUA_OUTBOX_ADAPTERS[{destination!r}]: {cls!r} is not an Adapter")
    return cls(destination, dict(config.get("OPTIONS") or {}))


def _on_setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "MOTCUA_OUTBOX_ADAPTERS":
        reset()


setting_changed.connect(_on_setting_changed)
