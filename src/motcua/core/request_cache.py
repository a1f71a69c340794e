"""Values remembered for the length of one HTTP request or one service call (in this thread), then
forgotten.

For reads that a page or a service repeats and that nothing in the same unit of work changes, such as the
positions a user holds today or the working calendar's version. Outside a scope (commands, workers between
calls) nothing is remembered, so a long-lived process never sees stale rows. A scope opens when Django
signals a request start and closes when the response is finished; :func:`scope` opens one around a
service call when no request is open (and joins the request's otherwise).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_finished, request_started

_local = threading.local()


def remember[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per request for ``key``; every time outside a request."""
    values: dict[Hashable, Any] | None = getattr(_local, "values", None)
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[no-any-return]


def discard(key: Hashable) -> None:
    """Drop one remembered value (after a write that changes it)."""
    values = getattr(_local, "values", None)
    if values is not None:
        values.pop(key, None)


@contextmanager
def scope() -> Iterator[None]:
    """A unit of work (a service call): values are remembered until it ends; inside a request, the
    request's scope is used."""
    if getattr(_local, "values", None) is not None:
        yield
        return
    _local.values = {}
    try:
        yield
    finally:
        _local.values = None


def forget() -> None:
    """Drop what the current request remembered (after a write that changes it)."""
    values = getattr(_local, "values", None)
    if values is not None:
        values.clear()


def _open(**kwargs: Any) -> None:
    _local.values = {}


def _close(**kwargs: Any) -> None:
    _local.values = None


request_started.connect(_open, dispatch_uid="motcua_request_cache_open")
request_finished.connect(_close, dispatch_uid="motcua_request_cache_close")
