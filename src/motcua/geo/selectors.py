"""Reading administrative units: what is in force on a day, what replaced what, what an address means.

Single units by code or id come from the geography's versioned in-process snapshot (``core.snapshots``):
shared between requests, read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.geo.collation import sorted_by_name
from motcua.geo.matching import AddressCandidate, NormalizedAddress, normalize
from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession

__all__ = [
    "AddressCandidate",
    "AddressReading",
    "NormalizedAddress",
    "commune_choices",
    "communes_of",
    "latest_unit",
    "normalize_address",
    "predecessors_of",
    "province",
    "province_choices",
    "provinces_with_communes",
    "read_address",
    "rewrite_address",
    "succession_links",
    "successors_of",
    "unit",
    "unit_by_code",
    "unit_change_label",
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
    """Commune-level units (xã, phường, thị trấn, đặc khu) of a province on ``on`` as a queryset (by search
    key); a list shown to people comes from ``commune_choices``, in Vietnamese alphabetical order."""
    return (
        AdministrativeUnit.objects.valid_on(on)
        .filter(province_code=province_code, level=Level.COMMUNE)
        .order_by("search_key", "code")
    )


def commune_choices(*, province_code: str, on: dt.date) -> tuple[AdministrativeUnit, ...]:
    """The communes of a province on ``on`` as every list shows them (counter, portal, e-form selects), in
    Vietnamese alphabetical order of their names (``geo.collation``: "Xã Đan Điền" among the Đ's, after the
    D's), from the geography's snapshot; shared, read-only."""
    return snapshots.remember(
        "geo",
        ("geo.commune_choices", province_code, on),
        lambda: tuple(sorted_by_name(communes_of(province_code=province_code, on=on))),
    )


def province_choices(*, on: dt.date) -> tuple[AdministrativeUnit, ...]:
    """The provinces and centrally-run cities in force on ``on`` as every select shows them (the e-form's
    unit picker), in Vietnamese alphabetical order (``geo.collation``, as ``commune_choices``: "Tỉnh Lào Cai"
    before "Tỉnh Lâm Đồng"), from the geography's snapshot; shared, read-only."""
    return snapshots.remember(
        "geo",
        ("geo.province_choices", on),
        lambda: tuple(sorted_by_name(units_valid_on(on=on, level=Level.PROVINCE))),
    )


def provinces_with_communes(*, on: dt.date, excluding: str = "") -> tuple[AdministrativeUnit, ...]:
    """Provinces in force on ``on`` whose communes are loaded, in Vietnamese order (``geo.collation``), but
    ``excluding`` (a GSO code), from the geography's snapshot; shared, read-only."""

    def read() -> tuple[AdministrativeUnit, ...]:
        loaded = set(
            units_valid_on(on=on, level=Level.COMMUNE)
            .exclude(province_code=excluding)
            .values_list("province_code", flat=True)
            .distinct()
        )
        return tuple(sorted_by_name(units_valid_on(on=on, level=Level.PROVINCE).filter(code__in=loaded)))

    return snapshots.remember("geo", ("geo.provinces_with_communes", on, excluding), read)


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


@dataclass(frozen=True)
class AddressReading:
    """An address read into 2025 units, shaped for a page: what to propose and how to say it.

    ``commune`` is the 2025 commune to propose (None when nothing was recognised or the reading is
    ambiguous: then ``candidates`` lists the possible 2025 communes for the officer or citizen to
    choose from); ``legacy_unit`` is the older commune the text named; ``street`` is the rest of the
    text (house number, street, hamlet).
    """

    text: str
    commune: AdministrativeUnit | None
    province: AdministrativeUnit | None
    legacy_unit: AdministrativeUnit | None
    street: str
    confidence: float
    ambiguous: bool
    candidates: tuple[AddressCandidate, ...]

    @property
    def recognised(self) -> bool:
        """True when the text names a commune (possibly ambiguously), not just a province or nothing."""
        return self.commune is not None or self.ambiguous

    @property
    def label(self) -> str:
        """ "Phường Thuận Hóa, Thành phố Huế (trước đây: Phường Phú Hội, Quận Thuận Hóa)", or "" when
        there is no single 2025 commune to name."""
        if self.commune is None:
            return ""
        return unit_change_label(commune=self.commune, legacy_unit=self.legacy_unit)

    @property
    def address_2025(self) -> str:
        """The address rewritten with its 2025 units: street, 2025 commune, 2025 province."""
        if self.commune is None:
            return ""
        parts = [self.street, self.commune.name, self.province.name if self.province else ""]
        return ", ".join(part for part in parts if part)

    @property
    def candidate_labels(self) -> list[tuple[AdministrativeUnit, str]]:
        """For an ambiguous reading: each possible 2025 commune with its label, by code."""
        return [
            (c.commune, unit_change_label(commune=c.commune, legacy_unit=c.legacy_unit))
            for c in self.candidates
        ]


def unit_change_label(*, commune: AdministrativeUnit, legacy_unit: AdministrativeUnit | None = None) -> str:
    """A 2025 commune with its province, and the older unit beside it when there is one:
    "Phường Thuận Hóa, Thành phố Huế (trước đây: Phường Phú Hội, Quận Thuận Hóa)"."""
    province_unit = latest_unit(code=commune.province_code)
    current = commune.name if province_unit is None else f"{commune.name}, {province_unit.name}"
    if legacy_unit is None or (legacy_unit.name == commune.name and legacy_unit.code == commune.code):
        return current
    old = unit(pk=legacy_unit.pk) or legacy_unit
    former = old.name if old.parent is None else f"{old.name}, {old.parent.name}"
    return _("%(current)s (trước đây: %(former)s)") % {"current": current, "former": former}


def read_address(text: str, *, on: dt.date | None = None) -> AddressReading:
    """Read a typed or scanned address for a page: the 2025 commune to propose with the old unit beside
    it, or the candidates when the text is ambiguous. Never raises on bad input; an unrecognised
    text gives a reading with ``recognised`` false."""
    result = normalize_address(text, on=on)
    if result is None:
        return AddressReading(text, None, None, None, (text or "").strip(), 0.0, False, ())
    return AddressReading(
        text=text,
        commune=result.commune,
        province=result.province,
        legacy_unit=result.legacy_unit,
        street=result.street,
        confidence=result.confidence,
        ambiguous=result.ambiguous,
        candidates=result.candidates,
    )


def rewrite_address(text: str, *, commune: AdministrativeUnit) -> str:
    """The address with its units replaced by the 2025 commune chosen (and its province): "12 Lê Lợi,
    P. Vĩnh Ninh, TP. Huế" with Phường Thuận Hóa gives "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế". The
    street part is what the reader leaves before the units; text naming no unit is kept whole."""
    reading = read_address(text)
    street = reading.street if reading.recognised or reading.province is not None else (text or "").strip()
    province_unit = latest_unit(code=commune.province_code)
    parts = [street, commune.name, province_unit.name if province_unit else ""]
    return ", ".join(part for part in parts if part)
