"""Deadlines across Tết Bính Ngọ 2026 (see docs/calendar.md for the days off and their sources)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar import selectors, services
from motcua.calendar.models import OverrideKind
from motcua.calendar.selectors import Duration
from motcua.calendar.snapshot import package_year

from .calendar_clock import at

pytestmark = pytest.mark.django_db


def test_package_reports_five_weekdays_off_for_tet_2026():
    tet = {day for day in package_year(2026).days_off if dt.date(2026, 2, 1) <= day <= dt.date(2026, 2, 28)}
    assert tet == {dt.date(2026, 2, d) for d in (16, 17, 18, 19, 20)}


def test_tet_2026_closes_the_office_nine_days_in_a_row():
    closed = [dt.date(2026, 2, 14) + dt.timedelta(days=i) for i in range(9)]
    assert not any(selectors.is_working_day(day=day) for day in closed)
    assert selectors.is_working_day(day=dt.date(2026, 2, 13))
    assert selectors.is_working_day(day=dt.date(2026, 2, 23))


def test_five_working_days_from_13_february_2026_end_on_27_february_with_the_package_alone():
    due = selectors.add_working_time(start=at(2026, 2, 13, 9), duration=Duration.days(5))
    assert due == at(2026, 2, 27, 17)


def test_the_government_decision_for_tet_2026_as_overrides_keeps_27_february():
    # Official schedule: off from Saturday 14/2 to Sunday 22/2/2026, no make-up working day.
    for offset in range(9):
        services.declare_override(
            day=dt.date(2026, 2, 14) + dt.timedelta(days=offset),
            kind=OverrideKind.DAY_OFF,
            reason="Nghỉ Tết Nguyên đán Bính Ngọ",
            legal_basis="Lịch nghỉ Tết Nguyên đán 2026 của cán bộ, công chức, viên chức (14/2–22/2/2026)",
        )
    due = selectors.appointment_for(received_at=at(2026, 2, 13, 9), duration=Duration.days(5))
    assert due == at(2026, 2, 27, 17)


def test_an_extra_day_off_after_tet_moves_the_deadline_to_2_march():
    services.declare_override(day=dt.date(2026, 2, 23), kind=OverrideKind.DAY_OFF, reason="Nghỉ thêm")
    due = selectors.add_working_time(start=at(2026, 2, 13, 9), duration=Duration.days(5))
    assert due == at(2026, 3, 2, 17)


def test_working_hours_across_tet_skip_the_closed_days():
    # Friday 13/2 from 15:00: 2 h left that day, then the office reopens on Monday 23/2.
    due = selectors.add_working_time(start=at(2026, 2, 13, 15), duration=Duration.of_hours(4))
    assert due == at(2026, 2, 23, 9)
    assert selectors.working_time_between(start=at(2026, 2, 13, 15), end=due) == dt.timedelta(hours=4)
