"""Working time: which moments are office hours, and deadlines counted in working days or hours.

Semantics are described in docs/calendar.md. In short: office hours are closed intervals
(07:00–11:30 includes 11:30, so a deadline at the close of a day is a working moment); hour
durations consume office hours exactly; working-day durations end at the close of the Nth
working day after the day of reception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.calendar import snapshot as store
from motcua.calendar.models import DayPart, OverrideKind
from motcua.core.errors import DomainError

TZ = ZoneInfo(settings.TIME_ZONE)
HOURS_PER_DAY = Decimal(8)
HOURS_PER_HALF_DAY = Decimal(4)
NOON = dt.time(12, 0)
# A search for working time gives up after this many consecutive days without office hours.
MAX_CLOSED_DAYS = 400
# Bound on memoized (agency, day) entries per process: a national deployment has ~3,300 agencies.
MAX_MEMO_DAYS = 200_000
WEEKLY_REST = _("Ngày nghỉ hằng tuần")
MAKE_UP_DAY = _("Ngày làm việc bù")

Unit = Literal["working_days", "half_days", "hours"]
UNITS: tuple[str, ...] = ("working_days", "half_days", "hours")
# Limits counted on the civil calendar (Civil Code 2015, Art. 147-148), not in working time.
CalendarUnit = Literal["days", "months"]
CALENDAR_UNITS: tuple[str, ...] = ("days", "months")


@dataclass(frozen=True)
class Duration:
    """An amount of working time: whole working days (to the close of a day), half days or hours."""

    amount: Decimal
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown duration unit {self.unit!r}")
        amount = self.amount if isinstance(self.amount, Decimal) else Decimal(str(self.amount))
        if amount < 0:
            raise ValueError("a duration cannot be negative")
        object.__setattr__(self, "amount", amount)

    @classmethod
    def days(cls, n: Decimal | int | str) -> Duration:
        """``n`` working days."""
        return cls(Decimal(str(n)), "working_days")

    @classmethod
    def half(cls, n: Decimal | int | str) -> Duration:
        """``n`` half working days (4 h each, counted as office hours)."""
        return cls(Decimal(str(n)), "half_days")

    @classmethod
    def of_hours(cls, n: Decimal | int | str) -> Duration:
        """``n`` working hours."""
        return cls(Decimal(str(n)), "hours")

    @property
    def hours(self) -> Decimal:
        """The duration in working hours (1 working day = 8 h, a half day = 4 h)."""
        if self.unit == "working_days":
            return self.amount * HOURS_PER_DAY
        if self.unit == "half_days":
            return self.amount * HOURS_PER_HALF_DAY
        return self.amount

    def __add__(self, other: Duration) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        if other.unit == self.unit:
            return Duration(self.amount + other.amount, self.unit)
        return Duration(self.hours + other.hours, "hours")


# --- the days -------------------------------------------------------------------------------------


def _part(intervals: tuple[store.Interval, ...], part: str) -> tuple[store.Interval, ...]:
    """The morning (before noon) or afternoon (after noon) share of a day's intervals."""
    kept: list[store.Interval] = []
    for start, end in intervals:
        if part == DayPart.MORNING:
            start, end = start, min(end, NOON)
        else:
            start, end = max(start, NOON), end
        if start < end:
            kept.append((start, end))
    return tuple(kept)


def _without(intervals: tuple[store.Interval, ...], part: str) -> tuple[store.Interval, ...]:
    return _part(intervals, DayPart.AFTERNOON if part == DayPart.MORNING else DayPart.MORNING)


def _weekday_hours(week: store.Week, day: dt.date) -> tuple[store.Interval, ...]:
    """Hours of a make-up working day: its own weekday's, or a Monday's when it falls on a weekend."""
    return week.get(day.weekday(), ()) if day.weekday() < 5 else week.get(0, ())


def _compute_day(snap: store.Snapshot, agency_id: int | None, day: dt.date) -> tuple[store.Interval, ...]:
    week = store.week_for(snap, agency_id, day)
    package = store.package_year(day.year)
    if day in package.days_off:
        regular: tuple[store.Interval, ...] = ()
    elif day in package.weekend_workdays:
        regular = _weekday_hours(week, day)
    else:
        regular = week.get(day.weekday(), ())
    override = store.override_for(snap, agency_id, day)
    if override is None:
        return regular
    if override.kind == OverrideKind.DAY_OFF:
        return () if override.part == DayPart.WHOLE else _without(regular, override.part)
    worked = _weekday_hours(week, day)
    return worked if override.part == DayPart.WHOLE else _part(worked, override.part)


def _day_intervals(snap: store.Snapshot, agency_id: int | None, day: dt.date) -> tuple[store.Interval, ...]:
    key = (agency_id, day)
    found = snap.days.get(key)
    if found is None:
        if len(snap.days) > MAX_MEMO_DAYS:
            snap.days.clear()
        found = snap.days[key] = _compute_day(snap, agency_id, day)
    return found


def _periods(
    snap: store.Snapshot, agency_id: int | None, moment: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Office-hour periods ending at or after ``moment``, in order, clipped to start no earlier."""
    day = moment.date()
    closed = 0
    while True:
        intervals = _day_intervals(snap, agency_id, day)
        closed = 0 if intervals else closed + 1
        if closed > MAX_CLOSED_DAYS:
            raise DomainError(
                "calendar.no_working_time",
                _("Không có ngày làm việc nào trong %(days)s ngày kể từ %(day)s: kiểm tra lịch làm việc."),
                days=MAX_CLOSED_DAYS,
                day=f"{moment:%d/%m/%Y}",
            )
        for start, end in intervals:
            a = dt.datetime.combine(day, start, TZ)
            b = dt.datetime.combine(day, end, TZ)
            if b >= moment:
                yield max(a, moment), b
        day += dt.timedelta(days=1)


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the calendar needs timezone-aware datetimes")
    return moment.astimezone(TZ)


def _timedelta(hours: Decimal) -> dt.timedelta:
    return dt.timedelta(microseconds=int((hours * 3_600_000_000).to_integral_value()))


# --- public API ------------------------------------------------------------------------------------


def is_working_day(*, day: dt.date, agency_id: int | None = None) -> bool:
    """Whether the agency has any office hours on ``day`` (holidays and overrides applied)."""
    return bool(_day_intervals(store.current(), agency_id, day))


def office_hours_on(*, day: dt.date, agency_id: int | None = None) -> list[tuple[dt.time, dt.time]]:
    """The office-hour intervals of ``day``, empty on a day off."""
    return list(_day_intervals(store.current(), agency_id, day))


def is_working_moment(*, at: dt.datetime, agency_id: int | None = None) -> bool:
    """Whether ``at`` falls within office hours (both ends of an interval included)."""
    local = _local(at)
    clock = local.time().replace(tzinfo=None)
    return any(a <= clock <= b for a, b in _day_intervals(store.current(), agency_id, local.date()))


def next_working_moment(*, at: dt.datetime, agency_id: int | None = None) -> dt.datetime:
    """``at`` itself when it is a working moment, otherwise the next opening of office hours."""
    start, _end = next(_periods(store.current(), agency_id, _local(at)))
    return start


def _add_hours(
    snap: store.Snapshot, agency_id: int | None, start: dt.datetime, hours: Decimal
) -> dt.datetime:
    remaining = _timedelta(hours)
    for a, b in _periods(snap, agency_id, start):
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    raise AssertionError("unreachable: _periods is endless")


def _close_of(snap: store.Snapshot, agency_id: int | None, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, _day_intervals(snap, agency_id, day)[-1][1], TZ)


def _next_working_day(snap: store.Snapshot, agency_id: int | None, day: dt.date) -> dt.date:
    start, _end = next(
        _periods(snap, agency_id, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), TZ))
    )
    return start.date()


def _add_days(snap: store.Snapshot, agency_id: int | None, start: dt.datetime, days: Decimal) -> dt.datetime:
    received, _end = next(_periods(snap, agency_id, start))
    day = received.date()
    whole = int(days)
    for _i in range(whole):
        day = _next_working_day(snap, agency_id, day)
    fraction = days - whole
    if not fraction:
        return _close_of(snap, agency_id, day)
    # A fraction of a day is counted in office hours from the opening of the following working day.
    opening = dt.datetime.combine(_next_working_day(snap, agency_id, day), dt.time(0), TZ)
    return _add_hours(snap, agency_id, opening, fraction * HOURS_PER_DAY)


def add_working_time(*, start: dt.datetime, duration: Duration, agency_id: int | None = None) -> dt.datetime:
    """The moment ``duration`` of working time after ``start`` (see docs/calendar.md for the rules)."""
    snap = store.current()
    local = _local(start)
    if duration.unit == "working_days":
        return _add_days(snap, agency_id, local, duration.amount)
    return _add_hours(snap, agency_id, local, duration.hours)


def working_time_between(
    *, start: dt.datetime, end: dt.datetime, agency_id: int | None = None
) -> dt.timedelta:
    """Office hours elapsed from ``start`` to ``end``; negative when ``end`` is before ``start``."""
    a, b = _local(start), _local(end)
    if b < a:
        return -working_time_between(start=end, end=start, agency_id=agency_id)
    total = dt.timedelta(0)
    for pa, pb in _periods(store.current(), agency_id, a):
        if pa >= b:
            break
        total += min(pb, b) - pa
    return total


def appointment_for(
    *,
    received_at: dt.datetime,
    duration: Duration,
    same_day_cutoff: dt.time | None = None,
    agency_id: int | None = None,
) -> dt.datetime:
    """The appointment (ngày hẹn trả) for a dossier received at ``received_at``.

    A same-day procedure (a cutoff is given and the limit is at most one working day) is due at
    the close of the day of reception, or of the next working day when received at or after the
    cutoff. Otherwise the limit is added with :func:`add_working_time`.
    """
    if same_day_cutoff is None or duration.hours > HOURS_PER_DAY:
        return add_working_time(start=received_at, duration=duration, agency_id=agency_id)
    snap = store.current()
    received, _end = next(_periods(snap, agency_id, _local(received_at)))
    day = received.date()
    if received.time().replace(tzinfo=None) >= same_day_cutoff:
        day = _next_working_day(snap, agency_id, day)
    return _close_of(snap, agency_id, day)


def calendar_period_end(
    *, start: dt.datetime, amount: int, unit: CalendarUnit, agency_id: int | None = None
) -> dt.datetime:
    """The end of a limit counted in calendar days or months (Bộ luật Dân sự 2015, Art. 147-148).

    The day of ``start`` is not counted (Art. 147(2)); ``amount`` days end on ``start``'s date + ``amount``
    days (Art. 148(1)); ``amount`` months end on the same day number of the last month, or on that month's
    last day when it has no such day (Art. 148(3): 30 April + 1 month = 30 May, 31 January + 1 month = 28 or
    29 February). The limit ends at the close of that day, 24:00 (Art. 148(6)), returned as the day's last
    microsecond; when that day is a weekly rest day or a holiday, at the close of the next working day
    (Art. 148(5)).
    """
    if unit not in CALENDAR_UNITS:
        raise ValueError(f"unknown calendar unit {unit!r}")
    if amount < 0:
        raise ValueError("a limit cannot be negative")
    day = _local(start).date()
    # relativedelta keeps the day number and falls back to the month's last day (never clamps to 28).
    last = day + (relativedelta(days=amount) if unit == "days" else relativedelta(months=amount))
    snap = store.current()
    if not _day_intervals(snap, agency_id, last):
        last = _next_working_day(snap, agency_id, last)
    return dt.datetime.combine(last, dt.time.max, TZ)


def non_working_days(*, year: int, agency_id: int | None = None) -> list[tuple[dt.date, str]]:
    """Days of ``year`` without office hours, with the reason (holiday name, override reason or weekend)."""
    snap = store.current()
    package = store.package_year(year)
    result: list[tuple[dt.date, str]] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if not _day_intervals(snap, agency_id, day):
            override = store.override_for(snap, agency_id, day)
            if override is not None:
                reason = override.reason
            else:
                reason = package.days_off.get(day) or str(WEEKLY_REST)
            result.append((day, reason))
        day += dt.timedelta(days=1)
    return result


def make_up_days(*, year: int, agency_id: int | None = None) -> list[tuple[dt.date, str]]:
    """Days of ``year`` worked in exchange for a day off (package swaps and working-day overrides)."""
    snap = store.current()
    package = store.package_year(year)
    result: list[tuple[dt.date, str]] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        override = store.override_for(snap, agency_id, day)
        if override is not None and override.kind == OverrideKind.WORKING_DAY:
            result.append((day, override.reason))
        elif override is None and day in package.weekend_workdays:
            result.append((day, str(MAKE_UP_DAY)))
        day += dt.timedelta(days=1)
    return result


def clear_cache() -> None:
    """Forget the calendar held in memory by this process (it reloads on next use)."""
    store.clear()
