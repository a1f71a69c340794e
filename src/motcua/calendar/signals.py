"""Drop the in-memory calendar of this process whenever a calendar row is saved or deleted."""

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
    snapshot.clear()


@receiver([post_save, post_delete], sender=OfficeInterval, dispatch_uid="workcalendar_interval_changed")
def interval_changed(instance: OfficeInterval, **kwargs: Any) -> None:
    # Other processes see the change through the schedule's updated_at in the table fingerprint.
    OfficeHours.objects.filter(pk=instance.office_hours_id).update(updated_at=timezone.now())
    snapshot.clear()
