"""Reading administrative units: what is in force on a day, what replaced what, what an address means.

Single units by code or id come from the geography's versioned in-process snapshot (``core.snapshots``):
shared between requests, read-only."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.geo.matching import NormalizedAddress, normalize
from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession

__all__ = [
    "NormalizedAddress",
    "communes_of",
    "latest_unit",
    "normalize_address",
    "predecessors_of",
    "province",
    "succession_links",
    "successors_of",
    "unit",
    "unit_by_code",
    "units_valid_on",
]


def units_valid_on(
    *, on: dt.date, province_code: str | None = None, level: str | None = None
) -> QuerySet[AdministrativeUnit]:
    """Units in force on ``on``, optionally of one province (GSO code) and one level."""
    queryset = AdministrativeUnit.objects.valid_on(on)
    if province_code is not None:
        queryset = queryset.filter(province_code=province_code)
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset.select_related("parent")


def unit_by_code(*, code: str, on: dt.date) -> AdministrativeUnit:
    """The unit carrying GSO code ``code`` on ``on`` (codes are reused across periods); shared, read-only."""
    unit = snapshots.remember(
        "geo",
        ("geo.unit_by_code", code, on),
        lambda: AdministrativeUnit.objects.valid_on(on).filter(code=code).select_related("parent").first(),
    )
    if unit is None:
        raise DomainError(
            "geo.unit_not_found",
            _("Không có đơn vị hành chính mã %(unit_code)s vào ngày %(day)s."),
            unit_code=code,
            day=on.strftime("%d/%m/%Y"),
        )
    return unit


def latest_unit(*, code: str) -> AdministrativeUnit | None:
    """The latest unit to carry GSO code ``code`` (with its parent), whatever the day; shared, read-only."""
    return snapshots.remember(
        "geo",
        ("geo.latest_unit", code),
        lambda: (
            AdministrativeUnit.objects.filter(code=code)
            .order_by("-valid_from")
            .select_related("parent")
            .first()
        ),
    )


def unit(*, pk: int) -> AdministrativeUnit | None:
    """The unit ``pk`` (with its parent); shared, read-only."""
    return snapshots.remember(
        "geo",
        ("geo.unit", pk),
        lambda: AdministrativeUnit.objects.filter(pk=pk).select_related("parent").first(),
    )


def province(*, code: str, on: dt.date) -> AdministrativeUnit:
    """The province or centrally-run city with GSO code ``code`` in force on ``on``."""
    unit = AdministrativeUnit.objects.valid_on(on).filter(code=code, level=Level.PROVINCE).first()
    if unit is None:
        raise DomainError(
            "geo.province_not_found",
            _("Không có tỉnh, thành phố mã %(unit_code)s vào ngày %(day)s."),
            unit_code=code,
            day=on.strftime("%d/%m/%Y"),
        )
    return unit


def communes_of(*, province_code: str, on: dt.date) -> QuerySet[AdministrativeUnit]:
    """Commune-level units (xã, phường, thị trấn, đặc khu) of a province on ``on``, by name."""
    return (
        AdministrativeUnit.objects.valid_on(on)
        .filter(province_code=province_code, level=Level.COMMUNE)
        .order_by("search_key", "code")
    )


def successors_of(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The units that absorbed ``unit`` (wholly or partly), the default successor first."""
    return [link.successor for link in succession_links(unit)]


def succession_links(unit: AdministrativeUnit) -> list[UnitSuccession]:
    """The links from ``unit`` to its successors (with ``partial`` and ``is_default``), default first."""
    return list(
        UnitSuccession.objects.filter(predecessor=unit)
        .select_related("successor")
        .order_by("-is_default", "successor__code")
    )


def predecessors_of(unit: AdministrativeUnit) -> list[UnitSuccession]:
    """The links into ``unit`` from the units it absorbed, by predecessor code."""
    return list(
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor")
        .order_by("predecessor__code")
    )


def normalize_address(text: str, *, on: dt.date | None = None) -> NormalizedAddress | None:
    """Read a free-text address ("Phường Phú Hội, TP Huế, Thừa Thiên Huế") against the 2025 units.

    Old (with district and old province) and new forms are understood, with or without
    diacritics and with the usual abbreviations. ``on`` is the day the address was written: before
    1 July 2025 a pre-2025 reading is preferred where both fit. Returns None when nothing in the
    text names a known unit; otherwise see :class:`NormalizedAddress`.
    """
    return normalize(text, on=on)
