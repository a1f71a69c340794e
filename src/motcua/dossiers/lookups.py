"""What the dossier engine reads from the catalog, the organization and the calendar, in one place.

The calendar's selectors are used when ``motcua.calendar.selectors`` is importable; until then plain
office hours (Mon–Fri 07:30–11:30, 13:30–17:30, no holidays) stand in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import ProcedureVersion, TimeUnit, WorkflowStep
from motcua.org import selectors as org_selectors
from motcua.org.models import Position

TZ = ZoneInfo(settings.TIME_ZONE)
HOURS_PER_DAY = Decimal(8)


# --- catalog and organization: their selectors ----------------------------------------------------

version_in_force = catalog_selectors.version_in_force
resolve_competent_agency = catalog_selectors.resolve_competent_agency
workflow_of = catalog_selectors.workflow_of
initial_step = catalog_selectors.initial_step
resolve_place_commune = catalog_selectors.resolve_place_commune
commune_committee_for = org_selectors.commune_committee_for


def initial_step_of(version: ProcedureVersion) -> WorkflowStep:
    """The first step of the version's workflow in one query; the catalog explains a malformed workflow."""
    steps = list(WorkflowStep.objects.filter(workflow__version=version, is_initial=True)[:2])
    if len(steps) != 1:
        return initial_step(workflow_of(version))
    return steps[0]


def fee_for(*, version: ProcedureVersion, form_data: dict[str, Any]) -> Decimal:
    return Decimal(catalog_selectors.fee_for(version=version, form_data=form_data))


def positions(*, user: Any, on: dt.date) -> QuerySet[Position]:
    """Positions the user holds on ``on`` (none for a citizen or an anonymous user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Position.objects.none()
    return org_selectors.positions_valid_on(on=on).filter(staff__user=user)


def agencies_of(*, user: Any, on: dt.date) -> set[int]:
    """Agencies where the user holds any position on ``on``."""
    return set(positions(user=user, on=on).values_list("agency_id", flat=True))


def staff_qualifies(*, user: Any, role: str, agency_id: int, on: dt.date) -> bool:
    return positions(user=user, on=on).filter(role=role, agency_id=agency_id).exists()


# --- calendar ----------------------------------------------------------------------------------------

# Office hours used only while motcua.calendar is not available: Mon–Fri 07:30–11:30, 13:30–17:30.
_PERIODS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 30)))


def _calendar() -> Any:
    try:
        from motcua.calendar import selectors

        selectors.add_working_time  # noqa: B018
        return selectors
    except (ImportError, AttributeError):
        return None


def _periods_from(start: dt.datetime) -> Any:
    local = start.astimezone(TZ)
    day = local.date()
    while True:
        if day.weekday() < 5:
            for a, b in _PERIODS:
                pa = dt.datetime.combine(day, a, TZ)
                pb = dt.datetime.combine(day, b, TZ)
                if pb > local:
                    yield max(pa, local), pb
        day += dt.timedelta(days=1)


def add_working_hours(*, start: dt.datetime, hours: Decimal, agency_id: int | None = None) -> dt.datetime:
    cal = _calendar()
    if cal is not None:
        return cal.add_working_time(
            start=start, duration=cal.Duration(Decimal(hours), "hours"), agency_id=agency_id
        )
    remaining = dt.timedelta(hours=float(hours))
    if remaining <= dt.timedelta(0):
        return start
    for a, b in _periods_from(start):
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    raise AssertionError("unreachable")


def working_hours_between(*, start: dt.datetime, end: dt.datetime, agency_id: int | None = None) -> Decimal:
    """Working hours in [start, end); negative when end is before start."""
    if end < start:
        return -working_hours_between(start=end, end=start, agency_id=agency_id)
    cal = _calendar()
    if cal is not None:
        delta = cal.working_time_between(start=start, end=end, agency_id=agency_id)
    else:
        delta = dt.timedelta(0)
        for a, b in _periods_from(start):
            if a >= end:
                break
            delta += min(b, end) - a
    return (Decimal(delta.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


def limit_hours(version: ProcedureVersion) -> Decimal:
    return Decimal(version.time_limit_hours)


def _next_working_moment(at: dt.datetime, agency_id: int | None) -> dt.datetime:
    cal = _calendar()
    if cal is not None:
        return cal.next_working_moment(at=at, agency_id=agency_id)  # type: ignore[no-any-return]
    return next(iter(_periods_from(at)))[0]


def _close_of_working_day(start: dt.datetime, days: int) -> dt.datetime:
    """Fallback calendar: close of the ``days``-th working day after the day of ``start`` (0: that day)."""
    periods = _periods_from(start)
    day = next(iter(periods))[0].date()
    last = None
    for a, b in periods:
        if a.date() != day:
            if days == 0:
                break
            days -= 1
            day = a.date()
        last = b
    assert last is not None
    return last


def appointment_for(
    *, version: ProcedureVersion, received_at: dt.datetime, agency_id: int | None
) -> dt.datetime:
    """The appointment date (ngày hẹn trả) for a dossier received at ``received_at`` under ``version``.

    Working-day and hour limits and the same-day cutoff follow the calendar's ``appointment_for``;
    limits in calendar days or months end on the first working moment at or after the date they reach.
    """
    amount = Decimal(version.time_limit_amount)
    if version.time_limit_unit in (TimeUnit.DAYS, TimeUnit.MONTHS):
        local = received_at.astimezone(TZ)
        if version.time_limit_unit == TimeUnit.DAYS:
            end = local + dt.timedelta(days=int(amount))
        else:
            months = local.month - 1 + int(amount)
            end = local.replace(year=local.year + months // 12, month=months % 12 + 1, day=min(local.day, 28))
        return _next_working_moment(end, agency_id)
    unit = "hours" if version.time_limit_unit == TimeUnit.HOURS else "working_days"
    cal = _calendar()
    if cal is not None:
        return cal.appointment_for(  # type: ignore[no-any-return]
            received_at=received_at,
            duration=cal.Duration(amount, unit),
            same_day_cutoff=version.same_day_cutoff,
            agency_id=agency_id,
        )
    if unit == "hours" and not (version.same_day_cutoff and amount <= HOURS_PER_DAY):
        return add_working_hours(start=received_at, hours=amount, agency_id=agency_id)
    days = int(amount if unit == "working_days" else (amount / HOURS_PER_DAY))
    if version.same_day_cutoff and limit_hours(version) <= HOURS_PER_DAY:
        received = _next_working_moment(received_at, agency_id).astimezone(TZ)
        return _close_of_working_day(received, 1 if received.time() >= version.same_day_cutoff else 0)
    return _close_of_working_day(received_at, days)
