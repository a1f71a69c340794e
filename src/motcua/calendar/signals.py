"""Draw a new calendar version (same transaction) and drop this process's in-memory calendar whenever a
calendar row is saved or deleted."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from motcua.calendar import snapshot
from motcua.calendar.models import CalendarOverride, OfficeHours, OfficeInterval


@receiver([post_save, post_delete], sender=CalendarOverride, dispatch_uid="workcalendar_override_changed")
@receiver([post_save, post_delete], sender=OfficeHours, dispatch_uid="workcalendar_hours_changed")
def calendar_changed(**kwargs: Any) -> None:
    snapshot.bump()


@receiver([post_save, post_delete], sender=OfficeInterval, dispatch_uid="workcalendar_interval_changed")
def interval_changed(instance: OfficeInterval, **kwargs: Any) -> None:
    # The schedule's updated_at still tells administrators when its hours last changed.
    OfficeHours.objects.filter(pk=instance.office_hours_id).update(updated_at=timezone.now())
    snapshot.bump()
