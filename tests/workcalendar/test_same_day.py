"""The same-day rule: procedures of at most one working day received after the cutoff are due the next day."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar import selectors, services
from motcua.calendar.models import OverrideKind
from motcua.calendar.selectors import Duration

from .calendar_clock import at

pytestmark = pytest.mark.django_db

CUTOFF = dt.time(15, 0)


ONE_DAY = Duration.days(1)


def appointment(received_at: dt.datetime, duration: Duration = ONE_DAY, **kwargs) -> dt.datetime:
    return selectors.appointment_for(
        received_at=received_at, duration=duration, same_day_cutoff=CUTOFF, **kwargs
    )


def test_received_before_the_cutoff_is_due_at_the_close_of_the_same_day():
    assert appointment(at(2026, 3, 3, 14, 59)) == at(2026, 3, 3, 17)


def test_received_at_or_after_the_cutoff_is_due_at_the_close_of_the_next_working_day():
    assert appointment(at(2026, 3, 3, 15, 0)) == at(2026, 3, 4, 17)
    assert appointment(at(2026, 3, 3, 16, 30)) == at(2026, 3, 4, 17)


def test_received_on_friday_after_the_cutoff_is_due_on_monday():
    assert appointment(at(2026, 3, 6, 15, 30)) == at(2026, 3, 9, 17)


def test_received_after_office_hours_counts_from_the_next_morning():
    assert appointment(at(2026, 3, 3, 19)) == at(2026, 3, 4, 17)


def test_received_during_the_lunch_break_is_still_a_same_day_dossier():
    assert appointment(at(2026, 3, 3, 12, 15)) == at(2026, 3, 3, 17)


def test_received_on_a_sunday_is_due_at_the_close_of_monday():
    assert appointment(at(2026, 3, 8, 10)) == at(2026, 3, 9, 17)


def test_received_on_a_sunday_with_three_working_days_is_due_on_thursday():
    # Sunday: counting starts on Monday 9/3, the day of reception; three following days end on Thursday.
    assert selectors.appointment_for(received_at=at(2026, 3, 8, 10), duration=Duration.days(3)) == at(
        2026, 3, 12, 17
    )


def test_the_cutoff_does_not_apply_to_longer_procedures():
    assert appointment(at(2026, 3, 3, 16), Duration.days(2)) == at(2026, 3, 5, 17)


def test_without_cutoff_one_working_day_ends_at_the_close_of_the_next_working_day():
    assert selectors.appointment_for(received_at=at(2026, 3, 3, 9), duration=Duration.days(1)) == at(
        2026, 3, 4, 17
    )


def test_received_after_the_cutoff_before_a_day_off_is_due_after_the_day_off():
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert appointment(at(2026, 3, 3, 15, 30)) == at(2026, 3, 5, 17)


def test_same_day_at_an_agency_open_on_saturday_ends_at_its_saturday_close(agency):
    services.set_office_hours(
        agency=agency, week={5: [(dt.time(7, 30), dt.time(11, 30))]}, valid_from=dt.date(2026, 1, 1)
    )
    assert appointment(at(2026, 3, 7, 9), agency_id=agency.pk) == at(2026, 3, 7, 11, 30)
    assert appointment(at(2026, 3, 6, 16), agency_id=agency.pk) == at(2026, 3, 7, 11, 30)
