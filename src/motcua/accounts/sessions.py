"""How long a login lasts: officers for a working day (and optionally until they are idle), citizens less.

The expiry is set once, at login (``user_logged_in``), as an absolute time, so that using the workspace all
day long does not extend it; the optional idle limit is checked by ``IdleStaffSessionMiddleware``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from motcua.org.selectors import staff_of

STAFF_SESSION = "motcua_staff_session"
LAST_SEEN = "motcua_last_seen"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


def is_staff_account(user: Any) -> bool:
    """An officer or an administrator, as opposed to a citizen logged in with the e-ID."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return staff_of(user=user) is not None


@receiver(user_logged_in, dispatch_uid="motcua.accounts.sessions.limit_session")
def limit_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    if is_staff_account(user):
        hours = settings.MOTCUA_STAFF_SESSION_HOURS
        request.session[STAFF_SESSION] = True
        request.session[LAST_SEEN] = int(now.timestamp())
    else:
        hours = settings.MOTCUA_CITIZEN_SESSION_HOURS
        request.session.pop(STAFF_SESSION, None)
    request.session.set_expiry(now + dt.timedelta(hours=hours))


class IdleStaffSessionMiddleware:
    """Log an officer out after ``MOTCUA_STAFF_IDLE_MINUTES`` without a request (0: no idle limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        idle_minutes = settings.MOTCUA_STAFF_IDLE_MINUTES
        session = request.session
        if idle_minutes > 0 and session.get(STAFF_SESSION):
            now = int(timezone.now().timestamp())
            last_seen = int(session.get(LAST_SEEN, now))
            if now - last_seen > idle_minutes * 60:
                logout(request)
            elif now - last_seen >= SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)
