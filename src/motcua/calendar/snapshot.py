"""The calendar's data held in memory: package holidays per year, overrides and office hours.

Deadlines are a hot path, so a computation never queries per day. The database rows are read
into one immutable :class:`Snapshot` per process, tagged with the token of the one
:class:`~motcua.calendar.models.CalendarVersion` row. Any change of a calendar row draws a new
random token in the same transaction (signals), and drops this process's snapshot. Other processes
compare their snapshot's token with the row (one query by primary key): at most once per HTTP request
or service call (``core.request_cache``), and on every use outside one (commands, workers). Query counts
therefore never depend on timing. A snapshot read inside a
transaction that changed the calendar and then rolled back carries a token that no committed state has,
so it is reloaded at the next check.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.conf import settings

from motcua.calendar.models import CalendarOverride, CalendarVersion, OfficeHours, OfficeInterval
from motcua.core import request_cache

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
    token: int | None
    by_agency: dict[int, dict[dt.date, Override]]
    by_province: dict[str, dict[dt.date, Override]]
    schedules: dict[int | None, list[Schedule]]
    # Filled lazily while computing: agency -> province code, and (agency, day) -> intervals.
    provinces: dict[int, str] = field(default_factory=dict)
    days: dict[tuple[int | None, dt.date], tuple[Interval, ...]] = field(default_factory=dict)


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_TOKEN = "workcalendar.token"  # the version row's token, read once per request or service call


def clear() -> None:
    """Forget the in-memory calendar of this process (called when a calendar row changes)."""
    global _snapshot
    with _lock:
        _snapshot = None


def bump() -> None:
    """Draw a new version token, in the caller's transaction, so that every process reloads its calendar."""
    token = secrets.randbits(62) + 1
    if not CalendarVersion.objects.filter(pk=1).update(token=token):
        CalendarVersion.objects.update_or_create(pk=1, defaults={"token": token})
    # The next use reads the new token: a snapshot loaded now is tagged with it, so that if this
    # transaction rolls back, the committed token differs and the snapshot is reloaded.
    request_cache.discard(_TOKEN)
    clear()


def _token() -> int | None:
    return CalendarVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _load(token: int | None) -> Snapshot:
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
    return Snapshot(token=token, by_agency=by_agency, by_province=by_province, schedules=schedules)


def current() -> Snapshot:
    """The calendar data of this process, reloaded when the version row says the database changed."""
    global _snapshot
    snapshot = _snapshot
    token = request_cache.remember(_TOKEN, _token)
    if snapshot is None or snapshot.token != token:
        snapshot = _load(token)
        with _lock:
            _snapshot = snapshot
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
