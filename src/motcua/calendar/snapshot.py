"""The calendar's data held in memory: package holidays per year, overrides and office hours.

Deadlines are a hot path, so a computation never queries per day. The database rows are read
into one immutable :class:`Snapshot` per process. It is dropped when this process saves or
deletes a row (signals), and re-validated against a fingerprint of the tables (one small query)
at most every ``MOTCUA_CALENDAR_RECHECK_SECONDS`` (default 5) so that other processes notice
changes too; inside a transaction it is re-validated on every use, because a rollback may undo
what it holds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time as monotonic_time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import holidays
from django.conf import settings
from django.db import connection

from motcua.calendar.models import CalendarOverride, OfficeHours, OfficeInterval

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


@dataclass
class Snapshot:
    fingerprint: tuple[Any, ...]
    by_agency: dict[int, dict[dt.date, Override]]
    by_province: dict[str, dict[dt.date, Override]]
    schedules: dict[int | None, list[Schedule]]
    # Filled lazily while computing: agency -> province code, and (agency, day) -> intervals.
    provinces: dict[int, str] = field(default_factory=dict)
    days: dict[tuple[int | None, dt.date], tuple[Interval, ...]] = field(default_factory=dict)


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_checked_at = 0.0


def clear() -> None:
    """Forget the in-memory calendar of this process (called when a calendar row changes)."""
    global _snapshot
    with _lock:
        _snapshot = None


def _fingerprint() -> tuple[Any, ...]:
    tables = [m._meta.db_table for m in (CalendarOverride, OfficeHours, OfficeInterval)]
    sql = "SELECT " + ", ".join(
        [
            f"(SELECT COUNT(*) FROM {tables[0]})",
            f"(SELECT MAX(updated_at) FROM {tables[0]})",
            f"(SELECT MAX(id) FROM {tables[0]})",
            f"(SELECT COUNT(*) FROM {tables[1]})",
            f"(SELECT MAX(updated_at) FROM {tables[1]})",
            f"(SELECT COUNT(*) FROM {tables[2]})",
            f"(SELECT MAX(id) FROM {tables[2]})",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(row)


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _load(fingerprint: tuple[Any, ...]) -> Snapshot:
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
    return Snapshot(
        fingerprint=fingerprint, by_agency=by_agency, by_province=by_province, schedules=schedules
    )


def current() -> Snapshot:
    """The calendar data of this process, reloaded when the database changed."""
    global _snapshot, _checked_at
    snapshot = _snapshot
    now = monotonic_time.monotonic()
    recheck = float(getattr(settings, "MOTCUA_CALENDAR_RECHECK_SECONDS", 5))
    if snapshot is not None and not connection.in_atomic_block and now - _checked_at < recheck:
        return snapshot
    fingerprint = _fingerprint()
    if snapshot is not None and snapshot.fingerprint == fingerprint:
        _checked_at = now
        return snapshot
    snapshot = _load(fingerprint)
    with _lock:
        _snapshot, _checked_at = snapshot, now
    return snapshot


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
