"""Office hours: the default week, the lunch break, and an agency's own Saturday morning."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar import selectors, services
from motcua.calendar.selectors import Duration
from motcua.core.errors import DomainError

from .calendar_clock import at

pytestmark = pytest.mark.django_db

SATURDAY_MORNING = {5: [(dt.time(7, 30), dt.time(11, 30))]}


def test_half_a_day_from_ten_oclock_spans_the_lunch_break():
    # Monday 2026-03-02: 10:00–11:30 (1.5 h), then 13:30–16:00 (2.5 h).
    assert selectors.add_working_time(start=at(2026, 3, 2, 10), duration=Duration.half(1)) == at(
        2026, 3, 2, 16
    )
    assert selectors.add_working_time(start=at(2026, 3, 2, 10), duration=Duration.of_hours(4)) == at(
        2026, 3, 2, 16
    )
    assert selectors.working_time_between(start=at(2026, 3, 2, 10), end=at(2026, 3, 2, 16)) == dt.timedelta(
        hours=4
    )


def test_default_office_hours_are_closed_on_saturday_and_sunday():
    assert selectors.office_hours_on(day=dt.date(2026, 3, 2)) == [
        (dt.time(7, 0), dt.time(11, 30)),
        (dt.time(13, 30), dt.time(17, 0)),
    ]
    assert not selectors.is_working_day(day=dt.date(2026, 3, 7))
    assert not selectors.is_working_day(day=dt.date(2026, 3, 8))


def test_four_hours_from_friday_afternoon_end_on_monday_without_saturday_hours(agency):
    due = selectors.add_working_time(start=at(2026, 3, 6, 15), duration=Duration.half(1), agency_id=agency.pk)
    assert due == at(2026, 3, 9, 9)


def test_an_agency_open_on_saturday_morning_finishes_half_a_day_on_saturday(agency, other_agency):
    services.set_office_hours(agency=agency, week=SATURDAY_MORNING, valid_from=dt.date(2026, 1, 1))
    # Friday 15:00–17:00 is 2 h, then Saturday 07:30–09:30.
    due = selectors.add_working_time(start=at(2026, 3, 6, 15), duration=Duration.half(1), agency_id=agency.pk)
    assert due == at(2026, 3, 7, 9, 30)
    # Weekdays still follow the default hours; other agencies still rest on Saturday.
    assert selectors.office_hours_on(day=dt.date(2026, 3, 6), agency_id=agency.pk)[-1] == (
        dt.time(13, 30),
        dt.time(17, 0),
    )
    assert selectors.is_working_day(day=dt.date(2026, 3, 7), agency_id=agency.pk)
    assert not selectors.is_working_day(day=dt.date(2026, 3, 7), agency_id=other_agency.pk)
    assert selectors.add_working_time(
        start=at(2026, 3, 6, 15), duration=Duration.half(1), agency_id=other_agency.pk
    ) == at(2026, 3, 9, 9)


def test_a_saturday_that_is_a_public_holiday_stays_closed_for_a_saturday_agency(agency):
    services.set_office_hours(agency=agency, week=SATURDAY_MORNING, valid_from=dt.date(2026, 1, 1))
    # 2027-05-01 (Labour Day) falls on a Saturday.
    assert not selectors.is_working_day(day=dt.date(2027, 5, 1), agency_id=agency.pk)


def test_office_hours_change_from_their_valid_from_date(agency):
    services.set_office_hours(agency=agency, week=SATURDAY_MORNING, valid_from=dt.date(2026, 3, 1))
    assert not selectors.is_working_day(day=dt.date(2026, 2, 28), agency_id=agency.pk)
    assert selectors.is_working_day(day=dt.date(2026, 3, 7), agency_id=agency.pk)


def test_new_default_hours_replace_the_old_ones_from_their_date():
    summer = {
        weekday: [(dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0))] for weekday in range(5)
    }
    services.set_office_hours(agency=None, week=summer, valid_from=dt.date(2026, 5, 1))
    assert selectors.office_hours_on(day=dt.date(2026, 4, 29))[0] == (dt.time(7, 0), dt.time(11, 30))
    assert selectors.office_hours_on(day=dt.date(2026, 5, 4))[0] == (dt.time(7, 30), dt.time(11, 30))


def test_overlapping_office_hours_are_refused():
    with pytest.raises(DomainError) as refused:
        services.set_office_hours(
            agency=None,
            week={0: [(dt.time(7, 0), dt.time(12, 0)), (dt.time(11, 0), dt.time(17, 0))]},
            valid_from=dt.date(2026, 1, 1),
        )
    assert refused.value.code == "calendar.interval_overlap"
