"""Durations, zero durations, time zones and working moments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.calendar import selectors
from motcua.calendar.selectors import Duration

from .calendar_clock import VN, at

pytestmark = pytest.mark.django_db


def test_durations_convert_to_working_hours():
    assert Duration.days(2).hours == Decimal(16)
    assert Duration.half(3).hours == Decimal(12)
    assert Duration.of_hours("2.5").hours == Decimal("2.5")
    assert Duration(Decimal(1), "hours") == Duration.of_hours(1)
    assert Duration.of_hours(2) + Duration.of_hours(3) == Duration.of_hours(5)
    assert Duration.days(1) + Duration.half(1) == Duration.of_hours(12)


def test_a_negative_or_unknown_duration_is_a_programming_error():
    with pytest.raises(ValueError):
        Duration.of_hours(-1)
    with pytest.raises(ValueError):
        Duration(Decimal(1), "weeks")  # type: ignore[arg-type]


def test_zero_hours_during_office_hours_is_the_start_itself():
    assert selectors.add_working_time(start=at(2026, 3, 3, 9, 10), duration=Duration.of_hours(0)) == at(
        2026, 3, 3, 9, 10
    )


def test_zero_hours_outside_office_hours_is_the_next_opening():
    assert selectors.add_working_time(start=at(2026, 3, 7, 9), duration=Duration.of_hours(0)) == at(
        2026, 3, 9, 7
    )


def test_zero_working_days_end_at_the_close_of_the_day_of_reception():
    assert selectors.add_working_time(start=at(2026, 3, 3, 9), duration=Duration.days(0)) == at(
        2026, 3, 3, 17
    )
    assert selectors.add_working_time(start=at(2026, 3, 7, 9), duration=Duration.days(0)) == at(
        2026, 3, 9, 17
    )


def test_a_fraction_of_a_working_day_is_counted_from_the_next_morning():
    # 1.5 days from Tuesday: Wednesday, then 4 office hours of Thursday (07:00–11:00).
    assert selectors.add_working_time(start=at(2026, 3, 3, 9), duration=Duration.days("1.5")) == at(
        2026, 3, 5, 11
    )


def test_the_close_of_office_hours_is_a_working_moment_and_lunch_is_not():
    assert selectors.is_working_moment(at=at(2026, 3, 3, 11, 30))
    assert selectors.is_working_moment(at=at(2026, 3, 3, 17))
    assert not selectors.is_working_moment(at=at(2026, 3, 3, 12))
    assert not selectors.is_working_moment(at=at(2026, 3, 3, 6, 59))
    assert selectors.next_working_moment(at=at(2026, 3, 3, 12)) == at(2026, 3, 3, 13, 30)
    assert selectors.next_working_moment(at=at(2026, 3, 3, 17, 1)) == at(2026, 3, 4, 7)


def test_datetimes_in_other_time_zones_are_converted_to_vietnam_time():
    start_utc = dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Huế
    due = selectors.add_working_time(start=start_utc, duration=Duration.of_hours(1))
    assert due == at(2026, 3, 3, 10)
    assert due.tzinfo == VN
    paris = dt.datetime(2026, 3, 3, 3, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 09:00 in Huế
    assert selectors.is_working_moment(at=paris)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        selectors.is_working_moment(at=dt.datetime(2026, 3, 3, 9))


def test_working_time_between_is_negative_backwards():
    forward = selectors.working_time_between(start=at(2026, 3, 3, 9), end=at(2026, 3, 4, 9))
    assert forward == dt.timedelta(hours=8)
    assert selectors.working_time_between(start=at(2026, 3, 4, 9), end=at(2026, 3, 3, 9)) == -forward


def test_working_time_between_ignores_weekends_and_nights():
    assert selectors.working_time_between(start=at(2026, 3, 6, 17), end=at(2026, 3, 9, 7)) == dt.timedelta(0)
