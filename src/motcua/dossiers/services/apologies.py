"""Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Circular 03/2025/TT-VPCP, form 04): the
competent agency drafts it, its leader signs it and the appointment moves.

The rules (``access.apology_time_refusal``, the one policy): issued no later than
``MOTCUA_APOLOGY_LEAD_DAYS`` working days (default 1) before the appointment, so never after the deadline
(Decree 61/2018: at least one day before the deadline, the return date moved once [kiểm tra Decree
118/2025]); at most ``ProcedureVersion.apologies_allowed`` per dossier (default 1). The first appointment
(``Dossier.initial_appointment_at``) never moves with an apology: lateness is measured against it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError, FieldError
from motcua.dossiers import access, events, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import ApologyNotice, Dossier, State
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service


def _latest_apology_date(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """The latest new appointment an apology may set: the procedure's time limit once more, counted from
    the first appointment (the one before any apology) or from now when that has already passed, so that
    a late dossier can still be given a date. It also keeps each status check's calendar walk short."""
    start = dossier.initial_appointment_at or dossier.appointment_at
    assert start is not None
    return lookups.appointment_for(
        version=dossier.procedure_version, received_at=max(start, now), agency_id=dossier.competent_agency_id
    )


@service
def draft_apology(
    *,
    dossier: Dossier,
    by: Any,
    reason: str,
    new_appointment_at: dt.datetime,
    now: dt.datetime | None = None,
    origin: str = "",
) -> ApologyNotice:
    """Văn bản xin lỗi và đề nghị gia hạn: staff of the competent agency propose a new date and the reason,
    no later than the lead day before the appointment and within the catalog's number of apologies."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.DRAFT_APOLOGY, on=timezone.localdate(now))
    assert dossier.appointment_at is not None
    if new_appointment_at <= dossier.appointment_at or new_appointment_at <= now:
        raise DomainError("apology.date", _("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    latest = _latest_apology_date(dossier, now)
    if new_appointment_at > latest:
        raise FieldError(
            "apology.too_late",
            _(
                "Ngày hẹn mới không được sau %(latest)s (thêm một lần thời hạn giải quyết của thủ tục, "
                "tính từ ngày hẹn ban đầu hoặc từ hôm nay nếu ngày đó đã qua)."
            ),
            field="new_date",
            latest=f"{timezone.localtime(latest):%H:%M %d/%m/%Y}",
        )
    staff = access.staff_of(by)
    assert staff is not None
    notice = ApologyNotice.objects.create(
        dossier=dossier,
        agency=dossier.competent_agency,
        reason=reason,
        old_appointment_at=dossier.appointment_at,
        new_appointment_at=new_appointment_at,
        drafted_by=staff,
        drafted_at=now,
    )
    save_dossier(dossier)
    events.apology_drafted(dossier, by=by, now=now, origin=origin, notice=notice)
    return notice


@service
def sign_apology(
    *, notice: ApologyNotice, by: Any, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The responsible leader signs: the appointment moves to the new date and the applicant is told."""
    now = now or timezone.now()
    dossier = access.check(
        by, notice.dossier, Act.SIGN_APOLOGY, on=timezone.localdate(now), subject=notice, check_version=False
    )
    assert dossier.appointment_at is not None
    if notice.new_appointment_at <= dossier.appointment_at:
        raise DomainError("apology.date", _("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    staff = access.staff_of(by)
    notice.signed_by = staff
    notice.signed_at = now
    notice.save(update_fields=["signed_by", "signed_at"])
    old = dossier.appointment_at
    dossier.appointment_at = notice.new_appointment_at
    if dossier.state == State.SUPPLEMENT:
        # The clock is stopped: keep the extension for when it restarts.
        extra = lookups.working_hours_between(
            start=old, end=notice.new_appointment_at, agency_id=notice.agency_id
        )
        dossier.paused_remaining_hours = (dossier.paused_remaining_hours or Decimal(0)) + extra
    save_dossier(dossier)
    events.apology_signed(dossier, by=by, now=now, origin=origin, notice=notice, old=old)
    return dossier
