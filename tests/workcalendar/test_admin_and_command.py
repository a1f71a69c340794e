"""The admin pages of the calendar and `motcua calendar show`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from motcua.calendar import services
from motcua.calendar.models import CalendarOverride, OfficeHours, OverrideKind

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_adds_overrides(admin_client):
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Bão số 3")
    listing = admin_client.get(reverse("admin:workcalendar_calendaroverride_changelist"))
    assert listing.status_code == 200
    assert "Bão số 3" in listing.content.decode()
    assert admin_client.get(reverse("admin:workcalendar_calendaroverride_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_add"),
        {"date": "2026-03-05", "kind": "working_day", "part": "whole", "reason": "Làm bù", "legal_basis": ""},
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(date=dt.date(2026, 3, 5), kind="working_day").exists()


def test_the_admin_shows_the_default_office_hours_with_their_intervals(admin_client):
    default = OfficeHours.objects.get(agency__isnull=True)
    page = admin_client.get(reverse("admin:workcalendar_officehours_change", args=[default.pk]))
    assert page.status_code == 200
    assert "13:30" in page.content.decode()


def test_calendar_show_lists_the_holidays_of_2026():
    out = StringIO()
    call_command("calendar", "show", "--year", "2026", stdout=out)
    text = out.getvalue()
    assert "2026-02-17 T3  Tết Nguyên Đán" in text
    assert "2026-08-31 T2" in text
    assert "2026-08-22 T7  làm việc: Ngày làm việc bù" in text
    assert "2026-03-07" not in text  # an ordinary Saturday is left out without --weekends


def test_the_admin_refuses_an_override_overlapping_another(admin_client):
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Bão số 3")
    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_add"),
        {
            "date": "2026-03-04",
            "kind": "working_day",
            "part": "morning",
            "reason": "Làm bù",
            "legal_basis": "",
        },
    )
    assert response.status_code == 200
    assert "đã có ngày nghỉ hoặc ngày làm bù" in response.content.decode()
    assert list(CalendarOverride.objects.filter(date=dt.date(2026, 3, 4)).values_list("kind", "reason")) == [
        ("day_off", "Bão số 3")
    ]


def test_the_admin_refuses_to_move_an_override_onto_another(admin_client):
    services.declare_override(day=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Bão số 3")
    other = services.declare_override(day=dt.date(2026, 3, 5), kind=OverrideKind.DAY_OFF, reason="Bão số 4")
    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_change", args=[other.pk]),
        {"date": "2026-03-04", "kind": "day_off", "part": "whole", "reason": "Bão số 4", "legal_basis": ""},
    )
    assert response.status_code == 200
    assert "đã có ngày nghỉ hoặc ngày làm bù" in response.content.decode()
    other.refresh_from_db()
    assert other.date == dt.date(2026, 3, 5)


def test_the_admin_refuses_an_override_without_a_reason(admin_client):
    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_add"),
        {"date": "2026-03-06", "kind": "day_off", "part": "whole", "reason": "   ", "legal_basis": ""},
    )
    assert response.status_code == 200
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 3, 6)).exists()


def test_the_admin_refuses_office_hours_whose_intervals_overlap(admin_client):
    default = OfficeHours.objects.get(agency__isnull=True)
    intervals = list(default.intervals.order_by("weekday", "start"))
    data = {
        "agency": "",
        "valid_from": default.valid_from.isoformat(),
        "valid_to": "",
        "note": default.note,
        "intervals-TOTAL_FORMS": str(len(intervals) + 1),
        "intervals-INITIAL_FORMS": str(len(intervals)),
        "intervals-MIN_NUM_FORMS": "0",
        "intervals-MAX_NUM_FORMS": "1000",
    }
    for i, interval in enumerate(intervals):
        data |= {
            f"intervals-{i}-id": interval.pk,
            f"intervals-{i}-office_hours": default.pk,
            f"intervals-{i}-weekday": interval.weekday,
            f"intervals-{i}-start": interval.start.strftime("%H:%M"),
            f"intervals-{i}-end": interval.end.strftime("%H:%M"),
        }
    n = len(intervals)
    data |= {
        f"intervals-{n}-office_hours": default.pk,
        f"intervals-{n}-weekday": "0",
        f"intervals-{n}-start": "10:00",
        f"intervals-{n}-end": "14:00",
    }
    response = admin_client.post(reverse("admin:workcalendar_officehours_change", args=[default.pk]), data)
    assert response.status_code == 200
    assert "Các khoảng giờ làm việc bị chồng lên nhau." in response.content.decode()
    assert default.intervals.count() == n


def test_the_admin_saves_a_new_schedule_through_the_service_which_ends_the_one_before(admin_client):
    default = OfficeHours.objects.get(agency__isnull=True, valid_to__isnull=True)
    start = default.valid_from + dt.timedelta(days=400)
    data = {
        "agency": "",
        "valid_from": start.isoformat(),
        "note": "Giờ làm việc mùa hè",
        "intervals-TOTAL_FORMS": "2",
        "intervals-INITIAL_FORMS": "0",
        "intervals-MIN_NUM_FORMS": "0",
        "intervals-MAX_NUM_FORMS": "1000",
        "intervals-0-weekday": "0",
        "intervals-0-start": "07:00",
        "intervals-0-end": "11:00",
        "intervals-1-weekday": "0",
        "intervals-1-start": "13:30",
        "intervals-1-end": "16:30",
    }
    response = admin_client.post(reverse("admin:workcalendar_officehours_add"), data)
    assert response.status_code == 302
    new = OfficeHours.objects.get(agency__isnull=True, valid_from=start)
    assert sorted((i.start.hour, i.end.hour) for i in new.intervals.all()) == [(7, 11), (13, 16)]
    default.refresh_from_db()
    assert default.valid_to == start  # the schedule before ends where the new one starts
