"""Receiving for another province (tiếp nhận hồ sơ thuộc thẩm quyền của tỉnh khác) and forwarding it.

Decree 118/2025/NĐ-CP lets people file at any one-stop desk regardless of administrative level, residence
or seat; Decree 120/2025/NĐ-CP lets a civil-status matter be filed at any commune, which submits it to the
competent one. A dossier handed in here (counter or post) whose place lies in another province is received
and forwarded, never refused: a ``Forwarding`` record with its own code (same shape and counter as the
dossiers of the receiving unit), the forwarding slip (no appointment: the destination sets it), the
originals sent by post (tracking number recorded later) and an outbox message carrying the dossier to the
destination. Delivery of that message is the outbox workers' job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import AgencyRule, Procedure
from motcua.core.errors import DomainError
from motcua.core.text import check_text
from motcua.dossiers import access, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import Channel, Forwarding
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput
from motcua.dossiers.services.unit import service
from motcua.geo.models import AdministrativeUnit, Level
from motcua.org.models import ReceptionPoint, Staff
from motcua.outbox.models import Topic
from motcua.outbox.services import enqueue

# What the forwarding slip and the outbox message say about the originals (Decision 45/2016/QĐ-TTg: the
# public postal service carries dossiers between the citizen, the desk and the competent agency).
ORIGINALS_BY_POST = _(
    "Bản gốc hồ sơ được gửi qua dịch vụ bưu chính công ích đến cơ quan có thẩm quyền giải quyết; "
    "cơ quan có thẩm quyền hẹn ngày trả kết quả khi tiếp nhận hồ sơ."
)


def is_elsewhere(
    *, place_unit: AdministrativeUnit, reception_point: ReceptionPoint | None, channel: str
) -> bool:
    """A counter or postal reception whose place lies in another province than the receiving point."""
    return (
        channel != Channel.ONLINE
        and reception_point is not None
        and place_unit.province_code != reception_point.province_code
    )


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _check_destination(unit: AdministrativeUnit, on: dt.date) -> None:
    in_force = unit.valid_from <= on and (unit.valid_to is None or on < unit.valid_to)
    if unit.level != Level.COMMUNE or not in_force:
        raise DomainError(
            "forwarding.bad_destination",
            _(
                "%(place)s không phải là xã, phường, đặc khu đang có hiệu lực: "
                "không chuyển hồ sơ đến đó được."
            ),
            place=unit.name,
        )


def destination_agency_for(*, procedure: Procedure, unit: AdministrativeUnit, on: dt.date) -> str:
    """The competent agency at the destination, as text (it is not in this installation): the commune's
    People's Committee when our catalog gives the procedure to the commune of the place, else the named
    agency's kind in the destination province ("Sở Tư pháp tỉnh …") [kiểm tra: the officer may correct it]."""
    province = unit.parent.name if unit.parent is not None else unit.province_code
    rules = list(catalog_selectors.competence_rules(procedure=procedure, on=on))
    if not rules or any(r.agency_rule == AgencyRule.COMMUNE_COMMITTEE for r in rules):
        return f"Ủy ban nhân dân {_lower_first(unit.name)}, {_lower_first(province)}"
    named = next((r.agency for r in rules if r.agency is not None), None)
    label = (named.short_name or named.name) if named is not None else procedure.name
    return f"{label} {_lower_first(province)}"


@service
def receive_for_other_province(
    *,
    channel: Channel,
    procedure: Procedure,
    place_unit: AdministrativeUnit,
    applicant_info: ApplicantInfo,
    applicant: Any,
    reception_point: ReceptionPoint,
    received_by: Staff | None,
    documents: Sequence[DocumentInput],
    form_data: dict[str, Any] | None,
    summary: str,
    postal_tracking_number: str,
    idempotency_key: str | None,
    now: dt.datetime,
    origin: str,
    actor: Any,
) -> Forwarding:
    """Receive a dossier for a competent agency in another province and forward it (no Dossier here).

    Called by the reception services (``submission._create``) once the receiver was checked; the caller has
    checked the applicant's texts. Bad destination, unknown document or a procedure bound to its place is
    refused and nothing is kept."""
    if idempotency_key:
        existing = Forwarding.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    on = timezone.localdate(now)
    denied = access.forwarding_refusal(
        actor, Act.FORWARD_OTHER_PROVINCE, point=reception_point, channel=channel, on=on
    )
    if denied is not None or received_by is None:
        raise denied or DomainError("forwarding.forbidden", _("Bạn không có quyền chuyển hồ sơ này."))
    _check_destination(place_unit, on)
    version = lookups.version_in_force(procedure=procedure, on=on)
    if not version.location_independent:
        raise DomainError(
            "reception.location_bound", _("Thủ tục này chỉ được tiếp nhận tại nơi có thẩm quyền giải quyết.")
        )
    required = {d.code: d for d in version.documents.all()}
    unknown = [d.code for d in documents if d.code not in required]
    if unknown:
        raise DomainError(
            "reception.unknown_document",
            _("Giấy tờ không thuộc thành phần hồ sơ: %(codes)s"),
            codes=", ".join(unknown),
        )
    # Imported here: submission calls this module from its other-province branch.
    from motcua.dossiers.services.submission import next_dossier_code

    try:
        with transaction.atomic():
            forwarding = Forwarding.objects.create(
                province_code=reception_point.province_code,
                code=next_dossier_code(agency=reception_point.agency, day=on),
                procedure=procedure,
                procedure_version=version,
                channel=channel,
                idempotency_key=idempotency_key or None,
                applicant=applicant,
                applicant_name=applicant_info.name,
                applicant_id_number=applicant_info.id_number,
                applicant_phone=applicant_info.phone,
                applicant_email=applicant_info.email,
                applicant_address=applicant_info.address,
                concerned_name=applicant_info.concerned_name,
                concerned_id_number=applicant_info.concerned_id_number,
                summary=summary or procedure.name[:500],
                form_data=form_data or {},
                documents=[
                    {
                        "code": d.code,
                        "name": required[d.code].name,
                        "source": d.source,
                        "originals": d.originals,
                        "copies": d.copies,
                        "file_ref": d.file_ref,
                    }
                    for d in documents
                ],
                destination_unit=place_unit,
                destination_province_code=place_unit.province_code,
                destination_agency=destination_agency_for(procedure=procedure, unit=place_unit, on=on)[:255],
                reception_point=reception_point,
                receiving_agency=reception_point.agency,
                received_by=received_by,
                received_at=now,
                postal_tracking_number=postal_tracking_number,
            )
            _enqueue(forwarding, event="received", now=now, origin=origin or channel)
    except IntegrityError:
        if idempotency_key:
            existing = Forwarding.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return forwarding


@service
def record_forwarding_post(
    *,
    forwarding: Forwarding,
    by: Any,
    tracking_number: str,
    destination_agency: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Forwarding:
    """The originals went by post: record the tracking number (and, if the officer corrects it, the
    destination agency); the destination is told through the outbox."""
    now = now or timezone.now()
    tracking_number = check_text(
        (tracking_number or "").strip(), field="tracking_number", label=_("Số hiệu bưu gửi"), max_length=40
    )
    if not tracking_number:
        raise DomainError("reception.tracking_required", _("Vui lòng nhập số hiệu bưu gửi."))
    destination_agency = check_text(
        (destination_agency or "").strip(),
        field="destination_agency",
        label=_("Cơ quan có thẩm quyền nơi chuyển đến"),
        max_length=255,
    )
    locked = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
    denied = access.forwarding_refusal(
        by,
        Act.RECORD_FORWARDING_POST,
        point=locked.reception_point,
        channel=locked.channel,
        on=timezone.localdate(now),
        forwarding=locked,
    )
    if denied is not None:
        raise denied
    locked.sent_tracking_number = tracking_number
    locked.sent_at = now
    locked.sent_by = access.staff_of(by)
    if destination_agency:
        locked.destination_agency = destination_agency
    locked.save(update_fields=["sent_tracking_number", "sent_at", "sent_by", "destination_agency"])
    _enqueue(locked, event="originals_sent", now=now, origin=origin)
    return locked


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def forwarding_payload(forwarding: Forwarding) -> dict[str, Any]:
    """What the destination needs to register the dossier: the code given here, the procedure, the place,
    the applicant, the documents (with their scans), who received it where and when, and the post."""
    point = forwarding.reception_point
    agency = forwarding.receiving_agency
    unit = forwarding.destination_unit
    return {
        "forwarding_code": forwarding.code,
        "procedure_code": forwarding.procedure.code,
        "procedure_name": forwarding.procedure.name,
        "procedure_version": forwarding.procedure_version.number,
        "channel": forwarding.channel,
        "destination": {
            "province_code": forwarding.destination_province_code,
            "province_name": unit.parent.name if unit.parent is not None else "",
            "unit_code": unit.code,
            "unit_name": unit.name,
            "agency": forwarding.destination_agency,
        },
        "applicant": {
            "name": forwarding.applicant_name,
            "id_number": forwarding.applicant_id_number,
            "phone": forwarding.applicant_phone,
            "email": forwarding.applicant_email,
            "address": forwarding.applicant_address,
            "concerned_name": forwarding.concerned_name,
            "concerned_id_number": forwarding.concerned_id_number,
        },
        "summary": forwarding.summary,
        "form_data": forwarding.form_data,
        "documents": forwarding.documents,
        "received": {
            "at": _utc(forwarding.received_at),
            "point_code": point.code,
            "point_name": point.name,
            "agency_code": agency.code,
            "agency_name": agency.name,
            "agency_address": agency.address,
            "agency_phone": agency.phone,
            "agency_email": agency.email,
            "officer": forwarding.received_by.full_name,
            "postal_tracking_number": forwarding.postal_tracking_number,
        },
        "originals": {
            "by_post": True,
            "tracking_number": forwarding.sent_tracking_number,
            "sent_at": _utc(forwarding.sent_at),
        },
    }


def _enqueue(forwarding: Forwarding, *, event: str, now: dt.datetime, origin: str) -> None:
    enqueue(
        topic=Topic.DOSSIER_FORWARDING,
        province_code=forwarding.province_code,
        aggregate_type="forwarding",
        aggregate_id=forwarding.pk,
        key=f"forwarding:{forwarding.pk}:{event}",
        payload={"event": event, "origin": origin[:120], **forwarding_payload(forwarding)},
        now=now,
    )
