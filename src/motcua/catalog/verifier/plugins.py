"""Checks of a version contributed by apps above the catalog (``settings.MOTCUA_CATALOG_CHECKS``).

The catalog sits below the apps that read it (layers in pyproject.toml), so it cannot import them: an app
that gives meaning to part of a version (e.g. ``registries``: the ``x-registry`` mapping of e-form fields)
names its check, ``check(add, version)``, in the setting, as Django names authentication backends."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .report import AddFinding
from .versions import VersionRow

VersionCheck = Callable[[AddFinding, VersionRow], None]


def extra_checks() -> tuple[VersionCheck, ...]:
    return _load(tuple(getattr(settings, "MOTCUA_CATALOG_CHECKS", ())))


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[VersionCheck, ...]:
    return tuple(import_string(path) for path in paths)
