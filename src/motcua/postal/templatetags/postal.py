"""``{% shipments_of dossier as shipments %}``: a dossier's shipments for the pages' partial."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.postal import selectors

register = template.Library()


@register.simple_tag
def shipments_of(dossier: Any) -> list[Any]:
    """A dossier has shipments only when its result goes by post or the post collected it (its waybill
    number is then on the dossier): other dossiers' pages spend no query on them (their query budgets)."""
    if dossier is None or getattr(dossier, "pk", None) is None:
        return []
    if getattr(dossier, "result_delivery", "") != "post" and not getattr(
        dossier, "postal_tracking_number", ""
    ):
        return []
    return selectors.shipments_of(dossier_id=dossier.pk)
