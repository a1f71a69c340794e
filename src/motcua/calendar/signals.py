"""A changed office interval marks its schedule as changed (``updated_at``), for administrators. The
in-memory calendar follows every change through the database triggers of ``core.snapshots``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from motcua.calendar.models import OfficeHours, OfficeInterval


@receiver([post_save, post_delete], sender=OfficeInterval, dispatch_uid="workcalendar_interval_changed")
def interval_changed(instance: OfficeInterval, **kwargs: Any) -> None:
    OfficeHours.objects.filter(pk=instance.office_hours_id).update(updated_at=timezone.now())
