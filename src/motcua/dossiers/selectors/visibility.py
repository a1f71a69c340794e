"""Which dossiers a user may see and what they may do to one now: the pages' reads of ``dossiers.access``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import access, errors, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, RatingChannel


def not_found() -> DomainError:
    """The one answer for a dossier the user may not see: it never says whether it exists."""
    return DomainError(errors.FORBIDDEN, _("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này."))


def visible_dossiers(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """Dossiers the user may read (``access.visible_dossiers``)."""
    return access.visible_dossiers(user=user, on=on)


def can_view(*, dossier: Dossier, user: Any, on: dt.date) -> bool:
    return visible_dossiers(user=user, on=on).filter(pk=dossier.pk).exists()


def get_dossier(*, code: str, user: Any, on: dt.date) -> Dossier:
    """The dossier with this code, if the user may see it, with the rows its page always shows (the
    version's form and time limit, the current step, the place) joined in the same query."""
    dossier = (
        visible_dossiers(user=user, on=on)
        .filter(code=code)
        .select_related("procedure_version", "current_step__step", "place_unit__parent")
        .first()
    )
    if dossier is None:
        raise not_found()
    return dossier


def allowed_actions(*, dossier: Dossier, user: Any, now: dt.datetime) -> list[str]:
    """What this user may do to the dossier now (the buttons a page shows): ``access.allowed_actions``."""
    return access.allowed_actions(user=user, dossier=dossier, on=timezone.localdate(now))


def can_attach_result(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.ATTACH_RESULT, dossier, on=timezone.localdate(now))


def can_extend(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    """Whether the page offers the extension (gia hạn) form: ``access`` rule ``extend``."""
    return access.may(user, Act.EXTEND, dossier, on=timezone.localdate(now))


def extension_latest(dossier: Dossier) -> dt.datetime | None:
    """The latest appointment an extension may set: ``extension_max`` working days counted from the first
    appointment (None when the version allows no extension)."""
    days = dossier.procedure_version.extension_max
    if days is None or dossier.initial_appointment_at is None:
        return None
    return lookups.add_working_days(
        start=dossier.initial_appointment_at, days=days, agency_id=dossier.competent_agency_id
    )


def can_rate(*, dossier: Dossier, user: Any, now: dt.datetime | None = None) -> bool:
    """Whether the rating form is offered: to the applicant (``user``), or on the public lookup (no user,
    the caller checked the code and the ID digits)."""
    channel = RatingChannel.LOOKUP if user is None else RatingChannel.PORTAL
    return access.may(user, Act.RATE, dossier, on=timezone.localdate(now or timezone.now()), subject=channel)
