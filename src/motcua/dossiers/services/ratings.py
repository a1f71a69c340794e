"""Đánh giá mức độ hài lòng: once per dossier, after the result or the written refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.core.text import check_text
from motcua.dossiers import access, events
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, RatingChannel, Satisfaction, SatisfactionRating
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service


@service
def rate(
    *,
    dossier: Dossier,
    by: Any,
    level: int | str,
    comment: str = "",
    channel: str = RatingChannel.PORTAL,
    now: dt.datetime | None = None,
    origin: str = "",
) -> SatisfactionRating:
    """Đánh giá mức độ hài lòng: once per dossier, by its applicant, after the result or the refusal.

    ``channel`` lookup is for people without an account: the caller has checked the dossier code and the
    applicant's ID digits (``by`` is then anonymous).
    """
    now = now or timezone.now()
    try:
        level = Satisfaction(int(level))
    except (TypeError, ValueError) as error:
        raise DomainError("rating.level", _("Vui lòng chọn một mức độ hài lòng.")) from error
    if channel not in RatingChannel.values:
        raise DomainError("rating.channel", _("Kênh đánh giá không hợp lệ."))
    dossier = access.check(
        by, dossier, Act.RATE, on=timezone.localdate(now), subject=channel, check_version=False
    )
    is_applicant = dossier.applicant_id is not None and getattr(by, "pk", None) == dossier.applicant_id
    rating = SatisfactionRating.objects.create(
        dossier=dossier,
        province_code=dossier.province_code,
        level=level,
        comment=check_text(
            (comment or "").strip()[:2000], field="comment", label=_("Góp ý"), max_length=2000, multiline=True
        ),
        channel=channel,
        rated_by=by if is_applicant else None,
        rated_at=now,
    )
    save_dossier(dossier)
    events.rated(dossier, by=by if is_applicant else None, now=now, origin=origin, rating=rating)
    return rating
