"""``request.user`` and its second factor from the session row: Django's AuthenticationMiddleware and
django-otp's OTPMiddleware in one, without their queries.

The session store (motcua.accounts.session_store) reads the session with its account, staff record and
TOTP device in one query. This middleware gives ``request.user`` from that row with the checks of
``django.contrib.auth.get_user`` (the backend named in the session, the backend's rule for inactive
accounts, the session auth hash compared in constant time, with the fallback secrets) and sets
``user.otp_device`` and ``user.is_verified()`` as django-otp does (the device must belong to the user and be
confirmed; otherwise it is forgotten from the session). When the row cannot answer (another backend,
another kind of device such as backup codes, a session store without a row), the usual lookups run: one
query more, same answer.
"""

from __future__ import annotations

import functools
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from motcua.accounts.session_store import SessionStore, normalized_device_id, totp_device_persistent_id

# The row does not answer: ask the backend or django-otp.
_UNKNOWN: Any = object()


class SessionUserMiddleware(AuthenticationMiddleware):
    """In place of AuthenticationMiddleware + OTPMiddleware: a lazy ``request.user`` (and ``request.auser``)
    verified as they verify it, read from the session row. A subclass, so that the admin's check that
    authentication is installed (admin.E408) knows it."""

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):
            raise ImproperlyConfigured(
                "SessionUserMiddleware needs SessionMiddleware before it in MIDDLEWARE."
            )
        request.user = SimpleLazyObject(functools.partial(request_user, request))  # type: ignore[assignment]
        request.auser = functools.partial(sync_to_async(request_user), request)  # type: ignore[attr-defined]


def request_user(request: HttpRequest) -> Any:
    """The request's user, worked out once per request."""
    if not hasattr(request, "_motcua_user"):
        request._motcua_user = with_second_factor(request, session_user(request))  # type: ignore[attr-defined]
    return request._motcua_user  # type: ignore[attr-defined]


def _row(request: HttpRequest) -> Any:
    session = request.session
    return session.row if isinstance(session, SessionStore) else None


def session_user(request: HttpRequest) -> Any:
    """``django.contrib.auth.get_user(request)``, the account taken from the session row when it is there."""
    session = request.session
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])  # type: ignore[union-attr]
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    user = _account_from_row(request, backend, user_id)
    if user is _UNKNOWN:
        user = backend.get_user(user_id)
    if user is not None and hasattr(user, "get_session_auth_hash") and not _hash_verified(request, user):
        session.flush()
        user = None
    return user or AnonymousUser()


def _account_from_row(request: HttpRequest, backend: Any, user_id: Any) -> Any:
    """What ``backend.get_user(user_id)`` would return, from the row; _UNKNOWN when the row cannot say."""
    row = _row(request)
    if row is None or row.user_id != user_id:
        return _UNKNOWN
    # Only ModelBackend's own get_user is known: the account by id, refused when the backend's
    # user_can_authenticate says so (inactive accounts, unless the backend allows them).
    if not isinstance(backend, ModelBackend) or type(backend).get_user is not ModelBackend.get_user:
        return _UNKNOWN
    user = row.user  # None: the account no longer exists
    return user if user is not None and backend.user_can_authenticate(user) else None


def _hash_verified(request: HttpRequest, user: Any) -> bool:
    """The session auth hash check of ``get_user``: a password change ends the other sessions; a hash made
    with a fallback secret is renewed (with a new session key)."""
    session = request.session
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    session_auth_hash = user.get_session_auth_hash()
    if constant_time_compare(session_hash, session_auth_hash):
        return True
    if any(
        constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = session_auth_hash
        return True
    return False


def with_second_factor(request: HttpRequest, user: Any) -> Any:
    """``user`` with ``otp_device`` and ``is_verified()`` as django-otp's OTPMiddleware sets them."""
    user.otp_device = None
    user.is_verified = functools.partial(is_verified, user)
    if user.is_authenticated:
        session = request.session
        persistent_id = session.get(DEVICE_ID_SESSION_KEY)
        device = _device(request, persistent_id) if persistent_id else None
        if device is not None and (device.user_id != user.pk or not device.confirmed):
            device = None
        if device is None and DEVICE_ID_SESSION_KEY in session:
            del session[DEVICE_ID_SESSION_KEY]
        user.otp_device = device
    return user


def _device(request: HttpRequest, persistent_id: str) -> Device | None:
    persistent_id = normalized_device_id(persistent_id)
    row = _row(request)
    if (
        row is not None
        and row.totp_device_id is not None
        and persistent_id == totp_device_persistent_id(row.totp_device_id)
    ):
        return row.totp_device  # type: ignore[no-any-return]  # None: the device no longer exists
    # Backup codes (static devices) or a row out of step: django-otp's own lookup.
    return Device.from_persistent_id(persistent_id)  # type: ignore[no-any-return]
