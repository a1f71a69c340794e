"""The calendar is held in memory: a deadline never queries per day, and changes are seen at once."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from motcua.calendar import selectors, services, snapshot
from motcua.calendar.models import CalendarOverride, CalendarVersion, OverrideKind
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


def test_a_change_made_by_another_process_is_noticed_through_the_version_row():
    override = services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))
    # Another process: a queryset update (no signal, this process's snapshot kept) and a new version token.
    CalendarOverride.objects.filter(pk=override.pk).update(kind=OverrideKind.WORKING_DAY)
    CalendarVersion.objects.filter(pk=1).update(token=F("token") + 1)
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_a_change_without_a_new_version_is_not_seen_which_is_why_writers_bump_it():
    override = services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))
    CalendarOverride.objects.filter(pk=override.pk).update(kind=OverrideKind.WORKING_DAY)
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))
    snapshot.bump()
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


@contextmanager
def a_request():
    """The request signals as the test client sends them (without closing the test's connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        try:
            yield
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_inside_a_request_the_version_row_is_read_once_and_read_again_by_the_next_request():
    with a_request():
        with CaptureQueriesContext(connection) as first:
            for _ in range(3):
                selectors.is_working_day(day=dt.date(2026, 3, 4))
        assert sum("workcalendar_calendarversion" in q["sql"] for q in first.captured_queries) == 1
        with CaptureQueriesContext(connection) as cached:
            selectors.is_working_day(day=dt.date(2026, 3, 5))
        assert len(cached) == 0
    with a_request(), CaptureQueriesContext(connection) as second:
        selectors.is_working_day(day=dt.date(2026, 3, 4))
    assert [q["sql"] for q in second.captured_queries if "workcalendar_calendarversion" in q["sql"]]


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
