"""Who may enter the officer workspace: a staff member with a password and a verified second factor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from motcua.dossiers import access
from motcua.org.selectors import staff_of


def is_officer(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "is_verified", lambda: False)()
        and staff_of(user=user) is not None
    )


def unwrapped(user: Any) -> Any:
    """The account behind the middleware's lazy ``request.user``, once it has been read: a page asks the
    access policy about it a hundred times, and each attribute read through the lazy proxy costs a call."""
    if isinstance(user, LazyObject):
        wrapped = user._wrapped
        if wrapped is not empty:
            return wrapped
    return user


def request_actor(request: HttpRequest, on: dt.date | None = None) -> access.Actor:
    """The signed-in user's positions on ``on`` (today), read once per request: the menu, the page's check
    and the dossier page ask the one access policy ~20 questions, each ``access.actor`` a look-up through the
    organization's snapshot. The rules stay in ``dossiers.access``; only the reading is shared."""
    on = on or timezone.localdate()
    found: access.Actor | None = getattr(request, "_motcua_actor", None)
    if found is None or found.on != on or found.user is not request.user:  # another day, another account
        found = access.actor(request.user, on)
        request._motcua_actor = found  # type: ignore[attr-defined]
    return found


def officer_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send anyone without a verified staff session to the workspace login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_officer(request.user):
            login = reverse("workspace:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        request.user = unwrapped(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def page_required(page: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """The page's own check of the one access policy (``dossiers.access.may_open``, which the menu asks too),
    after ``officer_required``: 403 with the reason, or 404 for the audit of lookups (whose existence is not
    shown to others)."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not access.may_open(request_actor(request), page):
                if page == access.Page.FLAGGED_LOOKUPS:
                    raise Http404
                message = _("Trang này không dành cho chức danh của bạn.")
                return render(request, "workspace/page_refused.html", {"message": message}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
