"""Supplements during processing (form 02): the step stops the clock and asks for documents; the applicant
(or a reception officer on their behalf) supplies them, at reception or during processing, and the clock runs
again per the version's ``supplement_clock``. What a second or late request must explain is in
``dossiers.supplement_rules``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action, SupplementClock
from motcua.core.errors import DomainError, FieldError
from motcua.core.text import LONG_TEXT, check_text
from motcua.dossiers import access, errors, events, lookups, supplement_rules
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, State
from motcua.dossiers.services import clock
from motcua.dossiers.services.extensions import first_appointment_after_supplement
from motcua.dossiers.services.inputs import DocumentInput, add_documents, require_reason
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service


def supplement_items(dossier: Dossier, missing: Sequence[str]) -> list[dict[str, str]]:
    if not missing:
        raise DomainError(errors.SUPPLEMENT_NO_ITEMS, _("Vui lòng nêu cụ thể giấy tờ cần bổ sung."))
    names = dict(dossier.procedure_version.documents.values_list("code", "name"))
    # A code of a required document names it; anything else is a free-text item the officer wrote.
    return [{"code": m, "name": names[m]} if m in names else {"code": "", "name": m} for m in missing]


def _explanation(text: str, conditions: supplement_rules.RequestConditions) -> str:
    """The written reason a second or late request needs (docs/legal-basis.md section 8)."""
    text = (text or "").strip()
    if text:
        label = _("Lý do yêu cầu bổ sung lần này")
        text = check_text(text, field="explanation", label=label, max_length=LONG_TEXT, multiline=True)
    if text or not conditions.needs_explanation:
        return text
    if conditions.repeat:
        raise FieldError(
            errors.SUPPLEMENT_REPEAT_REASON,
            _(
                "Hồ sơ đã có yêu cầu bổ sung: cơ quan giải quyết phải nêu đầy đủ các nội dung cần bổ sung "
                "trong một lần. Yêu cầu bổ sung lần này phải nêu rõ lý do không yêu cầu trong lần trước."
            ),
            field="explanation",
        )
    assert conditions.deadline is not None
    raise FieldError(
        errors.SUPPLEMENT_LATE_REASON,
        _(
            "Đã quá hạn yêu cầu bổ sung (%(deadline)s). Vẫn được yêu cầu bổ sung nhưng phải nêu rõ lý do "
            "yêu cầu muộn."
        ),
        field="explanation",
        deadline=timezone.localtime(conditions.deadline).strftime("%H:%M %d/%m/%Y"),
    )


@service
def request_supplement(
    *,
    dossier: Dossier,
    by: Any,
    missing: Sequence[str],
    reason: str,
    explanation: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Stop the clock and ask the applicant for the listed documents; resumes at the same step.

    Everything missing is listed once: a second request needs ``explanation`` (why it was not asked the
    first time) and is marked, since the service index counts the dossier late; a request after the
    version's ``supplement_request_days`` needs it too and is marked late."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Action.REQUEST_SUPPLEMENT, on=timezone.localdate(now))
    items = supplement_items(dossier, missing)
    conditions = supplement_rules.request_conditions(dossier, now)
    explanation = _explanation(explanation, conditions)
    current = dossier.current_step
    assert current is not None and dossier.appointment_at is not None
    clock.stop(dossier, now)
    dossier.supplement_count += 1
    dossier.state = State.SUPPLEMENT
    save_dossier(dossier)
    events.supplement_requested(
        dossier,
        by=by,
        now=now,
        origin=origin,
        reason=reason,
        missing=items,
        number=dossier.supplement_count,
        repeat=conditions.repeat,
        late=conditions.late,
        deadline=conditions.deadline,
        explanation=explanation,
    )
    return dossier


@service
def supply_documents(
    *,
    dossier: Dossier,
    by: Any,
    documents: Sequence[DocumentInput],
    note: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The applicant (or a reception officer on their behalf) brings the requested documents.

    At reception the dossier goes back to the completeness check. During processing the clock runs again
    per the version's ``supplement_clock`` and the appointment and step deadline move by the time spent
    waiting.
    """
    now = now or timezone.now()
    dossier = access.check(by, dossier, Act.SUPPLY, on=timezone.localdate(now))
    if not documents:
        raise DomainError(errors.SUPPLEMENT_EMPTY, _("Vui lòng đính kèm giấy tờ bổ sung."))
    required = {d.code: d for d in dossier.procedure_version.documents.all()}
    unknown = [d.code for d in documents if d.code not in required]
    if unknown:
        raise DomainError(
            "reception.unknown_document",
            _("Giấy tờ không thuộc thành phần hồ sơ: %(codes)s"),
            codes=", ".join(unknown),
        )
    add_documents(dossier, documents, required, now)
    waited: str | None = None
    if dossier.state == State.RECEPTION_SUPPLEMENT:
        dossier.state = State.SUBMITTED
    else:
        _resume_clock(dossier, now)
        waited = str(
            lookups.working_hours_between(
                start=dossier.paused_at or now, end=now, agency_id=dossier.competent_agency_id
            )
        )
        clock.clear(dossier)
        dossier.state = State.IN_PROCESS
    save_dossier(dossier)
    events.supplement_provided(
        dossier,
        by=by,
        now=now,
        origin=origin,
        note=note,
        codes=[d.code for d in documents],
        waited_hours=waited,
    )
    return dossier


def _resume_clock(dossier: Dossier, now: dt.datetime) -> None:
    assert dossier.appointment_at is not None
    old = dossier.appointment_at
    # The version's rule (catalog attribute ``supplement_clock``): the time limit runs from receipt of the
    # complete dossier, resuming what was left (default) or, where the version says so, from the start.
    if dossier.procedure_version.supplement_clock == SupplementClock.RESTART:
        new = lookups.appointment_for(
            version=dossier.procedure_version, received_at=now, agency_id=dossier.competent_agency_id
        )
    else:
        new = clock.appointment_resumed(dossier, now)
    # The clock only stopped: an appointment never moves earlier.
    dossier.appointment_at = max(old, new)
    first_appointment_after_supplement(dossier, old=old, now=now)
    clock.resume_step(dossier, now)
