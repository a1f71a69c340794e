"""A change of staff, positions or agencies drops what the current request remembered about who holds
which position (``core.request_cache``), so a page that changes them and then checks access sees the
change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.core import request_cache
from motcua.org.models import Agency, Position, Staff


@receiver([post_save, post_delete], sender=Position, dispatch_uid="org_position_changed")
@receiver([post_save, post_delete], sender=Staff, dispatch_uid="org_staff_changed")
@receiver([post_save, post_delete], sender=Agency, dispatch_uid="org_agency_changed")
@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL, dispatch_uid="org_user_changed")
def organization_changed(**kwargs: Any) -> None:
    request_cache.forget()
