"""Consultations: a step asks another agency for its opinion; the consulted agency answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.core.errors import DomainError
from motcua.core.text import LONG_TEXT, check_text
from motcua.dossiers import access, events
from motcua.dossiers.access import Act
from motcua.dossiers.models import Consultation, Dossier, State
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service
from motcua.org.models import Agency


@service
def consult(
    *,
    dossier: Dossier,
    by: Any,
    agency: Agency,
    question: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Consultation:
    """Ask another agency for its opinion; the step waits for the answer (the clock keeps running)."""
    now = now or timezone.now()
    question = (question or "").strip()
    if not question:
        raise DomainError("consult.empty", _("Vui lòng nêu nội dung xin ý kiến."))
    check_text(
        question, field="question", label=_("Nội dung xin ý kiến"), max_length=LONG_TEXT, multiline=True
    )
    dossier = access.check(by, dossier, Action.CONSULT, on=timezone.localdate(now))
    staff = access.staff_of(by)
    assert staff is not None  # the policy let only a step performer through
    current = dossier.current_step
    assert current is not None
    if agency.pk == current.agency_id:
        raise DomainError("consult.same_agency", _("Không thể xin ý kiến chính cơ quan đang xử lý."))
    consultation = Consultation.objects.create(
        dossier=dossier,
        dossier_step=current,
        agency=agency,
        question=question,
        requested_by=staff,
        requested_at=now,
    )
    dossier.state = State.CONSULTING
    save_dossier(dossier)
    events.consultation_requested(dossier, by=by, now=now, origin=origin, consultation=consultation)
    return consultation


@service
def answer_consultation(
    *, consultation: Consultation, by: Any, answer: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The consulted agency answers; the dossier resumes at the step that asked."""
    now = now or timezone.now()
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("consult.empty_answer", _("Vui lòng nhập ý kiến trả lời."))
    check_text(answer, field="answer", label=_("Ý kiến trả lời"), max_length=LONG_TEXT, multiline=True)
    dossier = access.check(
        by,
        consultation.dossier,
        Act.ANSWER_CONSULTATION,
        on=timezone.localdate(now),
        subject=consultation,
        check_version=False,
    )
    consultation.answer = answer
    consultation.answered_by = access.staff_of(by)
    consultation.answered_at = now
    consultation.save(update_fields=["answer", "answered_by", "answered_at"])
    dossier.state = State.IN_PROCESS
    save_dossier(dossier)
    events.consultation_answered(dossier, by=by, now=now, origin=origin, consultation=consultation)
    return dossier
