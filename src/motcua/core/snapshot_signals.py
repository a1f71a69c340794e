"""A model of a snapshot domain saved or deleted in this process drops the tokens the current request or
service call read (``core.snapshots``), so that what it reads next reflects its own change (the database
triggers drew the new token; this only makes the process read it)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from motcua.core import snapshot_triggers, snapshots


def _changed(**kwargs: Any) -> None:
    snapshots.changed()


def _account_changed(update_fields: Any = None, **kwargs: Any) -> None:
    # Only ``is_active`` matters to a domain (positions); a log-in saves ``last_login`` alone.
    if update_fields is None or snapshot_triggers.ACCOUNT_COLUMN in update_fields:
        snapshots.changed()


def connect() -> None:
    for model in apps.get_models(include_auto_created=True):
        if snapshot_triggers.domain_of(f"{model._meta.app_label}_") is None:
            continue
        uid = f"core_snapshot_{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
        m2m_changed.connect(_changed, sender=model, dispatch_uid=uid)
    account = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(_account_changed, sender=account, dispatch_uid="core_snapshot_account")
    post_delete.connect(_changed, sender=account, dispatch_uid="core_snapshot_account")
