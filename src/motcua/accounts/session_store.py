"""Database sessions read with their account in one query (``SESSION_ENGINE``).

Django's database store, on our own table (``accounts.Session``): each save writes, beside the data, the
logged-in account's id and the id of the TOTP device django-otp persisted; each load reads the row joined to
that account, its staff record and agency, and the device, and keeps the row for
``motcua.accounts.session_auth``, which gives ``request.user`` from it without another query.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core import prepared, snapshots

if TYPE_CHECKING:
    from motcua.accounts.models import Session

# What a request needs about its user before the view starts: the account, the officer's staff record and
# agency, and the authenticator device that verified the session.
JOINED = ("user", "user__staff", "user__staff__agency", "totp_device")
# The values a session's lookup is compiled with (``_get_session_from_db``), replaced at each run.
_KEY = "\x1fmotcua-session-key\x1f"
_NOW = dt.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)
_compiled: dict[str, prepared.CompiledQuery] = {}
# The annotation that carries the snapshots' tokens (``core.snapshots.prime``).
_TOKENS = "motcua_snapshot_tokens"


def normalized_device_id(persistent_id: str) -> str:
    """django-otp's persisted device id, legacy full import paths shortened as its middleware does."""
    if persistent_id.count(".") > 1:
        parts = persistent_id.split(".")
        return ".".join((parts[-3], parts[-1]))
    return persistent_id


def totp_device_persistent_id(device_id: int) -> str:
    return f"{TOTPDevice.model_label()}/{device_id}"


def user_id_in(data: dict[str, Any]) -> Any:
    """The logged-in account's id in session ``data`` (None when nobody or not a valid id)."""
    value = data.get(SESSION_KEY)
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)  # type: ignore[union-attr]
    except ValidationError:
        return None


def totp_device_id_in(data: dict[str, Any]) -> int | None:
    """The id of the TOTP device persisted in session ``data`` (None for none or a device of another kind)."""
    persistent_id = data.get(DEVICE_ID_SESSION_KEY)
    if not isinstance(persistent_id, str):
        return None
    label, _, device_id = normalized_device_id(persistent_id).rpartition("/")
    if label != TOTPDevice.model_label() or not device_id.isdigit():
        return None
    return int(device_id)


class SessionStore(db.SessionStore):
    """Django's database session store on ``accounts.Session``, its account read in the same query."""

    # The row of the last load, with JOINED (None before a load, after a flush, or when there was no row).
    row: Session | None = None

    @classmethod
    def get_model_class(cls) -> Any:
        from motcua.accounts.models import Session

        return Session

    def _get_session_from_db(self) -> Session | None:
        # Django's own lookup (expired rows are not sessions) with the account joined; its SQL compiled once
        # per process and database, prepared on PostgreSQL (core.prepared).
        using = router.db_for_read(self.model)
        query = _compiled.get(using)
        if query is None:
            queryset = self.model.objects.select_related(*JOINED).filter(
                session_key=_KEY, expire_date__gt=_NOW
            )
            column = snapshots.tokens_column(connections[using].vendor) if using == DEFAULT_DB_ALIAS else None
            if column is not None:  # the snapshots' tokens with it: one round trip fewer per request
                queryset = queryset.annotate(**{_TOKENS: column})
            query = _compiled[using] = prepared.compile_queryset(
                queryset,
                {
                    "key": (_KEY, self.model._meta.get_field("session_key")),
                    "now": (_NOW, self.model._meta.get_field("expire_date")),
                },
                using,
            )
        try:
            found = prepared.first(query, using, key=self.session_key, now=timezone.now())
        except SuspiciousOperation as e:
            logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            found = None
        if found is None:
            self._session_key = None
            self.row = None
        else:
            self.row = cast("Session", found[0])
            if _TOKENS in found[1]:
                snapshots.prime(found[1][_TOKENS])
        return self.row

    def clear(self) -> None:
        super().clear()
        self.row = None

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        return self._with_account(super().create_model_instance(data), data)

    async def acreate_model_instance(self, data: dict[str, Any]) -> Session:
        return self._with_account(await super().acreate_model_instance(data), data)

    @staticmethod
    def _with_account(instance: Any, data: dict[str, Any]) -> Session:
        # Kept in step with the data on every save, so a load can join them.
        row = cast("Session", instance)
        row.user_id = user_id_in(data)
        row.totp_device_id = totp_device_id_in(data)
        return row

    def delete(self, session_key: str | None = None) -> None:
        # One DELETE instead of Django's SELECT then DELETE (logout, flush, cycle_key).
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=session_key).delete()
