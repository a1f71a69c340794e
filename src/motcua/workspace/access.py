"""Who may enter the officer workspace: a staff member with a password and a verified second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from motcua.org.selectors import staff_of


def is_officer(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "is_verified", lambda: False)()
        and staff_of(user=user) is not None
    )


def officer_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send anyone without a verified staff session to the workspace login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_officer(request.user):
            login = reverse("workspace:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
