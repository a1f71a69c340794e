"""Gia hạn thời gian giải quyết: a same-day procedure the law lets the agency extend when verification is
needed (e.g. marriage: Luật Hộ tịch 2014 Art. 18(2), up to 5 working days), and how the first appointment
follows the stopped clock of a supplement.

The first appointment (``Dossier.initial_appointment_at``) is what lateness is measured against: an apology
never moves it; the law's own rules do (an extension within ``extension_max``; the time waiting for the
citizen's supplement, which is not counted: legal.md, indicator 2.1).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from motcua.core.errors import FieldError
from motcua.dossiers import access, events, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service


@service
def extend(
    *,
    dossier: Dossier,
    by: Any,
    days: int,
    reason: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Gia hạn: staff of the competent agency move the appointment by ``days`` working days (at most the
    version's ``extension_max``) from the first appointment, with the reason (e.g. the conditions of marriage
    must be verified). Once per dossier; the event carries the first and the moved appointment."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.EXTEND, on=timezone.localdate(now))
    allowed = dossier.procedure_version.extension_max
    assert allowed is not None and dossier.initial_appointment_at is not None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= allowed:
        raise FieldError(
            "extension.too_long",
            ngettext_lazy(
                "Chỉ được gia hạn từ 1 đến %(max)s ngày làm việc tính từ ngày hẹn ban đầu (%(basis)s).",
                "Chỉ được gia hạn từ 1 đến %(max)s ngày làm việc tính từ ngày hẹn ban đầu (%(basis)s).",
                allowed,
            ),
            field="days",
            max=allowed,
            basis=dossier.procedure_version.extension_basis,
        )
    first = dossier.initial_appointment_at
    moved = lookups.add_working_days(start=first, days=days, agency_id=dossier.competent_agency_id)
    if dossier.appointment_at is not None and moved <= dossier.appointment_at:
        raise FieldError(
            "extension.too_short",
            _("Ngày hẹn sau gia hạn phải sau ngày hẹn hiện tại (%(current)s)."),
            field="days",
            current=f"{timezone.localtime(dossier.appointment_at):%H:%M %d/%m/%Y}",
        )
    dossier.appointment_at = moved
    # A lawful extension is the law's own limit: lateness is measured against it.
    dossier.initial_appointment_at = moved
    save_dossier(dossier)
    events.extended(
        dossier,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        first=first,
        days=days,
        basis=dossier.procedure_version.extension_basis,
    )
    return dossier


def first_appointment_after_supplement(dossier: Dossier, *, old: dt.datetime, now: dt.datetime) -> None:
    """When the clock restarts after a supplement, the first appointment moves as the appointment did (the
    waiting is not counted), unless an apology had already moved the appointment: then it keeps the working
    time it had left when the clock stopped (none when it had already passed: a late dossier stays late)."""
    first = dossier.initial_appointment_at
    if first is None or first == old:
        dossier.initial_appointment_at = dossier.appointment_at
        return
    agency = dossier.competent_agency_id
    left = lookups.working_hours_between(start=dossier.paused_at or now, end=first, agency_id=agency)
    if left > Decimal(0):
        dossier.initial_appointment_at = max(
            first, lookups.add_working_hours(start=now, hours=left, agency_id=agency)
        )
