"""``{% shipments_of dossier as shipments %}``: a dossier's shipments for the pages' partial."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.postal import selectors

register = template.Library()


@register.simple_tag
def shipments_of(dossier: Any) -> list[Any]:
    if dossier is None or getattr(dossier, "pk", None) is None:
        return []
    return selectors.shipments_of(dossier_id=dossier.pk)
