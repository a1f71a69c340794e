"""The post (Decision 45/2016/QĐ-TTg): what the postal service's reports change on a dossier.

``motcua.postal`` keeps the shipments; it calls these services so that the dossier's log (and the citizen's
timeline) records each shipment's creation and status, and so that a result delivered by post closes the
dossier the way the counter's hand-over does (``workflow._finish_return``), under the dossier's row lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.core.errors import DomainError
from motcua.dossiers import errors, events, locking
from motcua.dossiers.constants import ResultDelivery, State
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.steps import close_step
from motcua.dossiers.services.unit import service
from motcua.dossiers.services.workflow import _finish_return

ORIGIN = "bưu chính công ích"


@service
def record_shipment_created(*, dossier: Dossier, shipment: dict[str, Any], now: dt.datetime) -> Dossier:
    """Bưu điện nhận yêu cầu: the waybill number and the fee go into the dossier's log (the applicant's).
    Nothing an officer decides on changes: the row is held, its version kept (``locking.hold``)."""
    dossier = locking.hold(dossier)
    events.shipment_created(dossier, now=now, origin=ORIGIN, shipment=shipment)
    return dossier


@service
def record_shipment_update(
    *, dossier: Dossier, shipment: dict[str, Any], note: str, now: dt.datetime
) -> Dossier:
    """Bưu điện báo trạng thái bưu gửi (đã nhận, đã phát, chuyển hoàn): an event on the citizen's timeline;
    the row is held, its version kept (``locking.hold``)."""
    dossier = locking.hold(dossier)
    events.shipment_updated(dossier, now=now, origin=ORIGIN, shipment=shipment, note=note)
    return dossier


@service
def return_result_by_post(
    *,
    dossier: Dossier,
    tracking_number: str,
    handed_over_to: str,
    handed_over_by: str,
    handed_over_at: dt.datetime,
    now: dt.datetime,
) -> Dossier:
    """Trả kết quả qua dịch vụ bưu chính công ích: the postal service handed the result to the addressee, so
    the dossier is returned (national status 10) at that moment, with the hand-over record in the reason.
    The result must be ready and meant for the post; anything else changes nothing."""
    dossier = locking.lock(dossier, check_version=False)
    if dossier.state != State.RESULT_READY or dossier.result_delivery != ResultDelivery.POST:
        raise DomainError(
            errors.WRONG_STATE,
            _("Hồ sơ không ở trạng thái chờ trả kết quả qua bưu chính."),
        )
    closed = close_step(dossier, by=None, action=Action.RETURN_RESULT, now=handed_over_at)
    reason = str(
        _(
            "Trả kết quả qua dịch vụ bưu chính công ích: bưu gửi số %(number)s, nhân viên bưu chính %(by)s "
            "đã giao cho %(to)s."
        )
        % {"number": tracking_number, "by": handed_over_by or "—", "to": handed_over_to or "—"}
    )
    return _finish_return(
        dossier,
        by=None,
        staff=None,  # the postal service, not a staff member of ours
        now=handed_over_at,
        origin=ORIGIN,
        closed_step=closed,
        reason=reason,
        agency=None,
    )
