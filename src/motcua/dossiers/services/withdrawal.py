"""Rút hồ sơ: the applicant (or a reception officer recording the written request) closes the dossier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import access, events
from motcua.dossiers.access import Act
from motcua.dossiers.models import Consultation, Dossier, State
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import close_step, save_dossier

WITHDRAW = Act.WITHDRAW


@transaction.atomic
def withdraw(
    *, dossier: Dossier, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Công dân rút hồ sơ: the applicant (or a reception officer recording the written request) closes it."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.WITHDRAW, on=timezone.localdate(now))
    close_step(dossier, by=access.staff_of(by), action=WITHDRAW, now=now)
    Consultation.objects.filter(dossier=dossier, answered_at__isnull=True).update(answered_at=now, answer="")
    dossier.state = State.WITHDRAWN
    dossier.closed_at = now
    dossier.paused_at = None
    save_dossier(dossier)
    events.withdrawn(dossier, by=by, now=now, origin=origin, reason=reason)
    return dossier
