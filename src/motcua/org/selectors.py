"""Reads of the organization: agencies, reception points, staff and who holds which role where.

Every selector takes the date ``on`` it answers for, because agencies, reception points and
positions all have validity periods (an ended position no longer counts). Single rows and lists the hot
paths read come from the organization's versioned in-process snapshot (``core.snapshots``): shared between
requests, read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from motcua.core import snapshots
from motcua.geo import selectors as geo_selectors
from motcua.geo.collation import sorted_by_name
from motcua.geo.models import AdministrativeUnit, Level, UnitType

from .models import Agency, AgencyKind, AgencyLevel, Position, ReceptionPoint, ReceptionPointKind, Role, Staff


def agencies_valid_on(
    *, on: dt.date, province_code: str, level: str | None = None, kind: str | Iterable[str] | None = None
) -> QuerySet[Agency]:
    """Agencies of a province in force on ``on``, optionally of one level and kind(s)."""
    qs = Agency.objects.valid_on(on).filter(province_code=province_code).select_related("unit", "parent")
    if level is not None:
        qs = qs.filter(level=level)
    if kind is not None:
        qs = qs.filter(kind=kind) if isinstance(kind, str) else qs.filter(kind__in=list(kind))
    return qs.order_by("code")


def agency_by_code(*, code: str, on: dt.date) -> Agency | None:
    """The agency carrying identifier ``code`` on ``on`` (codes are unique within a period); shared."""
    return snapshots.remember(
        "org",
        ("org.agency_by_code", code, on),
        lambda: Agency.objects.valid_on(on).filter(code=code).select_related("unit").first(),
    )


def agency(*, pk: int) -> Agency | None:
    """The agency ``pk`` (with its unit), from the snapshot; shared, read-only."""
    return snapshots.remember(
        "org", ("org.agency", pk), lambda: Agency.objects.filter(pk=pk).select_related("unit").first()
    )


def agencies_in_force(*, province_code: str, on: dt.date) -> tuple[Agency, ...]:
    """Every agency of a province in force on ``on``, ordered by name, from the snapshot; shared."""
    return snapshots.remember(
        "org",
        ("org.agencies_in_force", province_code, on),
        lambda: tuple(Agency.objects.valid_on(on).filter(province_code=province_code).order_by("name", "pk")),
    )


# How many takeovers back an agency's archive reaches (a commune body ended in 2025 whose own predecessor
# ended in an earlier merger is two): a guard against a successor cycle typed by mistake, too.
SUCCESSION_DEPTH = 5


def _ended_with_successor(on: dt.date) -> dict[int, tuple[int, ...]]:
    """``{successor id: (ids of the agencies it took over that have ended by ``on``), ...}``: every successor
    (``Agency.successors``, a split body's several) and the main one (``Agency.successor``)."""
    ended = Q(valid_to__isnull=False, valid_to__lte=on)
    main = Agency.objects.filter(ended, successor__isnull=False).order_by().values_list("pk", "successor_id")
    every = (
        Agency.successors.through.objects.filter(
            from_agency__valid_to__isnull=False, from_agency__valid_to__lte=on
        )
        .order_by()
        .values_list("from_agency_id", "to_agency_id")
    )
    links = set(main.union(every))  # one query
    taken_over: dict[int, list[int]] = {}
    for pk, successor_id in sorted(links):
        taken_over.setdefault(successor_id, []).append(pk)
    return {successor: tuple(pks) for successor, pks in taken_over.items()}


def predecessors_of(
    *, agency_ids: Iterable[int], on: dt.date, depth: int = SUCCESSION_DEPTH
) -> frozenset[int]:
    """The agencies ended by ``on`` one of whose successors (``Agency.successors`` and the main
    ``Agency.successor``, followed at most ``depth`` times) is one of ``agency_ids``: the bodies whose archive
    these agencies took over; every successor of a split body reads its archive. The succession map comes
    from the snapshot (one query per organization change and day); shared, read-only."""
    wanted = frozenset(agency_ids)
    if not wanted:
        return frozenset()
    taken_over = snapshots.remember(
        "org", ("org.ended_with_successor", on), lambda: _ended_with_successor(on)
    )
    found: set[int] = set()
    frontier = set(wanted)
    for _hop in range(depth):
        frontier = {p for a in frontier for p in taken_over.get(a, ()) if p not in found and p not in wanted}
        if not frontier:
            break
        found |= frontier
    return frozenset(found)


def _first_provincial(province_code: str, on: dt.date, kind: str) -> Agency | None:
    return snapshots.remember(
        "org",
        ("org.provincial", province_code, on, kind),
        lambda: agencies_valid_on(
            on=on, province_code=province_code, level=AgencyLevel.PROVINCE, kind=kind
        ).first(),
    )


def province_committee(*, province_code: str, on: dt.date) -> Agency | None:
    """The provincial People's Committee (UBND tỉnh / thành phố); shared, read-only."""
    return _first_provincial(province_code, on, AgencyKind.PEOPLES_COMMITTEE)


def province_service_center(*, province_code: str, on: dt.date) -> Agency | None:
    """The provincial Public Administration Service Center (Trung tâm Phục vụ hành chính công); shared."""
    return _first_provincial(province_code, on, AgencyKind.SERVICE_CENTER)


def departments(*, province_code: str, on: dt.date) -> QuerySet[Agency]:
    """Provincial departments (Sở), ordered by code."""
    return agencies_valid_on(
        on=on, province_code=province_code, level=AgencyLevel.PROVINCE, kind=AgencyKind.DEPARTMENT
    )


def divisions_of(*, agency: Agency, on: dt.date) -> QuerySet[Agency]:
    """Divisions (phòng) directly under ``agency``."""
    return Agency.objects.valid_on(on).filter(parent=agency, kind=AgencyKind.DIVISION).order_by("code")


def commune_committees(*, province_code: str, on: dt.date) -> QuerySet[Agency]:
    """The People's Committees of the communes and wards of a province, ordered by unit code."""
    return agencies_valid_on(
        on=on, province_code=province_code, level=AgencyLevel.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE
    ).order_by("unit__code")


def commune_committee_for(*, unit: AdministrativeUnit, on: dt.date) -> Agency | None:
    """The UBND of a commune-level unit on ``on``, or None when the unit has none yet; shared, read-only."""
    return snapshots.remember(
        "org",
        ("org.commune_committee", unit.pk, on),
        lambda: (
            Agency.objects.valid_on(on)
            .filter(unit_id=unit.pk, level=AgencyLevel.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE)
            .order_by("code")
            .first()
        ),
    )


def post_offices(*, province_code: str, on: dt.date) -> QuerySet[Agency]:
    """Post offices (bưu điện) that receive dossiers and return results in the province."""
    return agencies_valid_on(on=on, province_code=province_code, kind=AgencyKind.POST_OFFICE)


def reception_points_valid_on_any_province(*, on: dt.date) -> QuerySet[ReceptionPoint]:
    """Reception points in force on ``on`` whose agency is in force too."""
    return (
        ReceptionPoint.objects.valid_on(on)
        .filter(agency__valid_from__lte=on)
        .filter(Q(agency__valid_to__isnull=True) | Q(agency__valid_to__gt=on))
        .select_related("agency", "unit")
    )


def reception_points_valid_on(
    *,
    on: dt.date,
    province_code: str,
    kind: str | Iterable[str] | None = None,
    agency: Agency | None = None,
) -> QuerySet[ReceptionPoint]:
    """Reception points (Bộ phận Một cửa, Trung tâm PVHCC, bưu điện) in force on ``on``."""
    qs = reception_points_valid_on_any_province(on=on).filter(province_code=province_code)
    if kind is not None:
        qs = qs.filter(kind=kind) if isinstance(kind, str) else qs.filter(kind__in=list(kind))
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("code")


def reception_point_by_code(*, code: str, on: dt.date) -> ReceptionPoint | None:
    """The reception point coded ``code`` on ``on``; shared, read-only."""
    return snapshots.remember(
        "org",
        ("org.reception_point_by_code", code, on),
        lambda: (
            ReceptionPoint.objects.valid_on(on).filter(code=code).select_related("agency", "unit").first()
        ),
    )


def reception_point_in_force(*, pk: int, on: dt.date) -> ReceptionPoint | None:
    """Reception point ``pk`` if it is in force on ``on`` (else None), with its agency; shared, read-only."""
    return snapshots.remember(
        "org",
        ("org.reception_point_in_force", pk, on),
        lambda: ReceptionPoint.objects.valid_on(on).filter(pk=pk).select_related("agency").first(),
    )


def positions_valid_on(*, on: dt.date) -> QuerySet[Position]:
    """Positions in force on ``on`` held by active staff with an active account at an agency in force."""
    return (
        Position.objects.valid_on(on)
        .filter(staff__is_active=True, staff__user__is_active=True, agency__valid_from__lte=on)
        .filter(Q(agency__valid_to__isnull=True) | Q(agency__valid_to__gt=on))
    )


def positions_of(*, user, on: dt.date) -> QuerySet[Position]:
    """The positions ``user`` holds on ``on`` (empty for a citizen or an inactive account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Position.objects.none()
    return (
        positions_valid_on(on=on)
        .filter(staff__user=user)
        .select_related("agency", "reception_point", "staff")
        .order_by("agency__code", "role")
    )


def staff_with_role(*, role: str, agency: Agency, on: dt.date) -> QuerySet[Staff]:
    """Active staff holding ``role`` at ``agency`` on ``on``, ordered by name."""
    holders = positions_valid_on(on=on).filter(role=role, agency=agency).values("staff_id")
    return Staff.objects.filter(pk__in=holders).select_related("user", "agency").order_by("full_name", "pk")


def roles_of(*, user, on: dt.date) -> set[tuple[str, int]]:
    """``{(role, agency_id), ...}`` for the positions ``user`` holds on ``on``."""
    return {(p.role, p.agency_id) for p in positions_of(user=user, on=on)}


def has_role(*, user, role: str, agency: Agency, on: dt.date) -> bool:
    """Whether ``user`` holds ``role`` at ``agency`` itself on ``on`` (no province-wide widening)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return positions_valid_on(on=on).filter(staff__user=user, role=role, agency=agency).exists()


def reception_points_of(*, user, on: dt.date) -> QuerySet[ReceptionPoint]:
    """Reception points where ``user`` works as reception officer or postal staff on ``on``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ReceptionPoint.objects.none()
    ids = (
        positions_valid_on(on=on)
        .filter(
            staff__user=user,
            role__in=[Role.RECEPTION_OFFICER, Role.POSTAL_STAFF],
            reception_point__isnull=False,
        )
        .values("reception_point_id")
    )
    return ReceptionPoint.objects.valid_on(on).filter(pk__in=ids).select_related("agency").order_by("code")


def staff_of(*, user) -> Staff | None:
    """The staff record of ``user``, or None for a citizen."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if _STAFF_OF_USER.is_cached(user):
        # Read with the session (motcua.accounts.session_store) or already looked up: no query.
        return cast("Staff | None", _STAFF_OF_USER.get_cached_value(user))
    return Staff.objects.filter(user=user).select_related("agency").first()


# The user's side of Staff.user: its cache holds the staff record (or None) once a query has joined it.
_STAFF_OF_USER = Staff._meta.get_field("user").remote_field

StrOrPromise = str | Promise

UNIT_GROUP_LABELS: dict[str, Any] = {
    UnitType.WARD: pgettext_lazy("nhóm đơn vị hành chính", "Phường"),
    UnitType.COMMUNE: pgettext_lazy("nhóm đơn vị hành chính", "Xã"),
    UnitType.SPECIAL_ZONE: pgettext_lazy("nhóm đơn vị hành chính", "Đặc khu"),
    UnitType.TOWNSHIP: pgettext_lazy("nhóm đơn vị hành chính", "Thị trấn"),
}


@dataclass
class UnitGroup:
    """Communes of one type (phường, xã, ...) for display."""

    unit_type: str
    label: StrOrPromise  # lazy: the directory is shared by pages in every language
    units: list[AdministrativeUnit] = field(default_factory=list)


@dataclass
class Directory:
    """What the home page shows: the province, its communes and wards, its agencies."""

    province: AdministrativeUnit | None
    unit_groups: list[UnitGroup]
    commune_count: int
    committee: Agency | None
    service_centers: list[Agency]
    departments: list[Agency]
    post_offices: list[Agency]
    reception_points: list[ReceptionPoint]


def province_directory(*, province_code: str, on: dt.date) -> Directory:
    """Everything the home page lists for one province, from the snapshot of the organization and the
    geography (a fixed number of queries when either changed); shared, read-only."""
    return snapshots.remember(
        ("org", "geo"),
        ("org.directory", province_code, on),
        lambda: _directory(province_code=province_code, on=on),
    )


def _directory(*, province_code: str, on: dt.date) -> Directory:
    province = geo_selectors.units_valid_on(on=on, province_code=province_code, level=Level.PROVINCE).first()
    groups: dict[str, UnitGroup] = {}
    for unit in geo_selectors.communes_of(province_code=province_code, on=on):
        group = groups.get(unit.unit_type)
        if group is None:
            group = groups[unit.unit_type] = UnitGroup(
                unit.unit_type, UNIT_GROUP_LABELS.get(unit.unit_type, unit.unit_type)
            )
        group.units.append(unit)
    type_order: list[str] = [UnitType.WARD, UnitType.COMMUNE, UnitType.SPECIAL_ZONE, UnitType.TOWNSHIP]
    ordered = sorted(
        groups.values(), key=lambda g: type_order.index(g.unit_type) if g.unit_type in type_order else 99
    )
    for group in ordered:
        group.units = sorted_by_name(group.units)  # Vietnamese order: "Xã Đan Điền" after the D's

    agencies = list(agencies_valid_on(on=on, province_code=province_code, level=AgencyLevel.PROVINCE))
    return Directory(
        province=province,
        unit_groups=ordered,
        commune_count=sum(len(g.units) for g in ordered),
        committee=next((a for a in agencies if a.kind == AgencyKind.PEOPLES_COMMITTEE), None),
        service_centers=[a for a in agencies if a.kind == AgencyKind.SERVICE_CENTER],
        departments=[a for a in agencies if a.kind == AgencyKind.DEPARTMENT],
        post_offices=list(post_offices(province_code=province_code, on=on)),
        reception_points=list(
            reception_points_valid_on(
                on=on,
                province_code=province_code,
                kind=[ReceptionPointKind.SERVICE_CENTER, ReceptionPointKind.POST_OFFICE],
            ).filter(agency__level=AgencyLevel.PROVINCE)
        ),
    )
