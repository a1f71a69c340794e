"""An ended agency's archive for tests: an old commune committee taken over by a successor, and a dossier
left at it as the old body left it (received by it, addressed to it, every step at it)."""

from __future__ import annotations

import datetime as dt

from motcua.dossiers.models import Dossier, DossierStep
from motcua.org.models import Agency, AgencyKind, AgencyLevel

BEFORE = dt.date(2020, 1, 1)


def ended(code: str, successor: Agency, *, on: dt.date, since: dt.date = BEFORE) -> Agency:
    """An old commune committee that ended on ``on``, taken over by ``successor``."""
    return Agency.objects.create(
        code=code,
        name=f"UBND cũ {code}",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        level=AgencyLevel.COMMUNE,
        unit=successor.unit,
        province_code="46",
        valid_from=since,
        valid_to=on,
        successor=successor,
    )


def archived_at(dossier: Dossier, agency: Agency, **columns: str) -> Dossier:
    """The dossier as the old body left it (``columns``: more of its fields, e.g. ``legacy_code``)."""
    Dossier.objects.filter(pk=dossier.pk).update(receiving_agency=agency, competent_agency=agency, **columns)
    DossierStep.objects.filter(dossier=dossier).update(agency=agency)
    return Dossier.objects.get(pk=dossier.pk)
