"""Rút hồ sơ: a request of the applicant, decided by the competent agency.

Withdrawal is the citizen's request, national status 7 "Công dân yêu cầu rút hồ sơ", decided by the agency
(legal.md; Decree 118/2025/NĐ-CP [kiểm tra the article]; docs/legal-basis.md section 9):
- the applicant asks on the portal, or a reception officer records the written request
  (``request_withdrawal``), until the result is ready; one request at a time;
- while it waits, the national status is 7, processing may go on and the appointment stays;
- a leader of the competent agency decides: accepts (``accept_withdrawal``: the dossier is withdrawn, the
  originals to return and the fee handling are recorded) or declines with a reason (``decline_withdrawal``:
  the dossier continues).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import FieldError
from motcua.core.text import LONG_TEXT, check_text
from motcua.dossiers import access, events
from motcua.dossiers.access import Act
from motcua.dossiers.models import Consultation, Dossier, State, WithdrawalRequest
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import close_step, save_dossier
from motcua.dossiers.services.unit import service

WITHDRAW = Act.WITHDRAW


def originals_on_file(dossier: Dossier) -> list[str]:
    """The documents submitted with originals (bản chính), which go back to the applicant on withdrawal. Reads
    ``documents.all()``: the dossier page has them loaded already."""
    documents = sorted(dossier.documents.all(), key=lambda d: d.pk)
    return [f"{d.name} ({d.originals})" for d in documents if d.originals > 0]


@service
def request_withdrawal(
    *, dossier: Dossier, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> WithdrawalRequest:
    """Yêu cầu rút hồ sơ: the applicant (or a reception officer recording the written request) asks; nothing
    ends until the competent agency decides."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.WITHDRAW, on=timezone.localdate(now))
    staff = access.staff_of(by)
    on_behalf = (
        staff if dossier.applicant_id is None or getattr(by, "pk", None) != dossier.applicant_id else None
    )
    request = WithdrawalRequest.objects.create(
        dossier=dossier,
        reason=reason,
        requested_by=by if getattr(by, "pk", None) else None,
        recorded_by=on_behalf,
        requested_at=now,
    )
    dossier.withdrawal_pending = True
    save_dossier(dossier)
    events.withdrawal_requested(dossier, by=by, now=now, origin=origin, request=request)
    return request


@service
def accept_withdrawal(
    *,
    request: WithdrawalRequest,
    by: Any,
    originals_returned: str = "",
    fee_refunded: bool | None = None,
    fee_note: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The competent agency accepts: the dossier is withdrawn (its open step and consultations close), the
    originals to return to the applicant and how the fee was handled (refunded or not, a note) are kept."""
    now = now or timezone.now()
    dossier = access.check(
        by,
        request.dossier,
        Act.DECIDE_WITHDRAWAL,
        on=timezone.localdate(now),
        subject=request,
        check_version=False,
    )
    originals_returned = check_text(
        originals_returned.strip(),
        field="originals_returned",
        label=_("Bản chính trả lại"),
        max_length=LONG_TEXT,
        multiline=True,
    )
    fee_note = check_text(
        fee_note.strip(),
        field="fee_note",
        label=_("Ghi chú về phí, lệ phí"),
        max_length=LONG_TEXT,
        multiline=True,
    )
    if not originals_returned and originals_on_file(dossier):
        raise FieldError(
            "withdraw.originals",
            _("Vui lòng ghi các bản chính trả lại công dân."),
            field="originals_returned",
        )
    if dossier.fee:
        if fee_refunded is None:
            raise FieldError(
                "withdraw.fee",
                _("Hồ sơ có phí, lệ phí: vui lòng chọn đã hoàn trả hay không hoàn trả."),
                field="fee_refunded",
            )
        if not fee_note:
            raise FieldError(
                "withdraw.fee_note",
                _("Vui lòng ghi chú việc xử lý phí, lệ phí (căn cứ hoàn trả hoặc không hoàn trả)."),
                field="fee_note",
            )
    else:
        fee_refunded = None
    staff = access.staff_of(by)
    request.outcome = WithdrawalRequest.Outcome.ACCEPTED
    request.decided_by = staff
    request.decided_at = now
    request.originals_returned = originals_returned
    request.fee_refunded = fee_refunded
    request.fee_note = fee_note
    request.save()
    close_step(dossier, by=staff, action=WITHDRAW, now=now)
    Consultation.objects.filter(dossier=dossier, answered_at__isnull=True).update(answered_at=now, answer="")
    dossier.state = State.WITHDRAWN
    dossier.withdrawal_pending = False
    dossier.closed_at = now
    dossier.paused_at = None
    save_dossier(dossier)
    events.withdrawn(dossier, by=by, now=now, origin=origin, request=request)
    return dossier


@service
def decline_withdrawal(
    *, request: WithdrawalRequest, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The competent agency declines, with the reason the applicant reads: the dossier continues."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(
        by,
        request.dossier,
        Act.DECIDE_WITHDRAWAL,
        on=timezone.localdate(now),
        subject=request,
        check_version=False,
    )
    request.outcome = WithdrawalRequest.Outcome.DECLINED
    request.decided_by = access.staff_of(by)
    request.decided_at = now
    request.decision_note = reason
    request.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    dossier.withdrawal_pending = False
    save_dossier(dossier)
    events.withdrawal_declined(dossier, by=by, now=now, origin=origin, request=request)
    return dossier
