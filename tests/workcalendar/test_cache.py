"""The calendar is held in memory: a deadline never queries per day, and changes are seen at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.calendar import selectors, services
from motcua.calendar.models import CalendarOverride, OverrideKind
from motcua.calendar.selectors import Duration

from .calendar_clock import at

pytestmark = pytest.mark.django_db


def test_a_deadline_a_year_away_costs_a_constant_number_of_queries(agency):
    selectors.add_working_time(start=at(2026, 1, 5, 9), duration=Duration.days(1), agency_id=agency.pk)
    with CaptureQueriesContext(connection) as queries:
        due = selectors.add_working_time(
            start=at(2026, 1, 5, 9), duration=Duration.days(240), agency_id=agency.pk
        )
    assert due.year == 2026 and due.month == 12
    # One fingerprint check (made on every call inside a transaction, as tests run), nothing per day.
    assert len(queries) <= 1


def test_an_override_saved_through_the_admin_model_is_seen_by_the_next_computation():
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))
    CalendarOverride.objects.create(date=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_a_change_made_without_signals_is_noticed_through_the_table_fingerprint():
    override = services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))
    # A queryset update sends no signal, as when another process changes the row.
    CalendarOverride.objects.filter(pk=override.pk).update(
        kind=OverrideKind.WORKING_DAY, updated_at=override.updated_at + dt.timedelta(seconds=1)
    )
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_an_interval_change_is_seen_through_its_schedule(agency):
    hours = services.set_office_hours(
        agency=agency, week={5: [(dt.time(7, 30), dt.time(11, 30))]}, valid_from=dt.date(2026, 1, 1)
    )
    assert selectors.office_hours_on(day=dt.date(2026, 3, 7), agency_id=agency.pk) == [
        (dt.time(7, 30), dt.time(11, 30))
    ]
    interval = hours.intervals.get()
    interval.end = dt.time(10, 30)
    interval.save()
    assert selectors.office_hours_on(day=dt.date(2026, 3, 7), agency_id=agency.pk) == [
        (dt.time(7, 30), dt.time(10, 30))
    ]
