"""What the dossier engine reads from the catalog, the organization, the geography and the calendar, in one
place. All of it comes from versioned in-process snapshots (``core.snapshots``): no query while the rows did
not change; what is returned is shared between requests and read-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from motcua.calendar import selectors as calendar
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import ProcedureVersion, TimeUnit, WorkflowStep
from motcua.geo import selectors as geo_selectors
from motcua.org import selectors as org_selectors

# The local time zone, for pages that build a local moment from a typed date and time; dates and local
# times of a moment come from ``django.utils.timezone.localdate`` / ``localtime``.
TZ = ZoneInfo(settings.TIME_ZONE)


# --- catalog, organization and geography: their selectors ----------------------------------------

version_in_force = catalog_selectors.version_in_force
resolve_competent_agency = catalog_selectors.resolve_competent_agency
competence_place = catalog_selectors.competence_place
competence_place_fields = catalog_selectors.competence_place_fields
workflow_of = catalog_selectors.workflow_of
initial_step = catalog_selectors.initial_step
step_transitions = catalog_selectors.step_transitions
required_documents = catalog_selectors.required_documents
procedures_listed = catalog_selectors.procedures_listed
resolve_place_commune = catalog_selectors.resolve_place_commune
commune_committee_for = org_selectors.commune_committee_for
agency = org_selectors.agency
agencies_in_force = org_selectors.agencies_in_force
reception_point_in_force = org_selectors.reception_point_in_force
latest_unit = geo_selectors.latest_unit


def initial_step_of(version: ProcedureVersion) -> WorkflowStep:
    """The first step of the version's workflow (from the snapshot); the catalog explains a malformed one."""
    return initial_step(workflow_of(version))


def fee_for(*, version: ProcedureVersion, form_data: dict[str, Any], on: dt.date) -> Decimal:
    """The fee on the submission date ``on`` (what ``days_since`` in a formula counts to)."""
    return Decimal(catalog_selectors.fee_for(version=version, form_data=form_data, on=on))


fee_quote = catalog_selectors.fee_quote


# --- calendar ----------------------------------------------------------------------------------------


def add_working_hours(*, start: dt.datetime, hours: Decimal, agency_id: int | None = None) -> dt.datetime:
    if hours <= 0:
        return start
    return calendar.add_working_time(
        start=start, duration=calendar.Duration(Decimal(hours), "hours"), agency_id=agency_id
    )


def working_hours_between(*, start: dt.datetime, end: dt.datetime, agency_id: int | None = None) -> Decimal:
    """Working hours from ``start`` to ``end``; negative when ``end`` is before ``start``."""
    delta = calendar.working_time_between(start=start, end=end, agency_id=agency_id)
    return (Decimal(delta.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


def add_working_days(*, start: dt.datetime, days: int, agency_id: int | None = None) -> dt.datetime:
    """The close of the ``days``-th working day after the day of ``start`` (the calendar's working days)."""
    return calendar.add_working_time(start=start, duration=calendar.Duration.days(days), agency_id=agency_id)


def working_day_before(*, day: dt.date, days: int, agency_id: int | None = None) -> dt.date:
    """The ``days``-th working day before ``day`` (``day`` itself when ``days`` is 0)."""
    found = 0
    for _i in range(400 + 7 * days):  # bounded like the calendar's own searches
        if found == days:
            return day
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day=day, agency_id=agency_id):
            found += 1
    raise AssertionError("no working day in the calendar before this day")


def appointment_for(
    *, version: ProcedureVersion, received_at: dt.datetime, agency_id: int | None
) -> dt.datetime:
    """The appointment date (ngày hẹn trả) for a dossier received at ``received_at`` under ``version``.

    Working-day and hour limits and the same-day cutoff follow the calendar's ``appointment_for``;
    limits in calendar days or months follow the Civil Code (``calendar.calendar_period_end``: the same day
    number of the last month, or its last day; at the close of the last day, or of the next working day).
    """
    amount = Decimal(version.time_limit_amount)
    if version.time_limit_unit in (TimeUnit.DAYS, TimeUnit.MONTHS):
        unit: calendar.CalendarUnit = "days" if version.time_limit_unit == TimeUnit.DAYS else "months"
        return calendar.calendar_period_end(
            start=received_at, amount=int(amount), unit=unit, agency_id=agency_id
        )
    duration = (
        calendar.Duration(amount, "hours")
        if version.time_limit_unit == TimeUnit.HOURS
        else calendar.Duration(amount, "working_days")
    )
    return calendar.appointment_for(
        received_at=received_at,
        duration=duration,
        same_day_cutoff=version.same_day_cutoff,
        agency_id=agency_id,
    )
