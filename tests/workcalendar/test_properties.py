"""Properties of working-time arithmetic, checked with hypothesis around the holidays of 2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar import selectors, services
from motcua.calendar.models import DayPart, OverrideKind
from motcua.calendar.selectors import Duration

from .calendar_clock import at

pytestmark = pytest.mark.django_db

BASE = at(2025, 12, 1)
SPAN_MINUTES = 60 * 24 * 456  # to the end of February 2027
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

moments = st.integers(0, SPAN_MINUTES).map(lambda minutes: BASE + dt.timedelta(minutes=minutes))
# Hundredths of an hour (36 s) are exact both in Decimal and in microseconds.
hour_amounts = st.integers(0, 20_000).map(lambda n: Decimal(n) / 100)
durations = st.one_of(
    hour_amounts.map(Duration.of_hours),
    st.integers(0, 40).map(Duration.half),
    st.integers(0, 30).map(Duration.days),
    st.integers(0, 60).map(lambda n: Duration.days(Decimal(n) / 2)),
)


@pytest.fixture
def busy_calendar(agency):
    """An agency open on Saturday mornings, with a province day off and a make-up afternoon."""
    services.set_office_hours(
        agency=agency, week={5: [(dt.time(7, 30), dt.time(11, 30))]}, valid_from=dt.date(2026, 1, 1)
    )
    services.declare_override(
        day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Lễ hội", province_code="46"
    )
    services.declare_override(
        day=dt.date(2026, 3, 15),
        kind=OverrideKind.WORKING_DAY,
        part=DayPart.AFTERNOON,
        reason="Làm bù",
        agency=agency,
    )
    return agency.pk


@pytest.fixture(params=["default", "agency"])
def agency_id(request, busy_calendar):
    return None if request.param == "default" else busy_calendar


@PROPERTY
@given(s1=moments, s2=moments, duration=durations)
def test_a_later_start_never_gives_an_earlier_deadline(agency_id, s1, s2, duration):
    s1, s2 = min(s1, s2), max(s1, s2)
    first = selectors.add_working_time(start=s1, duration=duration, agency_id=agency_id)
    second = selectors.add_working_time(start=s2, duration=duration, agency_id=agency_id)
    assert first <= second


@PROPERTY
@given(start=moments, a=hour_amounts, b=hour_amounts, unit=st.sampled_from(["hours", "working_days"]))
def test_a_longer_duration_never_gives_an_earlier_deadline(agency_id, start, a, b, unit):
    short, long = Duration(min(a, b), unit), Duration(max(a, b), unit)
    assert selectors.add_working_time(
        start=start, duration=short, agency_id=agency_id
    ) <= selectors.add_working_time(start=start, duration=long, agency_id=agency_id)


@PROPERTY
@given(start=moments, a=hour_amounts, b=hour_amounts)
def test_adding_hours_in_two_steps_equals_adding_them_at_once(agency_id, start, a, b):
    start = selectors.next_working_moment(at=start, agency_id=agency_id)
    first = selectors.add_working_time(start=start, duration=Duration.of_hours(a), agency_id=agency_id)
    both = selectors.add_working_time(start=first, duration=Duration.of_hours(b), agency_id=agency_id)
    assert both == selectors.add_working_time(
        start=start, duration=Duration.of_hours(a + b), agency_id=agency_id
    )


@PROPERTY
@given(start=moments, duration=durations)
def test_a_deadline_is_always_a_working_moment(agency_id, start, duration):
    due = selectors.add_working_time(start=start, duration=duration, agency_id=agency_id)
    assert selectors.is_working_moment(at=due, agency_id=agency_id)
    assert selectors.is_working_day(day=due.date(), agency_id=agency_id)


@PROPERTY
@given(start=moments, hours=hour_amounts)
def test_the_working_time_to_a_deadline_in_hours_is_the_duration(agency_id, start, hours):
    start = selectors.next_working_moment(at=start, agency_id=agency_id)
    due = selectors.add_working_time(start=start, duration=Duration.of_hours(hours), agency_id=agency_id)
    elapsed = selectors.working_time_between(start=start, end=due, agency_id=agency_id)
    assert elapsed == dt.timedelta(seconds=int(hours * 3600))
    assert selectors.working_time_between(start=due, end=start, agency_id=agency_id) == -elapsed


@PROPERTY
@given(moment=moments)
def test_the_next_working_moment_is_a_working_moment_not_before_the_given_one(agency_id, moment):
    found = selectors.next_working_moment(at=moment, agency_id=agency_id)
    assert found >= moment
    assert selectors.is_working_moment(at=found, agency_id=agency_id)
    assert selectors.working_time_between(start=moment, end=found, agency_id=agency_id) == dt.timedelta(0)


@PROPERTY
@given(start=moments, days=st.integers(0, 25), cutoff=st.sampled_from([None, dt.time(15, 0)]))
def test_a_working_day_deadline_is_the_close_of_a_working_day(agency_id, start, days, cutoff):
    due = selectors.appointment_for(
        received_at=start, duration=Duration.days(days), same_day_cutoff=cutoff, agency_id=agency_id
    )
    hours = selectors.office_hours_on(day=due.date(), agency_id=agency_id)
    assert due.time() == hours[-1][1]
    assert due >= start
