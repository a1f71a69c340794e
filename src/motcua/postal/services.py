"""Changes of shipments: recorded when the postal service created them (the adapter), moved on by its signed
status updates (the callback view). Each writes the dossier's event through the dossier services, in the
same transaction."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ResultDelivery, State
from motcua.dossiers.models import Dossier
from motcua.postal import errors
from motcua.postal.models import Direction, Shipment, ShipmentEvent, ShipmentStatus

logger = logging.getLogger(__name__)

# Where a shipment may go from each status (the postal service's own rule, checked again on our side).
MOVES: dict[str, frozenset[str]] = {
    ShipmentStatus.REQUESTED: frozenset({ShipmentStatus.PICKED_UP, ShipmentStatus.FAILED}),
    ShipmentStatus.PICKED_UP: frozenset(
        {ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.FAILED}
    ),
    ShipmentStatus.IN_TRANSIT: frozenset(
        {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.FAILED}
    ),
}


def _facts(shipment: Shipment) -> dict[str, Any]:
    """What the dossier's event records of a shipment (the citizen's timeline shows it)."""
    return {
        "shipment": shipment.pk,
        "direction": shipment.direction,
        "tracking_number": shipment.tracking_number,
        "fee": int(shipment.fee),
        "shipment_status": shipment.status,
    }


@transaction.atomic
def record_created(
    *,
    dossier: Dossier,
    request_key: str,
    direction: str,
    addressee_name: str,
    address: str,
    phone: str,
    tracking_number: str,
    fee: int | Decimal,
    weight_grams: int,
    now: dt.datetime | None = None,
) -> Shipment:
    """The postal service accepted the shipment: keep its waybill number and fee (once per request key)."""
    now = now or timezone.now()
    existing = Shipment.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    shipment = Shipment.objects.create(
        dossier=dossier,
        province_code=dossier.province_code,
        direction=direction,
        request_key=request_key,
        addressee_name=addressee_name[:200],
        address=address[:255],
        phone=phone[:20],
        tracking_number=tracking_number[:40],
        fee=Decimal(fee),
        weight_grams=weight_grams,
        status=ShipmentStatus.REQUESTED,
        status_at=now,
        created_at=now,
    )
    if direction == Direction.PICKUP and not dossier.postal_tracking_number:
        Dossier.objects.filter(pk=dossier.pk).update(postal_tracking_number=shipment.tracking_number)
    dossier_services.record_shipment_created(dossier=dossier, shipment=_facts(shipment), now=now)
    return shipment


def open_shipment(*, dossier_id: int, direction: str) -> Shipment | None:
    """A shipment of the dossier in this direction that has not failed or come back (one is enough)."""
    return (
        Shipment.objects.filter(dossier_id=dossier_id, direction=direction)
        .exclude(status__in=[ShipmentStatus.RETURNED, ShipmentStatus.FAILED])
        .first()
    )


def _moment(value: Any, default: dt.datetime) -> dt.datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        return default
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    return str(value).strip()[:limit] if isinstance(value, str | int) else ""


@transaction.atomic
def apply_status_update(*, data: dict[str, Any], now: dt.datetime | None = None) -> ShipmentEvent:
    """A verified status update from the postal service: record it once (its ``event_id``), move the
    shipment on, write ``shipment_updated`` on the dossier, and return the dossier when a result was
    delivered (with the hand-over record). A replay, an unknown shipment or an impossible status changes
    nothing and raises the DomainError the callback answers with."""
    now = now or timezone.now()
    event_id = _text(data, "event_id", 80)
    status = _text(data, "status", 12)
    number = _text(data, "tracking_number", 40)
    if not event_id or not number or status not in ShipmentStatus.values:
        raise DomainError(
            errors.MALFORMED, _("Thông báo của bưu điện thiếu mã sự kiện, số hiệu hoặc trạng thái.")
        )
    shipment = Shipment.objects.select_for_update().filter(tracking_number=number).first()
    if shipment is None:
        raise DomainError(errors.UNKNOWN_SHIPMENT, _("Không có bưu gửi số %(number)s."), number=number)
    if ShipmentEvent.objects.filter(provider_event_id=event_id).exists():
        raise DomainError(errors.REPLAYED, _("Thông báo này đã được ghi nhận."))
    if status not in MOVES.get(shipment.status, frozenset()):
        raise DomainError(
            errors.ILLEGAL_STATUS,
            _("Bưu gửi %(number)s không chuyển được từ “%(old)s” sang “%(new)s”."),
            number=number,
            old=shipment.status,
            new=status,
        )
    at = _moment(data.get("at"), now)
    note = _text(data, "note", 500)
    try:
        with transaction.atomic():
            event = ShipmentEvent.objects.create(
                shipment=shipment,
                province_code=shipment.province_code,
                provider_event_id=event_id,
                status=status,
                at=at,
                received_at=now,
                note=note,
                data=data,
            )
    except IntegrityError:  # the same event id committed by a concurrent request
        raise DomainError(errors.REPLAYED, _("Thông báo này đã được ghi nhận.")) from None
    shipment.status = status
    shipment.status_at = at
    shipment.note = note
    fields = ["status", "status_at", "note"]
    handed = status == ShipmentStatus.DELIVERED or (
        status == ShipmentStatus.PICKED_UP and shipment.direction == Direction.PICKUP
    )
    if handed:
        # Biên bản giao nhận: who of the post handed over (or took) the item, to (from) whom, and the receipt.
        shipment.handed_over_at = at
        shipment.handed_over_by = _text(data, "handed_over_by", 200)
        shipment.handed_over_to = _text(data, "handed_over_to", 200) or (
            shipment.addressee_name if status == ShipmentStatus.DELIVERED else ""
        )
        shipment.receipt_reference = _text(data, "receipt_reference", 120)
        fields += ["handed_over_at", "handed_over_by", "handed_over_to", "receipt_reference"]
    shipment.save(update_fields=fields)
    dossier = shipment.dossier
    dossier_services.record_shipment_update(dossier=dossier, shipment=_facts(shipment), note=note, now=now)
    if status == ShipmentStatus.DELIVERED and shipment.direction == Direction.RESULT:
        dossier.refresh_from_db()
        if dossier.state == State.RESULT_READY and dossier.result_delivery == ResultDelivery.POST:
            dossier_services.return_result_by_post(
                dossier=dossier,
                tracking_number=shipment.tracking_number,
                handed_over_to=shipment.handed_over_to,
                handed_over_by=shipment.handed_over_by,
                handed_over_at=at,
                now=now,
            )
        else:  # e.g. handed over at the counter meanwhile: the delivery is recorded, the dossier stays
            logger.warning(
                "postal: result %s delivered but dossier %s is %s (%s): not returned again",
                number,
                dossier.pk,
                dossier.state,
                dossier.result_delivery,
            )
    logger.info("postal: %s %s -> %s (event %s)", shipment.dossier_id, number, status, event_id)
    return event
