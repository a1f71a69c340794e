"""Opaque, signed cursors for keyset pages of the inbox.

A cursor names a place in the inbox order (``selectors.InboxKey``), the direction to read from it and the
page number to show. It is signed with the site's secret key, so a cursor that was edited by hand is
refused instead of being turned into a query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers.selectors import InboxKey

SALT = "motcua.workspace.inbox"
PAGE_SIZE = 25  # dossiers on an inbox page
COUNT_CAP = 1000  # the inbox counts up to this many, then says "more than"


@dataclass(frozen=True)
class Cursor:
    key: InboxKey
    forward: bool  # True: the page after ``key``; False: the page before it
    number: int  # the page number the cursor leads to, for display


def encode(cursor: Cursor) -> str:
    deadline, submitted_at, pk = cursor.key
    payload = {
        "k": [deadline.isoformat() if deadline else None, submitted_at.isoformat(), pk],
        "f": cursor.forward,
        "n": cursor.number,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def _bad_cursor() -> DomainError:
    return DomainError(
        "inbox.bad_cursor",
        _("Liên kết phân trang không hợp lệ (có thể đã bị sửa). Đang hiển thị trang đầu của danh sách."),
    )


def decode(token: str) -> Cursor:
    """The cursor in ``token``; DomainError ``inbox.bad_cursor`` when it was not made here or is malformed."""
    try:
        payload: Any = signing.loads(token, salt=SALT)
        deadline, submitted_at, pk = payload["k"]
        key: InboxKey = (
            dt.datetime.fromisoformat(deadline) if deadline is not None else None,
            dt.datetime.fromisoformat(submitted_at),
            int(pk),
        )
        return Cursor(key=key, forward=bool(payload["f"]), number=max(int(payload["n"]), 1))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise _bad_cursor() from error
