"""Administrator overrides win over the holidays package, most specific scope first."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar import selectors, services
from motcua.calendar.models import DayPart, OverrideKind
from motcua.calendar.selectors import Duration
from motcua.core.errors import DomainError

from .calendar_clock import at

pytestmark = pytest.mark.django_db


def test_a_day_off_override_pushes_the_deadline_by_one_working_day():
    start = at(2026, 3, 2, 9)  # Monday
    assert selectors.add_working_time(start=start, duration=Duration.days(3)) == at(2026, 3, 5, 17)
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Bão số 3")
    assert selectors.add_working_time(start=start, duration=Duration.days(3)) == at(2026, 3, 6, 17)


def test_a_working_day_override_makes_a_saturday_count_with_weekday_hours():
    services.declare_override(
        day=dt.date(2026, 3, 7),
        kind=OverrideKind.WORKING_DAY,
        reason="Làm bù",
        legal_basis="Thông báo của UBND",
    )
    assert selectors.office_hours_on(day=dt.date(2026, 3, 7)) == selectors.office_hours_on(
        day=dt.date(2026, 3, 2)
    )
    # Thursday 09:00 + 2 working days: Friday, then the make-up Saturday.
    assert selectors.add_working_time(start=at(2026, 3, 5, 9), duration=Duration.days(2)) == at(
        2026, 3, 7, 17
    )


def test_the_package_make_up_saturday_of_2026_is_a_working_day():
    # The package swaps Saturday 22/8/2026 for Monday 31/8/2026 (National Day bridge).
    assert selectors.is_working_day(day=dt.date(2026, 8, 22))
    assert not selectors.is_working_day(day=dt.date(2026, 8, 31))


def test_a_working_day_override_wins_over_a_package_holiday():
    services.declare_override(
        day=dt.date(2026, 8, 31), kind=OverrideKind.WORKING_DAY, reason="Không hoán đổi"
    )
    services.declare_override(day=dt.date(2026, 8, 22), kind=OverrideKind.DAY_OFF, reason="Không hoán đổi")
    assert selectors.is_working_day(day=dt.date(2026, 8, 31))
    assert not selectors.is_working_day(day=dt.date(2026, 8, 22))


def test_an_agency_override_applies_to_that_agency_only(agency, other_agency):
    services.declare_override(
        day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Chuyển trụ sở", agency=agency
    )
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4), agency_id=agency.pk)
    assert selectors.is_working_day(day=dt.date(2026, 3, 4), agency_id=other_agency.pk)
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_a_province_override_applies_to_its_agencies_and_the_agency_override_is_more_specific(
    agency, other_agency
):
    services.declare_override(
        day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Lễ hội", province_code="46"
    )
    services.declare_override(
        day=dt.date(2026, 3, 4), kind=OverrideKind.WORKING_DAY, reason="Trực", agency=agency
    )
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4), agency_id=other_agency.pk)
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))  # this installation serves province 46
    assert selectors.is_working_day(day=dt.date(2026, 3, 4), agency_id=agency.pk)


def test_an_override_of_another_province_changes_nothing_here():
    services.declare_override(
        day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Lễ hội", province_code="01"
    )
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_a_morning_off_leaves_the_afternoon_to_work():
    services.declare_override(
        day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, part=DayPart.MORNING, reason="Mít tinh"
    )
    assert selectors.office_hours_on(day=dt.date(2026, 3, 4)) == [(dt.time(13, 30), dt.time(17, 0))]
    assert not selectors.is_working_moment(at=at(2026, 3, 4, 9))
    # Tuesday 16:00 + 4 h: 1 h on Tuesday, then 3 h from Wednesday 13:30.
    assert selectors.add_working_time(start=at(2026, 3, 3, 16), duration=Duration.of_hours(4)) == at(
        2026, 3, 4, 16, 30
    )


def test_a_make_up_saturday_morning_adds_only_the_morning():
    services.declare_override(
        day=dt.date(2026, 3, 7),
        kind=OverrideKind.WORKING_DAY,
        part=DayPart.MORNING,
        reason="Làm bù buổi sáng",
    )
    assert selectors.office_hours_on(day=dt.date(2026, 3, 7)) == [(dt.time(7, 0), dt.time(11, 30))]


def test_declaring_the_same_day_again_replaces_the_override():
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.WORKING_DAY, reason="Làm việc lại")
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_withdrawing_an_override_restores_the_package_day():
    override = services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ")
    assert not selectors.is_working_day(day=dt.date(2026, 3, 4))
    services.withdraw_override(override=override)
    assert selectors.is_working_day(day=dt.date(2026, 3, 4))


def test_an_override_without_reason_is_refused():
    with pytest.raises(DomainError) as refused:
        services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="  ")
    assert refused.value.code == "calendar.override_reason"


def test_an_agency_override_with_another_province_code_is_refused(agency):
    with pytest.raises(DomainError) as refused:
        services.declare_override(
            day=dt.date(2026, 3, 4),
            kind=OverrideKind.DAY_OFF,
            reason="Nghỉ",
            agency=agency,
            province_code="01",
        )
    assert refused.value.code == "calendar.override_province"
