"""Limits counted in calendar days and months end as the Civil Code says (Bộ luật Dân sự 2015, Art. 147-148).

The day of reception is not counted; a month ends on the same day number of the last month, or on its last
day when it has none (never clamped to the 28th); the limit ends at the close (24:00) of its last day, or of
the next working day when that day is a weekly rest day or a holiday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.calendar import selectors
from motcua.catalog.models import ProcedureVersion, TimeUnit
from motcua.dossiers import lookups

from .calendar_clock import VN, at

pytestmark = pytest.mark.django_db


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, VN)


def period(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    return selectors.calendar_period_end(start=start, amount=amount, unit=unit)  # type: ignore[arg-type]


def test_one_month_from_30_april_ends_on_30_may_not_28_may():
    # Friday 30 May 2025 is a working day.
    assert period(at(2025, 4, 30, 10), 1, "months") == end_of(dt.date(2025, 5, 30))


def test_one_month_from_31_january_ends_on_the_last_day_of_february():
    assert period(at(2025, 1, 31, 9), 1, "months") == end_of(dt.date(2025, 2, 28))  # a Friday
    assert period(at(2028, 1, 31, 9), 1, "months") == end_of(dt.date(2028, 2, 29))  # leap year, a Tuesday


def test_a_month_ending_on_a_weekend_ends_at_the_close_of_the_next_working_day():
    # 31 January 2026 + 1 month = Saturday 28 February 2026 → Monday 2 March 2026.
    assert period(at(2026, 1, 31, 9), 1, "months") == end_of(dt.date(2026, 3, 2))


def test_a_days_limit_ending_on_a_sunday_ends_at_the_close_of_monday():
    # Tuesday 3 March 2026 + 5 days = Sunday 8 March (the day of reception is not counted) → Monday 9 March.
    assert period(at(2026, 3, 3, 10), 5, "days") == end_of(dt.date(2026, 3, 9))


def test_a_days_limit_ends_at_the_close_of_its_last_day_not_at_the_hour_of_reception():
    # Tuesday 3 March 2026 16:00 + 2 days = Thursday 5 March, 24:00.
    end = period(at(2026, 3, 3, 16), 2, "days")
    assert end == end_of(dt.date(2026, 3, 5))
    assert end > at(2026, 3, 5, 23, 59)


def test_a_days_limit_ending_on_a_public_holiday_moves_past_it():
    # Thursday 30 April and Friday 1 May 2026 are holidays, then a weekend: 27 April + 3 days → Monday 4 May.
    assert period(at(2026, 4, 27, 9), 3, "days") == end_of(dt.date(2026, 5, 4))


@pytest.mark.parametrize(
    ("unit", "amount", "received", "due"),
    [
        (TimeUnit.MONTHS, 1, at(2025, 4, 30, 10), end_of(dt.date(2025, 5, 30))),
        (TimeUnit.MONTHS, 1, at(2025, 1, 31, 10), end_of(dt.date(2025, 2, 28))),
        (TimeUnit.DAYS, 5, at(2026, 3, 3, 10), end_of(dt.date(2026, 3, 9))),
    ],
)
def test_a_dossier_appointment_follows_the_civil_code_for_calendar_units(unit, amount, received, due):
    version = ProcedureVersion(time_limit_amount=Decimal(amount), time_limit_unit=unit)
    assert lookups.appointment_for(version=version, received_at=received, agency_id=None) == due


def test_a_negative_or_unknown_calendar_limit_is_refused():
    with pytest.raises(ValueError):
        period(at(2026, 3, 3), -1, "days")
    with pytest.raises(ValueError):
        period(at(2026, 3, 3), 1, "weeks")
