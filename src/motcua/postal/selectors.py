"""Reading shipments: a dossier's, and one shipment for a user through the dossiers' one access policy."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from motcua.dossiers.access import visible_dossiers
from motcua.postal.models import Shipment


def shipments_of(*, dossier_id: int) -> list[Shipment]:
    """The dossier's shipments, oldest first (one query)."""
    return list(Shipment.objects.filter(dossier_id=dossier_id).order_by("id"))


def visible_shipment(*, user: Any, pk: int) -> Shipment | None:
    """The shipment if ``user`` may read its dossier (the applicant, or staff of an involved agency)."""
    dossiers = visible_dossiers(user=user, on=timezone.localdate())
    return (
        Shipment.objects.filter(pk=pk, dossier__in=dossiers.values("pk"))
        .select_related(
            "dossier", "dossier__receiving_agency", "dossier__reception_point", "dossier__procedure"
        )
        .first()
    )
