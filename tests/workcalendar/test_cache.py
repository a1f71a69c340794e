"""The calendar is held in memory: a deadline never queries per day, and changes are seen at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.request_scope import a_request
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
    # One version check (made on every use outside a request), nothing per day.
    assert len(queries) <= 1


def test_an_override_saved_through_the_admin_model_is_seen_by_the_next_computation():
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))
    CalendarOverride.objects.create(date=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_a_change_made_by_another_process_or_by_raw_sql_is_noticed_through_the_version_row():
    override = services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))
    # No model signal: the database trigger draws the calendar's new token.
    CalendarOverride.objects.filter(pk=override.pk).update(kind=OverrideKind.WORKING_DAY)
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workcalendar_calendaroverride SET kind = %s", [OverrideKind.DAY_OFF])
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_inside_a_request_the_version_row_is_read_once_and_read_again_by_the_next_request():
    version = "core_snapshotversion"
    with a_request():
        with CaptureQueriesContext(connection) as first:
            for _ in range(3):
                selectors.is_working_day(day=dt.date(2026, 3, 4))
        assert sum(version in q["sql"] for q in first.captured_queries) == 1
        with CaptureQueriesContext(connection) as cached:
            selectors.is_working_day(day=dt.date(2026, 3, 5))
        assert len(cached) == 0
    with a_request(), CaptureQueriesContext(connection) as second:
        selectors.is_working_day(day=dt.date(2026, 3, 4))
    assert [q["sql"] for q in second.captured_queries if version in q["sql"]]


def test_a_snapshot_read_in_a_rolled_back_transaction_is_not_kept():
    day = dt.date(2026, 3, 4)
    assert selectors.is_working_day(day=day)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.declare_override(day=day, kind=OverrideKind.DAY_OFF, reason="Nghỉ")
        assert not selectors.is_working_day(day=day)
        raise RuntimeError("rolled back")
    assert selectors.is_working_day(day=day)


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
