"""Values remembered for the length of one HTTP request (in this thread), then forgotten.

For reads that a page repeats many times and that nothing in the same request changes, such as the
positions a user holds today. Outside a request (commands, workers, services called directly) nothing is
remembered, so a long-lived process never sees stale rows. The scope opens when Django signals a request
start and closes when the response is finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
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
