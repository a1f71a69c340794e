"""The calendar's data held in memory: package holidays per year, overrides and office hours.

Deadlines are a hot path, so a computation never queries per day. The database rows are read into one
:class:`Snapshot` per process, a versioned snapshot of the calendar and organization domains
(``core.snapshots``): database triggers draw a new token whenever a calendar row (or an agency, whose
province decides which overrides apply) changes, and the snapshot is reloaded when the token it was read
under is no longer current. Tokens are checked once per HTTP request or service call and on every use
outside one (commands, workers), so query counts never depend on timing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.conf import settings

from motcua.calendar.models import CalendarOverride, OfficeHours, OfficeInterval
from motcua.core import snapshots

Interval = tuple[dt.time, dt.time]
Week = dict[int, tuple[Interval, ...]]

# Used when no default OfficeHours row is valid: Mon–Fri 07:00–11:30 and 13:30–17:00.
DEFAULT_WEEK: Week = {
    weekday: ((dt.time(7, 0), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0))) for weekday in range(5)
}


@dataclass(frozen=True)
class PackageYear:
    """What the ``holidays`` package says about one year: days off and weekend days worked instead."""

    days_off: dict[dt.date, str]
    weekend_workdays: frozenset[dt.date]


@lru_cache(maxsize=64)
def package_year(year: int) -> PackageYear:
    """Vietnamese public holidays of ``year`` (with observed and substituted days) from the package."""
    calendar = holidays.country_holidays("VN", years=year)
    days_off = {day: name for day, name in calendar.items() if day.year == year}
    workdays = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return PackageYear(days_off=days_off, weekend_workdays=workdays)


@dataclass(frozen=True)
class Override:
    date: dt.date
    kind: str
    part: str
    reason: str


@dataclass(frozen=True)
class Schedule:
    valid_from: dt.date
    valid_to: dt.date | None
    week: Week

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


# What the snapshot depends on: calendar rows, and agencies (``province_of``).
DOMAINS = ("calendar", "org")


@dataclass
class Snapshot:
    by_agency: dict[int, dict[dt.date, Override]]
    by_province: dict[str, dict[dt.date, Override]]
    schedules: dict[int | None, list[Schedule]]
    # Filled lazily while computing: agency -> province code, and (agency, day) -> intervals.
    provinces: dict[int, str] = field(default_factory=dict)
    days: dict[tuple[int | None, dt.date], tuple[Interval, ...]] = field(default_factory=dict)


def clear() -> None:
    """Forget the in-memory snapshots of this process (tests; changes are seen without it)."""
    snapshots.clear()


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _load() -> Snapshot:
    by_agency: dict[int, dict[dt.date, Override]] = {}
    by_province: dict[str, dict[dt.date, Override]] = {}
    for row in CalendarOverride.objects.values(
        "date", "kind", "part", "reason", "agency_id", "province_code"
    ):
        override = Override(date=row["date"], kind=row["kind"], part=row["part"], reason=row["reason"])
        if row["agency_id"] is not None:
            by_agency.setdefault(row["agency_id"], {})[row["date"]] = override
        else:
            by_province.setdefault(row["province_code"], {})[row["date"]] = override
    weeks: dict[int, dict[int, list[Interval]]] = {}
    for interval in OfficeInterval.objects.values("office_hours_id", "weekday", "start", "end"):
        weeks.setdefault(interval["office_hours_id"], {}).setdefault(interval["weekday"], []).append(
            (interval["start"], interval["end"])
        )
    schedules: dict[int | None, list[Schedule]] = {}
    for hours in OfficeHours.objects.order_by("-valid_from", "-id").values(
        "id", "agency_id", "valid_from", "valid_to"
    ):
        week = {weekday: _merge(items) for weekday, items in weeks.get(hours["id"], {}).items()}
        schedules.setdefault(hours["agency_id"], []).append(
            Schedule(valid_from=hours["valid_from"], valid_to=hours["valid_to"], week=week)
        )
    return Snapshot(by_agency=by_agency, by_province=by_province, schedules=schedules)


def current() -> Snapshot:
    """The calendar data of this process, reloaded when a calendar row or an agency changed."""
    return snapshots.remember(DOMAINS, "workcalendar.snapshot", _load)


def province_of(snapshot: Snapshot, agency_id: int | None) -> str:
    """The province whose overrides apply: the agency's, or this installation's."""
    if agency_id is None:
        return str(settings.MOTCUA_PROVINCE_CODE)
    code = snapshot.provinces.get(agency_id)
    if code is None:
        from motcua.org.models import Agency

        code = Agency.objects.filter(pk=agency_id).values_list("province_code", flat=True).first()
        code = code or str(settings.MOTCUA_PROVINCE_CODE)
        snapshot.provinces[agency_id] = code
    return code


def week_for(snapshot: Snapshot, agency_id: int | None, day: dt.date) -> Week:
    """Office hours in force on ``day``: the agency's weekdays over the default week."""
    default = next((s.week for s in snapshot.schedules.get(None, []) if s.covers(day)), DEFAULT_WEEK)
    if agency_id is None:
        return default
    own = next((s.week for s in snapshot.schedules.get(agency_id, []) if s.covers(day)), None)
    if not own:
        return default
    return {**default, **own}


def override_for(snapshot: Snapshot, agency_id: int | None, day: dt.date) -> Override | None:
    """The most specific override of ``day``: the agency's, the province's, then the country's."""
    if agency_id is not None:
        found = snapshot.by_agency.get(agency_id, {}).get(day)
        if found is not None:
            return found
    found = snapshot.by_province.get(province_of(snapshot, agency_id), {}).get(day)
    if found is not None:
        return found
    return snapshot.by_province.get("", {}).get(day)
