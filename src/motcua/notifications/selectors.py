"""Reads of notifications: the citizen's in-portal list (their own only) and its unread count."""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models import QuerySet

from motcua.core import prepared
from motcua.notifications.constants import Channel
from motcua.notifications.models import ContactConfirmation, Notification

# Stand-ins for the citizen's and the dossier's ids while the dossier page's query is compiled; the real ids
# replace them at each run.
_CITIZEN = -7_919_000_101
_DOSSIER = -7_919_000_102
# The dossier page's query by database, compiled once per process (``core.prepared``).
_dossier_queries: dict[str, prepared.CompiledQuery] = {}


def notifications_of_dossier(*, citizen: Any, dossier: Any) -> list[Notification]:
    """What the citizen was told about one dossier, newest first, at most 20: the citizen's dossier page reads
    it on every view, so the query is compiled once per process and prepared on PostgreSQL."""
    using = router.db_for_read(Notification)
    query = _dossier_queries.get(using)
    if query is None:
        query = _dossier_queries[using] = prepared.compile_queryset(
            notifications_of(citizen=_CITIZEN).using(using).filter(dossier_id=_DOSSIER)[:20],
            {
                "citizen": (_CITIZEN, Notification._meta.get_field("citizen")),
                "dossier": (_DOSSIER, Notification._meta.get_field("dossier")),
            },
            using,
        )
    return prepared.instances(query, using, citizen=citizen.pk, dossier=dossier.pk)  # type: ignore[return-value]


def notifications_of(*, citizen: Any) -> QuerySet[Notification]:
    """The citizen's portal notifications, newest first (one per event; the e-mail and SMS copies are not
    listed)."""
    return (
        Notification.objects.filter(citizen=citizen, channel=Channel.PORTAL)
        .select_related("dossier")
        .only("id", "kind", "subject", "body", "created_at", "read_at", "dossier__code", "citizen_id")
        .order_by("-created_at", "-id")
    )


def unread_count(*, citizen: Any) -> int:
    if not getattr(citizen, "is_authenticated", False):
        return 0
    return Notification.objects.filter(citizen=citizen, channel=Channel.PORTAL, read_at__isnull=True).count()


def notification_of(*, citizen: Any, pk: int) -> Notification | None:
    """One of the citizen's notifications, or None (another citizen's is not found either)."""
    return notifications_of(citizen=citizen).filter(pk=pk).first()


def pending_confirmations(*, citizen: Any) -> dict[str, ContactConfirmation]:
    """The open confirmation code of each channel (the latest), by channel."""
    found = ContactConfirmation.objects.filter(
        citizen=citizen, confirmed_at__isnull=True, replaced_at__isnull=True
    ).order_by("created_at", "id")
    return {confirmation.channel: confirmation for confirmation in found}
