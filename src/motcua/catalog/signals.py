"""A change of competence rules drops what the current request or service call remembered of them
(``core.request_cache``), so a unit of work that changes them and then routes a dossier sees the change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.catalog.models import CompetenceRule
from motcua.core import request_cache


@receiver([post_save, post_delete], sender=CompetenceRule, dispatch_uid="catalog_competence_rule_changed")
def competence_changed(**kwargs: Any) -> None:
    request_cache.forget()
