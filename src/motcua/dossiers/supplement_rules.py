"""What a supplement request during processing (form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) must
explain, read from the dossier and its procedure version.

The officer lists everything missing once, in writing (Decree 118/2025 and Circular 03/2025 form 02; the
time limit runs from receipt of the complete dossier), and the service index (Decision 766/QĐ-TTg,
indicator 2.1) counts a dossier with more than one supplement request as late: a second request is allowed
only with the reason it was not listed the first time, and is marked. A version may set a deadline for
asking (``supplement_request_days``, working days from receipt; indicator 5.x "supplement requests within
5" [kiểm tra]): a request after it is still allowed, with a reason, and is marked late. The applicant's
own supplement is never refused for these reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from motcua.dossiers import lookups

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier


@dataclass(frozen=True)
class RequestConditions:
    """``repeat``: the dossier already had a processing-stage supplement request; ``late``: the version's
    deadline for asking has passed (``deadline`` None: the version sets none)."""

    repeat: bool
    late: bool
    deadline: dt.datetime | None

    @property
    def needs_explanation(self) -> bool:
        return self.repeat or self.late


def request_deadline(dossier: Dossier) -> dt.datetime | None:
    """The last moment the competent agency asks for a supplement: ``supplement_request_days`` working days
    after receipt, by the competent agency's calendar; None when the version sets no deadline."""
    days = dossier.procedure_version.supplement_request_days
    if days is None or dossier.received_at is None:
        return None
    return lookups.add_working_hours(
        start=dossier.received_at, hours=Decimal(days) * 8, agency_id=dossier.competent_agency_id
    )


def request_conditions(dossier: Dossier, now: dt.datetime) -> RequestConditions:
    deadline = request_deadline(dossier)
    return RequestConditions(
        repeat=dossier.supplement_count >= 1,
        late=deadline is not None and now > deadline,
        deadline=deadline,
    )
