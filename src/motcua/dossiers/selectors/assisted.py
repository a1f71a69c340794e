"""Reads for assisted online submission (Directive 24/CT-TTg): the dossiers waiting for a citizen's e-ID
confirmation, and the dossiers the counter recorded while the online path was down."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import access
from motcua.dossiers.access import Act
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier


def awaiting_confirmation_for(*, user: Any) -> QuerySet[Dossier]:
    """Dossiers prepared at a counter that wait for this citizen's confirmation: those carrying the ID
    number of the account (from the national e-ID), oldest first."""
    number = str(getattr(user, "national_id", "") or "") if getattr(user, "is_authenticated", False) else ""
    if not number:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(state=State.AWAITING_CONFIRMATION, applicant_id_number=number)
        .select_related("procedure", "procedure_version", "reception_point", "competent_agency")
        .order_by("submitted_at", "pk")
    )


def dossier_to_confirm(*, code: str, user: Any, on: dt.date) -> Dossier:
    """One dossier this citizen may confirm (the one policy decides), else ``dossier.forbidden``."""
    dossier = Dossier.objects.filter(code=code, state=State.AWAITING_CONFIRMATION).first()
    if dossier is None or not access.may(user, Act.CONFIRM_SUBMISSION, dossier, on=on):
        raise DomainError(
            "dossier.forbidden", _("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này.")
        )
    return dossier


def recorded_offline_for(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """Dossiers recorded offline that this officer may see, oldest first (shown until they are submitted)."""
    return (
        access.visible_dossiers(user=user, on=on)
        .filter(state=State.RECORDED_OFFLINE)
        .order_by("recorded_offline_at", "pk")
    )


def pending_offline_count() -> int:
    return Dossier.objects.filter(state=State.RECORDED_OFFLINE).count()
