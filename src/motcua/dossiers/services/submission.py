"""A new dossier: online (the citizen), at the counter (a reception officer), by post (postal staff).

It is registered in state ``submitted`` with its code, documents and fee; the completeness check that
follows is in ``reception``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog import fees as catalog_fees
from motcua.catalog import forms as catalog_forms
from motcua.catalog.models import Procedure
from motcua.core import request_cache, snapshots
from motcua.core.errors import DomainError, FieldError
from motcua.core.text import check_text
from motcua.dossiers import access, counters, errors, events, lookups
from motcua.dossiers import subject as dossier_subject
from motcua.dossiers.constants import ResultDelivery, default_result_delivery
from motcua.dossiers.models import Channel, Dossier, DossierCodeCounter, Forwarding, State
from motcua.dossiers.services import forwarding, stored
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput, add_documents, hold_documents
from motcua.dossiers.services.steps import insert_dossier
from motcua.dossiers.services.unit import unit_of_work
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, ReceptionPoint, ReceptionPointKind, Role, Staff


def next_dossier_code(*, agency: Agency, day: dt.date) -> str:
    """The next code of the day for the receiving unit ``agency``; must run inside the reception transaction.

    ``{agency.code}-{yymmdd}-{NNNN}``: the receiving unit's official identifier (mã định danh, QCVN
    102:2016/BTTTT per Circular 10/2016/TT-BTTTT), the local day and a 4-digit sequence of the day
    (Circular 01/2018/TT-VPCP Art. 19). One counter per unit and day, shared by all its reception points.
    The counter row is drawn in place (``dossiers.counters``): concurrent receptions queue on it and a
    rolled-back reception gives its number back.
    """
    (number,) = counters.draw(DossierCodeCounter, key={"agency": agency.pk, "day": day})
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def online_reception_point(*, agency: Agency, on: dt.date) -> ReceptionPoint:
    """Where online dossiers for ``agency`` are received: its online point, else its center, else its desk.
    From the organization's snapshot (``core.snapshots``), with each point's agency; shared, read-only."""
    points = list(
        snapshots.remember(
            "org",
            ("submission.online_points", agency.pk, agency.unit_id, on),
            lambda: tuple(
                (
                    ReceptionPoint.objects.valid_on(on).filter(agency=agency)
                    | ReceptionPoint.objects.valid_on(on).filter(unit_id=agency.unit_id)
                ).select_related("agency")
            ),
        )
    )
    order = [ReceptionPointKind.ONLINE, ReceptionPointKind.SERVICE_CENTER, ReceptionPointKind.ONE_STOP_DESK]
    points = [p for p in points if p.kind in order]
    if not points:
        raise DomainError(
            "reception.no_point", _("Chưa có điểm tiếp nhận trực tuyến cho cơ quan có thẩm quyền.")
        )
    points.sort(key=lambda p: (order.index(ReceptionPointKind(p.kind)), p.pk))
    return points[0]


APPLICANT_COLUMNS = {
    "name": "applicant_name",
    "id_number": "applicant_id_number",
    "phone": "applicant_phone",
    "email": "applicant_email",
    "address": "applicant_address",
    "concerned_name": "concerned_name",
    "concerned_id_number": "concerned_id_number",
}


def _check_applicant(info: ApplicantInfo, *, summary: str, postal_tracking_number: str) -> None:
    """Each text fits its column and holds no control character; FieldError names the first that does not."""
    values = {attribute: getattr(info, attribute) for attribute in APPLICANT_COLUMNS}
    columns = {**APPLICANT_COLUMNS, "summary": "summary", "postal_tracking_number": "postal_tracking_number"}
    values.update(summary=summary, postal_tracking_number=postal_tracking_number)
    for key, column in columns.items():
        field: Any = Dossier._meta.get_field(column)
        check_text(str(values[key] or ""), field=key, label=field.verbose_name, max_length=field.max_length)
    if info.email:
        try:
            validate_email(info.email)
        except ValidationError:
            raise FieldError("text.email", _("Thư điện tử không hợp lệ."), field="email") from None


def _check_form(schema: dict[str, Any], form_data: dict[str, Any]) -> None:
    problems = catalog_forms.form_problems(schema, form_data)
    if problems:
        raise catalog_forms.FormInvalid(problems)


def fee_inputs(version: Any, form_data: dict[str, Any], *, channel: Channel) -> dict[str, Any]:
    """The values the fee formula reads, checked: at the counter and by post the officer enters only those
    (``catalog.fees.names_used``), each required and checked against its schema. A yes/no value the fee reads
    and the form did not send is an unticked box: "no"."""
    schema = version.form_schema or {}
    properties = schema.get("properties") or {}
    reads = catalog_fees.names_used(version.fee_rules or [])
    data = dict(form_data)
    for name in reads:
        if name not in data and (properties.get(name) or {}).get("type") == "boolean":
            data[name] = False
    if channel != Channel.ONLINE and schema and (form_data or reads):
        wanted = sorted(name for name in reads if name in properties and name not in data)
        _check_form({**schema, "required": wanted}, data)
    return data


def quote_fee(
    *, version: Any, form_data: dict[str, Any], channel: Channel, on: dt.date
) -> catalog_fees.FeeQuote:
    """What the applicant will pay, line by line, for the values typed so far: the counter shows it before
    the officer confirms. Raises the same FormInvalid / ``fee.not_computable`` the registration would."""
    data = fee_inputs(version, form_data, channel=channel)
    return lookups.fee_quote(version=version, form_data=data, on=on)


def _fee(version: Any, form_data: dict[str, Any], *, channel: Channel, on: dt.date) -> Decimal:
    """The fee for the form on the submission date ``on``; an error is an error (never a fee of 0), and a
    fee must fit its column (see ``fee_inputs`` for what the counter enters)."""
    data = fee_inputs(version, form_data, channel=channel)
    fee = lookups.fee_for(version=version, form_data=data, on=on)
    largest = Decimal(10 ** Dossier._meta.get_field("fee").max_digits - 1)
    if not fee.is_finite() or not 0 <= fee <= largest:
        raise DomainError("fee.too_large", _("Phí, lệ phí tính được vượt quá mức cho phép."))
    return fee


MAX_DOSSIER_SETS = 99


def _delivery_and_sets(*, channel: str, result_delivery: str, dossier_sets: int) -> tuple[str, int]:
    """How the result is returned (default: online for online dossiers, else at the counter) and the number of
    dossier sets handed in (Circular 03/2025, form 01), both checked before anything is saved."""
    delivery = result_delivery or default_result_delivery(channel)
    if delivery not in ResultDelivery.values:
        raise FieldError(
            "reception.result_delivery", _("Hình thức nhận kết quả không hợp lệ."), field="result_delivery"
        )
    if (
        isinstance(dossier_sets, bool)
        or not isinstance(dossier_sets, int)
        or not 1 <= dossier_sets <= MAX_DOSSIER_SETS
    ):
        raise FieldError(
            "reception.dossier_sets",
            _("Số lượng hồ sơ phải từ 1 đến %(max)s bộ."),
            field="dossier_sets",
            max=MAX_DOSSIER_SETS,
        )
    return delivery, dossier_sets


def _create(
    *,
    channel: Channel,
    procedure: Procedure,
    place_unit: AdministrativeUnit | None,
    applicant_info: ApplicantInfo,
    applicant: Any,
    reception_point: ReceptionPoint | None,
    received_by: Staff | None,
    documents: Sequence[DocumentInput],
    form_data: dict[str, Any] | None,
    summary: str,
    postal_tracking_number: str,
    idempotency_key: str | None,
    now: dt.datetime,
    origin: str,
    actor: Any,
    state: str = State.SUBMITTED,
    extra: dict[str, Any] | None = None,
    record: Callable[[Dossier], None] | None = None,
    result_delivery: str = "",
    dossier_sets: int = 1,
    prepare: Callable[[Dossier, set[str]], None] | None = None,
    postal_pickup: bool = False,
) -> Dossier | Forwarding:
    """Register the dossier and record it (``record``: the events of an assisted submission instead of
    ``submitted``; ``state`` and ``extra`` columns for one not submitted yet; ``prepare``: a decision taken
    on the new dossier before its row is written, so that the row goes in in its final state; it is given
    the codes of the documents provided, those taken from the citizen's data store included)."""
    if idempotency_key:
        existing = _existing_submission(idempotency_key, applicant=applicant, actor=actor)
        if existing is not None:
            return existing
    _check_applicant(applicant_info, summary=summary, postal_tracking_number=postal_tracking_number)
    delivery, sets = _delivery_and_sets(
        channel=channel, result_delivery=result_delivery, dossier_sets=dossier_sets
    )
    # Decision 45/2016/QĐ-TTg: the post needs the address it collects the dossier from or brings a result to.
    needs_address = delivery == ResultDelivery.POST or postal_pickup
    if needs_address and not (applicant_info.delivery_address or applicant_info.address).strip():
        raise FieldError(
            errors.DELIVERY_ADDRESS,
            _("Vui lòng nhập địa chỉ nhận kết quả qua dịch vụ bưu chính công ích."),
            field="delivery_address",
        )
    on = timezone.localdate(now)
    if place_unit is not None and forwarding.is_elsewhere(
        place_unit=place_unit, reception_point=reception_point, channel=channel
    ):
        # Beyond the province (Decree 118/2025, Decree 120/2025): received here and forwarded, not refused.
        assert reception_point is not None
        return forwarding.receive_for_other_province(
            channel=channel,
            procedure=procedure,
            place_unit=place_unit,
            applicant_info=applicant_info,
            applicant=applicant,
            reception_point=reception_point,
            received_by=received_by,
            documents=documents,
            form_data=form_data,
            summary=summary,
            postal_tracking_number=postal_tracking_number,
            idempotency_key=idempotency_key,
            now=now,
            origin=origin,
            actor=actor,
        )
    version = lookups.version_in_force(procedure=procedure, on=on)
    # The place is the fact the law names (CompetenceRule.place_fields), read from the form; an explicit
    # place_unit fills that field or must agree with it (catalog.selectors.competence_place).
    place = lookups.competence_place(
        procedure=procedure, version=version, on=on, form_data=form_data, place_unit=place_unit
    )
    place_unit, form_data = place.unit, place.form_data
    competent = lookups.resolve_competent_agency(procedure=procedure, on=on, place_unit=place_unit)
    if reception_point is None:
        reception_point = online_reception_point(agency=competent, on=on)
    if reception_point.province_code != competent.province_code:
        raise DomainError(
            "reception.other_province", _("Điểm tiếp nhận không thuộc tỉnh của cơ quan có thẩm quyền.")
        )
    if (
        not version.location_independent
        and reception_point.agency_id != competent.pk
        and reception_point.unit_id != competent.unit_id
        and channel != Channel.ONLINE
    ):
        raise DomainError(
            "reception.location_bound", _("Thủ tục này chỉ được tiếp nhận tại nơi có thẩm quyền giải quyết.")
        )
    if channel == Channel.COUNTER and version.is_online_only(on):
        raise online_only_refusal(version)
    required = {d.code: d for d in lookups.required_documents(version_id=version.pk)}
    unknown = [d.code for d in documents if d.code not in required]
    if unknown:
        raise DomainError(
            "reception.unknown_document",
            _("Giấy tờ không thuộc thành phần hồ sơ: %(codes)s"),
            codes=", ".join(unknown),
        )
    if channel == Channel.ONLINE and version.form_schema:
        # Online, the e-form is the declaration: it must be valid against the version's schema.
        _check_form(version.form_schema, form_data or {})
    documents = stored.take_from_store(
        required=required,
        documents=documents,
        applicant_info=applicant_info,
        form_schema=version.form_schema or {},
        form_data=form_data or {},
        on=on,
    )
    fee = _fee(version, form_data or {}, channel=channel, on=on)
    held = events.mark()
    try:
        # A savepoint only where its error is caught: the race of two submissions with one idempotency key.
        with transaction.atomic(savepoint=bool(idempotency_key)):
            dossier = Dossier(
                province_code=competent.province_code,
                code=next_dossier_code(agency=reception_point.agency, day=on),
                procedure=procedure,
                procedure_version=version,
                state=state,
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
                subject_name=dossier_subject.subject_name(
                    schema=version.form_schema,
                    form_data=form_data,
                    concerned_name=applicant_info.concerned_name,
                    applicant_name=applicant_info.name,
                ),
                place_unit=place_unit,
                place_field=place.field,
                summary=summary or procedure.name[:500],
                form_data=form_data or {},
                fee=fee,
                reception_point=reception_point,
                receiving_agency=reception_point.agency,
                competent_agency=competent,
                received_by=received_by,
                postal_tracking_number=postal_tracking_number,
                dossier_sets=sets,
                result_delivery=delivery,
                delivery_address=applicant_info.delivery_address.strip()[:255] if needs_address else "",
                submitted_at=now,
                **(extra or {}),
            )
            recorded: Callable[[Dossier], Any] = record or functools.partial(
                events.submitted,
                by=actor,
                now=now,
                origin=origin,
                reception_point=reception_point,
                competent_agency=competent,
                postal_pickup=postal_pickup,
            )
            if prepare is not None:
                # Recorded as submitted (the event is held until the unit's end, when the row exists), then
                # decided: the row is written once, in its final state.
                recorded(dossier)
                prepare(dossier, {d.code for d in documents})
            insert_dossier(dossier)
            rows = add_documents(dossier, documents, required, now)
            hold_documents(dossier, rows)
            stored.file_digitized(
                dossier, documents=rows, required=required, certified_by=received_by, now=now
            )
            if prepare is None:
                recorded(dossier)
    except IntegrityError:
        events.forget_since(held)  # rolled back with the savepoint
        if idempotency_key:
            existing = _existing_submission(idempotency_key, applicant=applicant, actor=actor)
            if existing is not None:
                return existing
        raise
    return dossier


def online_only_refusal(version: Any) -> DomainError:
    """Directive 24/CT-TTg: from 1 October 2025 the centres take no paper dossier for the listed services;
    the counter helps the citizen submit online instead (``services.submit_assisted``)."""
    return DomainError(
        "reception.online_only",
        _(
            "Từ ngày %(day)s thủ tục này chỉ tiếp nhận hồ sơ trực tuyến, không tiếp nhận hồ sơ giấy. "
            "Vui lòng dùng chức năng “Hỗ trợ nộp hồ sơ trực tuyến” để giúp công dân nộp hồ sơ."
        ),
        day=version.online_only_from.strftime("%d/%m/%Y"),
    )


def _existing_submission(key: str, *, applicant: Any, actor: Any) -> Dossier | None:
    existing = Dossier.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    first_actor = existing.events.order_by("sequence").values_list("actor_id", flat=True).first()
    if first_actor != getattr(actor, "pk", None):
        raise DomainError("submission.key_reused", _("Mã chống trùng đã được dùng cho một hồ sơ khác."))
    return existing


def submit_online(
    *,
    applicant: Any,
    procedure: Procedure,
    place_unit: AdministrativeUnit | None = None,
    applicant_info: ApplicantInfo | None = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    reception_point: ReceptionPoint | None = None,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
    result_delivery: str = "",
    dossier_sets: int = 1,
    postal_pickup: bool = False,
) -> Dossier:
    """A citizen submits online; the dossier waits for a reception officer's completeness check.
    ``postal_pickup``: the post collects the paper dossier from the applicant (Decision 45/2016/QĐ-TTg).

    The applicant is the logged-in identity (name and ID number verified by the national e-ID), never what
    the form says: a different name or ID number in ``applicant_info`` is the person concerned."""
    if applicant_info is not None:
        # Checked as typed, so that an error names the form field the citizen filled in.
        _check_applicant(applicant_info, summary=summary, postal_tracking_number="")
    info = _online_applicant(applicant, applicant_info)
    with unit_of_work():
        dossier = _create(
            channel=Channel.ONLINE,
            procedure=procedure,
            place_unit=place_unit,
            applicant_info=info,
            applicant=applicant,
            reception_point=reception_point,
            received_by=None,
            documents=documents,
            form_data=form_data,
            summary=summary,
            postal_tracking_number="",
            idempotency_key=idempotency_key,
            now=now or timezone.now(),
            origin=origin,
            actor=applicant,
            result_delivery=result_delivery,
            dossier_sets=dossier_sets,
            postal_pickup=postal_pickup,
        )
    assert isinstance(dossier, Dossier)  # online submissions are never forwarded (channel online)
    return dossier


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _online_applicant(applicant: Any, typed: ApplicantInfo | None) -> ApplicantInfo:
    """The e-ID identity as the applicant; contact details from the form; a differently named person in
    the form as the person concerned."""
    typed = typed or ApplicantInfo(name="", phone=applicant.phone, email=applicant.email)
    name = applicant.full_name or typed.name or applicant.get_username()
    id_number = applicant.national_id or typed.id_number
    typed_name, typed_id = typed.name.strip(), typed.id_number.strip()
    other_name = typed_name if typed_name and not _same_text(typed_name, name) else ""
    other_id = typed_id if typed_id and typed_id != id_number else ""
    return ApplicantInfo(
        name=name,
        id_number=id_number,
        phone=typed.phone or applicant.phone,
        email=typed.email or applicant.email,
        address=typed.address,
        concerned_name=other_name or typed.concerned_name,
        concerned_id_number=other_id or typed.concerned_id_number,
        delivery_address=typed.delivery_address,
    )


def _receiver(user: Any, point: ReceptionPoint, role: str, on: dt.date) -> Staff:
    staff = access.staff_of(user)
    if staff is None or not access.may_receive_at(user=user, reception_point=point, role=role, on=on):
        raise DomainError(
            "reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ tại điểm tiếp nhận này.")
        )
    assert staff is not None
    return staff


@request_cache.scope()  # positions and the calendar version read once per call
def receive_at_counter(
    *,
    by: Any,
    reception_point: ReceptionPoint,
    procedure: Procedure,
    applicant_info: ApplicantInfo,
    place_unit: AdministrativeUnit | None = None,
    applicant: Any = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
    result_delivery: str = "",
    dossier_sets: int = 1,
    prepare: Callable[[Dossier, set[str]], None] | None = None,
) -> Dossier | Forwarding:
    """A reception officer at any reception point registers a walk-in dossier; for a place in another
    province it is received and forwarded (a ``Forwarding``, see ``services.forwarding``). ``prepare``: the
    counter's decision on the new dossier, taken before its row is written (``receive_and_decide``)."""
    now = now or timezone.now()
    with unit_of_work():
        staff = _receiver(by, reception_point, Role.RECEPTION_OFFICER, timezone.localdate(now))
        return _create(
            channel=Channel.COUNTER,
            procedure=procedure,
            place_unit=place_unit,
            applicant_info=applicant_info,
            applicant=applicant,
            reception_point=reception_point,
            received_by=staff,
            documents=documents,
            form_data=form_data,
            summary=summary,
            postal_tracking_number="",
            idempotency_key=idempotency_key,
            now=now,
            origin=origin,
            actor=by,
            result_delivery=result_delivery,
            dossier_sets=dossier_sets,
            prepare=prepare,
        )


def receive_by_post(
    *,
    by: Any,
    reception_point: ReceptionPoint,
    postal_tracking_number: str,
    procedure: Procedure,
    applicant_info: ApplicantInfo,
    place_unit: AdministrativeUnit | None = None,
    applicant: Any = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
    result_delivery: str = "",
    dossier_sets: int = 1,
) -> Dossier | Forwarding:
    """Postal staff at a post office register a dossier sent by post, with its tracking number; for a place
    in another province it is received and forwarded (a ``Forwarding``)."""
    now = now or timezone.now()
    if not postal_tracking_number.strip():
        raise DomainError("reception.tracking_required", _("Vui lòng nhập số hiệu bưu gửi."))
    with unit_of_work():
        staff = _receiver(by, reception_point, Role.POSTAL_STAFF, timezone.localdate(now))
        return _create(
            channel=Channel.POST,
            procedure=procedure,
            place_unit=place_unit,
            applicant_info=applicant_info,
            applicant=applicant,
            reception_point=reception_point,
            received_by=staff,
            documents=documents,
            form_data=form_data,
            summary=summary,
            postal_tracking_number=postal_tracking_number.strip(),
            idempotency_key=idempotency_key,
            now=now,
            origin=origin,
            actor=by,
            result_delivery=result_delivery,
            dossier_sets=dossier_sets,
        )
