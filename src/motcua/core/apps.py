from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from motcua.core import snapshot_signals

        snapshot_signals.connect()
        post_migrate.connect(_snapshot_triggers, sender=self, dispatch_uid="core_snapshot_triggers")


def _snapshot_triggers(using: str, **kwargs: Any) -> None:
    """After every ``migrate``: triggers on tables added or rebuilt since, and new tokens everywhere."""
    from django.db import connections

    from motcua.core import snapshot_triggers, snapshots

    connection = connections[using]
    if snapshot_triggers.VERSION_TABLE not in connection.introspection.table_names():
        return
    snapshot_triggers.install(connection)
    snapshot_triggers.bump_all(connection, snapshots.DOMAINS)
