"""Reads of notifications: the citizen's in-portal list (their own only) and its unread count."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from motcua.notifications.constants import Channel
from motcua.notifications.models import ContactConfirmation, Notification


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
