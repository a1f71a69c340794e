"""Changes to the calendar: overrides of single days and office hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.calendar.models import CalendarOverride, DayPart, OfficeHours, OfficeInterval, OverrideKind
from motcua.core.errors import DomainError
from motcua.org.models import Agency


def check_override(
    *,
    day: dt.date,
    kind: str,
    reason: str,
    part: str = DayPart.WHOLE,
    agency: Agency | None = None,
    province_code: str = "",
    override: CalendarOverride | None = None,
    replace: bool = False,
) -> str:
    """Raise DomainError unless this override may be declared; return its province code.

    ``override`` is the one being changed; another override of the same day and scope is refused
    unless ``replace`` (``declare_override`` replaces it).
    """
    if kind not in OverrideKind.values:
        raise DomainError("calendar.override_kind", _("Loại ngày không hợp lệ: %(kind)s."), kind=kind)
    if part not in DayPart.values:
        raise DomainError("calendar.override_part", _("Buổi không hợp lệ: %(part)s."), part=part)
    if not reason.strip():
        raise DomainError("calendar.override_reason", _("Cần ghi lý do nghỉ hoặc làm bù."))
    if agency is not None:
        if province_code and province_code != agency.province_code:
            raise DomainError("calendar.override_province", _("Mã tỉnh không khớp với tỉnh của cơ quan."))
        province_code = agency.province_code
    if not replace:
        others = _same_scope(day=day, agency=agency, province_code=province_code)
        if override is not None:
            others = others.exclude(pk=override.pk)
        if others.exists():
            raise DomainError(
                "calendar.override_taken",
                _("Ngày %(day)s đã có ngày nghỉ hoặc ngày làm bù cho cùng phạm vi."),
                day=f"{day:%d/%m/%Y}",
            )
    return province_code


def _same_scope(*, day: dt.date, agency: Agency | None, province_code: str):
    if agency is not None:
        return CalendarOverride.objects.filter(date=day, agency=agency)
    return CalendarOverride.objects.filter(date=day, agency__isnull=True, province_code=province_code)


@transaction.atomic
def declare_override(
    *,
    day: dt.date,
    kind: str,
    reason: str,
    legal_basis: str = "",
    part: str = DayPart.WHOLE,
    agency: Agency | None = None,
    province_code: str = "",
) -> CalendarOverride:
    """Declare ``day`` a day off or a working day for one agency, a province or the whole country.

    An existing override of the same day and scope is replaced.
    """
    province_code = check_override(
        day=day, kind=kind, reason=reason, part=part, agency=agency, province_code=province_code, replace=True
    )
    override = _same_scope(day=day, agency=agency, province_code=province_code).first() or CalendarOverride(
        date=day, agency=agency, province_code=province_code
    )
    override.kind, override.part, override.reason, override.legal_basis = (
        kind,
        part,
        reason.strip(),
        legal_basis,
    )
    override.save()
    return override


@transaction.atomic
def change_override(
    *,
    override: CalendarOverride,
    day: dt.date,
    kind: str,
    reason: str,
    legal_basis: str = "",
    part: str = DayPart.WHOLE,
    agency: Agency | None = None,
    province_code: str = "",
) -> CalendarOverride:
    """Correct an override; moving it onto a day another override of the same scope holds is refused."""
    override = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    province_code = check_override(
        day=day,
        kind=kind,
        reason=reason,
        part=part,
        agency=agency,
        province_code=province_code,
        override=override,
    )
    override.date, override.kind, override.part = day, kind, part
    override.reason, override.legal_basis = reason.strip(), legal_basis
    override.agency, override.province_code = agency, province_code
    override.save()
    return override


@transaction.atomic
def withdraw_override(*, override: CalendarOverride) -> None:
    """Remove an override: the day follows the holidays package (and office hours) again."""
    override.delete()


def check_week(
    *, week: Mapping[int, Iterable[tuple[dt.time, dt.time]]]
) -> list[tuple[int, dt.time, dt.time]]:
    """The week's intervals as (weekday, start, end), or DomainError: a bad weekday, an end before its
    start, two intervals of one day that overlap."""
    intervals: list[tuple[int, dt.time, dt.time]] = []
    for weekday, items in week.items():
        if weekday not in range(7):
            raise DomainError("calendar.weekday", _("Thứ trong tuần không hợp lệ: %(day)s."), day=weekday)
        spans = sorted(items)
        for i, (start, end) in enumerate(spans):
            if end <= start:
                raise DomainError("calendar.interval_order", _("Giờ kết thúc phải sau giờ bắt đầu."))
            if i and start < spans[i - 1][1]:
                raise DomainError(
                    "calendar.interval_overlap", _("Các khoảng giờ làm việc bị chồng lên nhau.")
                )
            intervals.append((weekday, start, end))
    return intervals


@transaction.atomic
def set_office_hours(
    *,
    agency: Agency | None,
    week: Mapping[int, Iterable[tuple[dt.time, dt.time]]],
    valid_from: dt.date,
    note: str = "",
) -> OfficeHours:
    """Office hours from ``valid_from`` on: weekday (0 = Monday) -> intervals.

    For an agency, list only the weekdays that differ from the default schedule. The schedule in
    force before ``valid_from`` ends there.
    """
    intervals = check_week(week=week)
    OfficeHours.objects.filter(agency=agency, valid_to__isnull=True, valid_from__lt=valid_from).update(
        valid_to=valid_from, updated_at=timezone.now()
    )
    hours = OfficeHours.objects.filter(agency=agency, valid_from=valid_from).first()
    if hours is None:
        hours = OfficeHours.objects.create(agency=agency, valid_from=valid_from, note=note)
    else:
        hours.note = note
        hours.save()
        hours.intervals.all().delete()
    OfficeInterval.objects.bulk_create(
        OfficeInterval(office_hours=hours, weekday=weekday, start=start, end=end)
        for weekday, start, end in intervals
    )
    hours.save()  # bulk_create sends no signal: saving the schedule drops the cached calendar
    return hours
