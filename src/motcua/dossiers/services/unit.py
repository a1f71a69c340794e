"""One transaction per intention: a service called by another service joins its caller's transaction.

The outermost service opens the transaction (BEGIN/COMMIT, or a savepoint inside a caller's own atomic block,
as under a test); a service it calls (``receive_and_decide`` → ``receive_at_counter`` → ``accept``) joins it
without a savepoint of its own. That is safe because no service catches another service's error and goes on
in the same transaction: an error anywhere rolls the whole intention back. A block that does catch an error
and go on (the idempotency race of a submission) keeps its own ``transaction.atomic()`` savepoint, and drops
the events it held back if it rolls back (``events.mark`` / ``events.forget_since``).

The events of the intention and their outbox messages are held back and written at its end, still inside
its transaction: one INSERT for the events, one for the messages (``events.held``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.db import transaction

from motcua.dossiers import events

_local = threading.local()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The transaction of one service call: opened by the outermost service, joined by the ones it calls."""
    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    try:
        if depth:
            with transaction.atomic(savepoint=False):
                yield
        else:
            # The events of the whole intention are written at its end, inside its transaction.
            with transaction.atomic(), events.held():
                yield
    finally:
        _local.depth = depth


def service[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of ``unit_of_work`` for a service function."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapper
