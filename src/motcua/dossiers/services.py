"""Every change of a dossier: reception, the workflow engine, supplements, consultations, apologies.

Each public function is one transaction that (1) takes the dossier with an optimistic version check,
(2) changes its state, (3) writes one immutable event and (4) writes the outbox messages that later
workers deliver (national portal sync, notifications). A caller holding a stale copy of the dossier
gets ``DomainError("dossier.conflict")`` and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog import fees as catalog_fees
from motcua.catalog import forms as catalog_forms
from motcua.catalog.models import Action, PerformerRule, Procedure, Transition, WorkflowStep
from motcua.core.errors import DomainError, FieldError
from motcua.core.text import LONG_TEXT, check_text
from motcua.dossiers import access, errors, files, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import (
    ApologyNotice,
    Channel,
    Consultation,
    Dossier,
    DossierCodeCounter,
    DossierDocument,
    DossierEvent,
    DossierResult,
    DossierStep,
    EventKind,
    RatingChannel,
    Satisfaction,
    SatisfactionRating,
    State,
    StepOutcome,
    event_audience,
)
from motcua.dossiers.selectors import missing_documents
from motcua.dossiers.status import national_status
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, AgencyKind, ReceptionPoint, ReceptionPointKind, Role, Staff
from motcua.outbox.models import Topic
from motcua.outbox.services import OutboxItem, enqueue_many

WITHDRAW = Act.WITHDRAW


@dataclass(frozen=True)
class ApplicantInfo:
    """Who submits the dossier (chủ hồ sơ, người nộp) and, when another person is named, the person
    concerned (người có liên quan, e.g. the child being registered)."""

    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    concerned_name: str = ""
    concerned_id_number: str = ""


@dataclass(frozen=True)
class DocumentInput:
    """One submitted document: the required document's code and how it was provided."""

    code: str
    source: str = "paper"
    originals: int = 0
    copies: int = 1
    file_ref: str = ""


# --- plumbing ------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(lookups.TZ).date()


def _staff_of(user: Any) -> Staff | None:
    if user is None:
        return None
    try:
        return user.staff  # type: ignore[no-any-return]
    except Staff.DoesNotExist:
        return None


def _record(
    dossier: Dossier,
    *,
    kind: str,
    user: Any,
    now: dt.datetime,
    origin: str,
    reason: str = "",
    action: str = "",
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
    notify_applicant: bool = False,
) -> DossierEvent:
    """Write the event and its outbox messages; ``data`` gets the resulting state for replay.

    The event's audience (applicant or staff) follows its kind and action (``models.event_audience``): the
    applicant's timeline shows applicant events only, so a staff event's reason never reaches the citizen."""
    step = dossier.current_step
    payload = {
        "state": dossier.state,
        "step": step.step.code if step is not None else None,
        "appointment": dossier.appointment_at.astimezone(dt.UTC).isoformat()
        if dossier.appointment_at
        else None,
        **(data or {}),
    }
    sequence = (DossierEvent.objects.filter(dossier=dossier).aggregate(m=Max("sequence"))["m"] or 0) + 1
    staff = _staff_of(user)
    event = DossierEvent(
        dossier=dossier,
        province_code=dossier.province_code,
        sequence=sequence,
        kind=kind,
        action=action,
        at=now,
        actor=user if user is not None and getattr(user, "pk", None) else None,
        actor_staff=staff,
        actor_agency=agency or (staff.agency if staff else None),
        origin=origin[:120],
        reason=reason,
        data=payload,
        audience=event_audience(kind=kind, action=action, state=dossier.state),
    )
    event.save()
    status = national_status(dossier)
    common = {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "event": kind,
        "action": action,
        "national_status": int(status),
        "at": now.isoformat(),
        "appointment_at": payload["appointment"],
    }
    messages = [
        OutboxItem(topic=Topic.DOSSIER_STATUS, key=f"dossier:{dossier.pk}:{sequence}:status", payload=common)
    ]
    if notify_applicant:
        contact = {"phone": dossier.applicant_phone, "email": dossier.applicant_email, "reason": reason}
        messages.append(
            OutboxItem(
                topic=Topic.NOTIFY_APPLICANT,
                key=f"dossier:{dossier.pk}:{sequence}:notify",
                payload={**common, **contact},
            )
        )
    enqueue_many(
        province_code=dossier.province_code,
        aggregate_type="dossier",
        aggregate_id=dossier.pk,
        items=messages,
        now=now,
    )
    return event


def _save(dossier: Dossier) -> None:
    # The inbox reads the current step's agency, role, assignee and deadline from the dossier row itself.
    step = dossier.current_step
    dossier.step_agency_id = step.agency_id if step is not None else None
    dossier.step_role = step.role if step is not None else ""
    dossier.step_assignee_id = step.assignee_id if step is not None else None
    dossier.step_deadline = step.deadline if step is not None else None
    dossier.save()


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason.required", _("Vui lòng nêu rõ lý do."))
    return check_text(reason, field="reason", label=_("Lý do"), max_length=LONG_TEXT, multiline=True)


# --- reception -----------------------------------------------------------------------------------


def next_dossier_code(*, reception_point: ReceptionPoint, day: dt.date) -> str:
    """Take the next number of the day at this point; must run inside the reception transaction.

    The counter row is updated in place (a row lock until commit), so concurrent receptions queue
    on it and a rolled-back reception gives its number back.
    """
    counters = DossierCodeCounter.objects.filter(reception_point=reception_point, day=day)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DossierCodeCounter.objects.create(reception_point=reception_point, day=day, last=1)
        except IntegrityError:
            counters.update(last=F("last") + 1)
    number = counters.values_list("last", flat=True).get()
    return f"{reception_point.code}-{day:%y%m%d}-{number:04d}"


def online_reception_point(*, agency: Agency, on: dt.date) -> ReceptionPoint:
    """Where online dossiers for ``agency`` are received: its online point, else its center, else its desk."""
    points = list(
        ReceptionPoint.objects.valid_on(on).filter(agency=agency)
        | ReceptionPoint.objects.valid_on(on).filter(unit=agency.unit)
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


def _fee(version: Any, form_data: dict[str, Any], *, channel: Channel) -> Decimal:
    """The fee for the form; an error is an error (never a fee of 0), and a fee must fit its column.

    At the counter and by post the officer enters only the values the fee reads: those are checked against
    their schema. A yes/no value the fee reads and the form did not send is an unticked box: "no"."""
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
    fee = lookups.fee_for(version=version, form_data=data)
    largest = Decimal(10 ** Dossier._meta.get_field("fee").max_digits - 1)
    if not fee.is_finite() or not 0 <= fee <= largest:
        raise DomainError("fee.too_large", _("Phí, lệ phí tính được vượt quá mức cho phép."))
    return fee


def _create(
    *,
    channel: Channel,
    procedure: Procedure,
    place_unit: AdministrativeUnit,
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
) -> Dossier:
    if idempotency_key:
        existing = _existing_submission(idempotency_key, applicant=applicant, actor=actor)
        if existing is not None:
            return existing
    _check_applicant(applicant_info, summary=summary, postal_tracking_number=postal_tracking_number)
    on = _day(now)
    version = lookups.version_in_force(procedure=procedure, on=on)
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
    required = {d.code: d for d in version.documents.all()}
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
    fee = _fee(version, form_data or {}, channel=channel)
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                province_code=competent.province_code,
                code=next_dossier_code(reception_point=reception_point, day=on),
                procedure=procedure,
                procedure_version=version,
                state=State.SUBMITTED,
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
                place_unit=place_unit,
                summary=summary or procedure.name[:500],
                form_data=form_data or {},
                fee=fee,
                reception_point=reception_point,
                receiving_agency=reception_point.agency,
                competent_agency=competent,
                received_by=received_by,
                postal_tracking_number=postal_tracking_number,
                submitted_at=now,
            )
            _add_documents(dossier, documents, required, now)
            _record(
                dossier,
                kind=EventKind.SUBMITTED,
                user=actor,
                now=now,
                origin=origin or channel,
                data={
                    "channel": channel,
                    "reception_point": reception_point.code,
                    "competent_agency": competent.pk,
                    "postal_tracking_number": postal_tracking_number,
                },
            )
    except IntegrityError:
        if idempotency_key:
            existing = _existing_submission(idempotency_key, applicant=applicant, actor=actor)
            if existing is not None:
                return existing
        raise
    return dossier


def _existing_submission(key: str, *, applicant: Any, actor: Any) -> Dossier | None:
    existing = Dossier.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    first_actor = existing.events.order_by("sequence").values_list("actor_id", flat=True).first()
    if first_actor != getattr(actor, "pk", None):
        raise DomainError("submission.key_reused", _("Mã chống trùng đã được dùng cho một hồ sơ khác."))
    return existing


def _add_documents(
    dossier: Dossier, documents: Sequence[DocumentInput], required: dict, now: dt.datetime
) -> None:
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            code=d.code,
            name=required[d.code].name,
            source=d.source,
            originals=d.originals,
            copies=d.copies,
            file_ref=d.file_ref,
            digitized=bool(d.file_ref),
            supplied_at=now,
        )
        for d in documents
    )


def submit_online(
    *,
    applicant: Any,
    procedure: Procedure,
    place_unit: AdministrativeUnit,
    applicant_info: ApplicantInfo | None = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    reception_point: ReceptionPoint | None = None,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """A citizen submits online; the dossier waits for a reception officer's completeness check.

    The applicant is the logged-in identity (name and ID number verified by the national e-ID), never what
    the form says: a different name or ID number in ``applicant_info`` is the person concerned."""
    if applicant_info is not None:
        # Checked as typed, so that an error names the form field the citizen filled in.
        _check_applicant(applicant_info, summary=summary, postal_tracking_number="")
    info = _online_applicant(applicant, applicant_info)
    with transaction.atomic():
        return _create(
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
            now=_now(now),
            origin=origin,
            actor=applicant,
        )


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
    )


def _receiver(user: Any, point: ReceptionPoint, role: str, on: dt.date) -> Staff:
    staff = _staff_of(user)
    if staff is None or not access.may_receive_at(user=user, reception_point=point, role=role, on=on):
        raise DomainError(
            "reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ tại điểm tiếp nhận này.")
        )
    assert staff is not None
    return staff


def receive_at_counter(
    *,
    by: Any,
    reception_point: ReceptionPoint,
    procedure: Procedure,
    place_unit: AdministrativeUnit,
    applicant_info: ApplicantInfo,
    applicant: Any = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """A reception officer at any reception point of the province registers a walk-in dossier."""
    now = _now(now)
    with transaction.atomic():
        staff = _receiver(by, reception_point, Role.RECEPTION_OFFICER, _day(now))
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
        )


def receive_by_post(
    *,
    by: Any,
    reception_point: ReceptionPoint,
    postal_tracking_number: str,
    procedure: Procedure,
    place_unit: AdministrativeUnit,
    applicant_info: ApplicantInfo,
    applicant: Any = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Postal staff at a post office register a dossier sent by post, with its tracking number."""
    now = _now(now)
    if not postal_tracking_number.strip():
        raise DomainError("reception.tracking_required", _("Vui lòng nhập số hiệu bưu gửi."))
    with transaction.atomic():
        staff = _receiver(by, reception_point, Role.POSTAL_STAFF, _day(now))
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
        )


@transaction.atomic
def accept(*, dossier: Dossier, by: Any, now: dt.datetime | None = None, origin: str = "") -> Dossier:
    """Tiếp nhận: the dossier is complete; issue the appointment and start the workflow."""
    now = _now(now)
    dossier = access.check(by, dossier, Act.ACCEPT, on=_day(now))
    staff = _staff_of(by)
    missing = missing_documents(dossier=dossier)
    if missing:
        raise DomainError(
            "reception.incomplete", _("Hồ sơ còn thiếu: %(names)s"), names="; ".join(d.name for d in missing)
        )
    version = dossier.procedure_version
    dossier.received_at = now
    dossier.received_by = staff
    dossier.appointment_at = lookups.appointment_for(
        version=version, received_at=now, agency_id=dossier.competent_agency_id
    )
    dossier.initial_appointment_at = dossier.appointment_at
    _enter_step(dossier, lookups.initial_step_of(version), now=now, handed_over_by=staff)
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.RECEIVED,
        user=by,
        now=now,
        origin=origin,
        notify_applicant=True,
        data={"to_step": dossier.current_step.step.code if dossier.current_step else None},
    )
    return dossier


@transaction.atomic
def request_reception_supplement(
    *,
    dossier: Dossier,
    by: Any,
    missing: Sequence[str],
    reason: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ at reception: the listed documents and why."""
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(by, dossier, Act.REQUEST_RECEPTION_SUPPLEMENT, on=_day(now))
    items = _supplement_items(dossier, missing)
    dossier.state = State.RECEPTION_SUPPLEMENT
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.RECEPTION_SUPPLEMENT_REQUESTED,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"missing": items},
        notify_applicant=True,
    )
    return dossier


def _supplement_items(dossier: Dossier, missing: Sequence[str]) -> list[dict[str, str]]:
    if not missing:
        raise DomainError(errors.SUPPLEMENT_NO_ITEMS, _("Vui lòng nêu cụ thể giấy tờ cần bổ sung."))
    names = dict(dossier.procedure_version.documents.values_list("code", "name"))
    # A code of a required document names it; anything else is a free-text item the officer wrote.
    return [{"code": m, "name": names[m]} if m in names else {"code": "", "name": m} for m in missing]


@transaction.atomic
def refuse_reception(
    *, dossier: Dossier, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Phiếu từ chối tiếp nhận: with the legal reason."""
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(by, dossier, Act.REFUSE_RECEPTION, on=_day(now))
    dossier.state = State.REFUSED_AT_RECEPTION
    dossier.closed_at = now
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.REFUSED_AT_RECEPTION,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        notify_applicant=True,
    )
    return dossier


@transaction.atomic
def override_competence(
    *,
    dossier: Dossier,
    by: Any,
    agency: Agency,
    reason: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """A leader of the receiving or competent agency, or an administrator, names another competent agency.

    Only before the dossier reaches a step of the competent agency; the override is logged with its reason.
    """
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(by, dossier, Act.OVERRIDE_COMPETENCE, on=_day(now))
    previous = dossier.competent_agency_id
    dossier.competent_agency = agency
    dossier.competence_overridden = True
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.COMPETENCE_OVERRIDDEN,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"from_agency": previous, "to_agency": agency.pk},
    )
    return dossier


# --- workflow engine -----------------------------------------------------------------------------


def _performer_agency(dossier: Dossier, step: WorkflowStep, on: dt.date) -> Agency:
    if step.performer == PerformerRule.COMPETENT:
        return dossier.competent_agency
    if step.performer == PerformerRule.RECEIVING:
        return dossier.receiving_agency
    if step.performer == PerformerRule.NAMED and step.performer_agency is not None:
        return step.performer_agency
    if step.performer == PerformerRule.PLACE_COMMUNE:
        return lookups.resolve_place_commune(place_unit=dossier.place_unit, on=on)
    raise DomainError(
        "workflow.no_performer", _("Không xác định được cơ quan thực hiện bước “%(step)s”."), step=step.name
    )


def _enter_step(
    dossier: Dossier, step: WorkflowStep, *, now: dt.datetime, handed_over_by: Staff | None
) -> None:
    agency = _performer_agency(dossier, step, _day(now))
    sequence = (dossier.steps.aggregate(m=Max("sequence"))["m"] or 0) + 1
    role = step.role
    if role == Role.RECEPTION_OFFICER and agency.kind == AgencyKind.POST_OFFICE:
        # A post office receives and hands results over through its postal staff (Decision 45/2016/QĐ-TTg).
        role = Role.POSTAL_STAFF
    current = DossierStep.objects.create(
        dossier=dossier,
        province_code=dossier.province_code,
        sequence=sequence,
        step=step,
        agency=agency,
        role=role,
        handed_over_by=handed_over_by,
        started_at=now,
        deadline=lookups.add_working_hours(
            start=now, hours=Decimal(step.allotment_hours), agency_id=agency.pk
        ),
    )
    dossier.current_step = current
    if Action.RETURN_RESULT in step.actions:
        dossier.state = State.RESULT_READY
        dossier.finished_at = dossier.finished_at or now
    else:
        dossier.state = State.IN_PROCESS


def _close_step(dossier: Dossier, *, by: Staff | None, action: str, now: dt.datetime) -> DossierStep | None:
    current = dossier.current_step
    if current is None:
        return None
    current.finished_at = now
    current.finished_by = by
    current.action = action
    current.spent_hours = lookups.working_hours_between(
        start=current.started_at, end=now, agency_id=current.agency_id
    )
    if now > current.deadline:
        current.outcome = StepOutcome.LATE
    elif _day(now) < _day(current.deadline):
        current.outcome = StepOutcome.EARLY
    else:
        current.outcome = StepOutcome.ON_TIME
    current.save(update_fields=["finished_at", "finished_by", "action", "spent_hours", "outcome"])
    dossier.current_step = None
    return current


def _transitions(step: WorkflowStep, action: str) -> list[Transition]:
    return list(Transition.objects.filter(source=step, action=action).select_related("target"))


def _target_of(
    step: WorkflowStep, action: str, target_step: str | None, dossier: Dossier, transitions: list[Transition]
) -> WorkflowStep | None:
    if action == Action.RETURN:
        earlier = [t.target for t in transitions if t.target is not None and t.target.order < step.order]
        if not transitions:
            # No explicit return transitions: any earlier step this dossier went through.
            visited = set(dossier.steps.values_list("step_id", flat=True))
            earlier = list(step.workflow.steps.filter(order__lt=step.order, pk__in=visited))
        if target_step:
            earlier = [s for s in earlier if s.code == target_step]
        if len(earlier) != 1:
            raise DomainError("action.choose_target", _("Vui lòng chọn bước trước để trả lại."))
        return earlier[0]
    if not transitions:
        if action in (Action.REFUSE, Action.RETURN_RESULT):
            return None
        raise DomainError(
            "action.no_transition", _("Quy trình không quy định bước tiếp theo cho thao tác này.")
        )
    if target_step:
        transitions = [t for t in transitions if (t.target.code if t.target else None) == target_step]
    if len(transitions) != 1:
        raise DomainError("action.choose_target", _("Vui lòng chọn bước tiếp theo."))
    return transitions[0].target


def _requires_reason(action: str, transitions: list[Transition]) -> bool:
    return action in (Action.RETURN, Action.REFUSE) or any(t.requires_reason for t in transitions)


@transaction.atomic
def perform(
    *,
    dossier: Dossier,
    by: Any,
    action: str,
    reason: str = "",
    target_step: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Take the current step with one of the movement actions the workflow allows.

    forward / approve / sign / issue_number go to their transition's target (``target_step`` picks one
    when several are defined); return goes back to an earlier step; refuse ends with refusal; return_result
    hands the result over and closes the dossier. Supplements and consultations have their own services.
    """
    now = _now(now)
    if action in (Action.REQUEST_SUPPLEMENT, Action.CONSULT):
        raise DomainError(
            "action.use_service", _("Thao tác này cần thông tin riêng (danh sách bổ sung, cơ quan).")
        )
    if action not in Action.values:
        raise DomainError("action.not_allowed", _("Thao tác không hợp lệ."))
    dossier = access.check(by, dossier, action, on=_day(now))
    staff = _staff_of(by)
    assert staff is not None
    if dossier.current_step is None:
        # The workflow ended without a hand-over step: the receiving point returns the result.
        return _finish_return(dossier, by=by, staff=staff, now=now, origin=origin, closed_step=None)
    step = dossier.current_step.step
    transitions = _transitions(step, action)
    if _requires_reason(action, transitions):
        reason = _require_reason(reason)
    target = _target_of(step, action, target_step, dossier, transitions)
    from_step = step.code
    acting = dossier.current_step.agency if dossier.current_step else None
    closed = _close_step(dossier, by=staff, action=action, now=now)
    if action == Action.REFUSE:
        dossier.state = State.REFUSED
        dossier.finished_at = now
        dossier.closed_at = now
        _save(dossier)
        _record(
            dossier,
            kind=EventKind.STEP_ACTION,
            agency=acting,
            action=action,
            user=by,
            now=now,
            origin=origin,
            reason=reason,
            data={"from_step": from_step, "to_step": None, "outcome": closed.outcome if closed else ""},
            notify_applicant=True,
        )
        return dossier
    if action == Action.RETURN_RESULT:
        return _finish_return(
            dossier,
            by=by,
            staff=staff,
            now=now,
            origin=origin,
            closed_step=closed,
            reason=reason,
            agency=acting,
        )
    if target is None:
        # The workflow ends here: the result is ready to be returned.
        dossier.state = State.RESULT_READY
        dossier.finished_at = dossier.finished_at or now
    else:
        _enter_step(dossier, target, now=now, handed_over_by=staff)
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.STEP_ACTION,
        agency=acting,
        action=action,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        data={
            "from_step": from_step,
            "to_step": target.code if target else None,
            "outcome": closed.outcome if closed else "",
        },
        notify_applicant=dossier.state == State.RESULT_READY,
    )
    return dossier


def _finish_return(
    dossier: Dossier,
    *,
    by: Any,
    staff: Staff,
    now: dt.datetime,
    origin: str,
    closed_step: DossierStep | None,
    reason: str = "",
    agency: Agency | None = None,
) -> Dossier:
    dossier.current_step = None
    dossier.state = State.RETURNED
    dossier.finished_at = dossier.finished_at or now
    dossier.returned_at = now
    dossier.closed_at = now
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.STEP_ACTION,
        agency=agency,
        action=Action.RETURN_RESULT,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        notify_applicant=True,
        data={
            "from_step": closed_step.step.code if closed_step else None,
            "to_step": None,
            "outcome": closed_step.outcome if closed_step else "",
        },
    )
    return dossier


@transaction.atomic
def assign_step(
    *, dossier: Dossier, by: Any, assignee: Staff, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Give the current step to one qualified staff member (a head or leader of the step's agency, or the
    staff member taking it for themself)."""
    now = _now(now)
    on = _day(now)
    dossier = access.check(by, dossier, Act.ASSIGN, on=on, subject=assignee.pk)
    current = dossier.current_step
    assert current is not None
    if not access.actor(assignee.user, on).holds(current.role, {current.agency_id}):
        raise DomainError(
            "step.assignee_unqualified", _("Người được giao không đảm nhận vai trò của bước này.")
        )
    current.assignee = assignee
    current.save(update_fields=["assignee"])
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.STEP_ASSIGNED,
        user=by,
        now=now,
        origin=origin,
        data={"assignee": assignee.pk, "assignee_name": assignee.full_name},
    )
    return dossier


def _restart_rule() -> str:
    """MOTCUA_SUPPLEMENT_CLOCK: "resume" (time already spent counts; default) or "restart" (full limit)."""
    return str(getattr(settings, "MOTCUA_SUPPLEMENT_CLOCK", "resume"))


@transaction.atomic
def request_supplement(
    *,
    dossier: Dossier,
    by: Any,
    missing: Sequence[str],
    reason: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Stop the clock and ask the applicant for the listed documents; resumes at the same step."""
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(by, dossier, Action.REQUEST_SUPPLEMENT, on=_day(now))
    items = _supplement_items(dossier, missing)
    current = dossier.current_step
    assert current is not None and dossier.appointment_at is not None
    agency = dossier.competent_agency_id
    dossier.paused_at = now
    dossier.paused_remaining_hours = lookups.working_hours_between(
        start=now, end=dossier.appointment_at, agency_id=agency
    )
    dossier.paused_step_remaining_hours = lookups.working_hours_between(
        start=now, end=current.deadline, agency_id=current.agency_id
    )
    dossier.supplement_count += 1
    dossier.state = State.SUPPLEMENT
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.SUPPLEMENT_REQUESTED,
        action=Action.REQUEST_SUPPLEMENT,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"missing": items},
        notify_applicant=True,
    )
    return dossier


@transaction.atomic
def supply_documents(
    *,
    dossier: Dossier,
    by: Any,
    documents: Sequence[DocumentInput],
    note: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The applicant (or a reception officer on their behalf) brings the requested documents.

    At reception the dossier goes back to the completeness check. During processing the clock restarts
    per MOTCUA_SUPPLEMENT_CLOCK and the appointment and step deadline move by the time spent waiting.
    """
    now = _now(now)
    dossier = access.check(by, dossier, Act.SUPPLY, on=_day(now))
    if not documents:
        raise DomainError(errors.SUPPLEMENT_EMPTY, _("Vui lòng đính kèm giấy tờ bổ sung."))
    required = {d.code: d for d in dossier.procedure_version.documents.all()}
    unknown = [d.code for d in documents if d.code not in required]
    if unknown:
        raise DomainError(
            "reception.unknown_document",
            _("Giấy tờ không thuộc thành phần hồ sơ: %(codes)s"),
            codes=", ".join(unknown),
        )
    _add_documents(dossier, documents, required, now)
    data: dict[str, Any] = {"documents": [d.code for d in documents]}
    if dossier.state == State.RECEPTION_SUPPLEMENT:
        dossier.state = State.SUBMITTED
    else:
        _resume_clock(dossier, now)
        data["waited_hours"] = str(
            lookups.working_hours_between(
                start=dossier.paused_at or now, end=now, agency_id=dossier.competent_agency_id
            )
        )
        dossier.paused_at = None
        dossier.paused_remaining_hours = None
        dossier.paused_step_remaining_hours = None
        dossier.state = State.IN_PROCESS
    _save(dossier)
    _record(
        dossier, kind=EventKind.SUPPLEMENT_PROVIDED, user=by, now=now, origin=origin, reason=note, data=data
    )
    return dossier


def _resume_clock(dossier: Dossier, now: dt.datetime) -> None:
    assert dossier.appointment_at is not None
    current = dossier.current_step
    old = dossier.appointment_at
    if _restart_rule() == "restart":
        new = lookups.appointment_for(
            version=dossier.procedure_version, received_at=now, agency_id=dossier.competent_agency_id
        )
    else:
        remaining = max(dossier.paused_remaining_hours or Decimal(0), Decimal(0))
        new = lookups.add_working_hours(start=now, hours=remaining, agency_id=dossier.competent_agency_id)
    # The clock only stopped: an appointment never moves earlier.
    dossier.appointment_at = max(old, new)
    if current is not None:
        remaining_step = max(dossier.paused_step_remaining_hours or Decimal(0), Decimal(0))
        current.deadline = max(
            current.deadline,
            lookups.add_working_hours(start=now, hours=remaining_step, agency_id=current.agency_id),
        )
        current.save(update_fields=["deadline"])


@transaction.atomic
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
    now = _now(now)
    question = (question or "").strip()
    if not question:
        raise DomainError("consult.empty", _("Vui lòng nêu nội dung xin ý kiến."))
    check_text(
        question, field="question", label=_("Nội dung xin ý kiến"), max_length=LONG_TEXT, multiline=True
    )
    dossier = access.check(by, dossier, Action.CONSULT, on=_day(now))
    staff = _staff_of(by)
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
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.CONSULTATION_REQUESTED,
        action=Action.CONSULT,
        user=by,
        now=now,
        origin=origin,
        reason=question,
        data={"consultation": consultation.pk, "agency": agency.pk, "agency_name": agency.name},
    )
    return consultation


@transaction.atomic
def answer_consultation(
    *, consultation: Consultation, by: Any, answer: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The consulted agency answers; the dossier resumes at the step that asked."""
    now = _now(now)
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("consult.empty_answer", _("Vui lòng nhập ý kiến trả lời."))
    check_text(answer, field="answer", label=_("Ý kiến trả lời"), max_length=LONG_TEXT, multiline=True)
    dossier = access.check(
        by,
        consultation.dossier,
        Act.ANSWER_CONSULTATION,
        on=_day(now),
        subject=consultation,
        check_version=False,
    )
    consultation.answer = answer
    consultation.answered_by = _staff_of(by)
    consultation.answered_at = now
    consultation.save(update_fields=["answer", "answered_by", "answered_at"])
    dossier.state = State.IN_PROCESS
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.CONSULTATION_ANSWERED,
        user=by,
        now=now,
        origin=origin,
        reason=answer,
        agency=consultation.agency,
        data={"consultation": consultation.pk},
    )
    return dossier


@transaction.atomic
def withdraw(
    *, dossier: Dossier, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Công dân rút hồ sơ: the applicant (or a reception officer recording the written request) closes it."""
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(by, dossier, Act.WITHDRAW, on=_day(now))
    _close_step(dossier, by=_staff_of(by), action=WITHDRAW, now=now)
    Consultation.objects.filter(dossier=dossier, answered_at__isnull=True).update(answered_at=now, answer="")
    dossier.state = State.WITHDRAWN
    dossier.closed_at = now
    dossier.paused_at = None
    _save(dossier)
    _record(
        dossier, kind=EventKind.WITHDRAWN, action=WITHDRAW, user=by, now=now, origin=origin, reason=reason
    )
    return dossier


# --- apology and new appointment -----------------------------------------------------------------


def _latest_apology_date(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """The latest new appointment an apology may set: the procedure's time limit once more, counted from
    the first appointment (the one before any apology) or from now when that has already passed, so that
    a late dossier can still be given a date. It also keeps each status check's calendar walk short."""
    first = (
        ApologyNotice.objects.filter(dossier=dossier, signed_at__isnull=False)
        .order_by("signed_at")
        .values_list("old_appointment_at", flat=True)
        .first()
    )
    start = first or dossier.appointment_at
    assert start is not None
    return lookups.appointment_for(
        version=dossier.procedure_version, received_at=max(start, now), agency_id=dossier.competent_agency_id
    )


@transaction.atomic
def draft_apology(
    *,
    dossier: Dossier,
    by: Any,
    reason: str,
    new_appointment_at: dt.datetime,
    now: dt.datetime | None = None,
    origin: str = "",
) -> ApologyNotice:
    """Văn bản xin lỗi và hẹn lại: staff of the competent agency propose a new date and the reason."""
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(by, dossier, Act.DRAFT_APOLOGY, on=_day(now))
    assert dossier.appointment_at is not None
    if new_appointment_at <= dossier.appointment_at or new_appointment_at <= now:
        raise DomainError("apology.date", _("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    latest = _latest_apology_date(dossier, now)
    if new_appointment_at > latest:
        raise FieldError(
            "apology.too_late",
            _(
                "Ngày hẹn mới không được sau %(latest)s (thêm một lần thời hạn giải quyết của thủ tục, "
                "tính từ ngày hẹn ban đầu hoặc từ hôm nay nếu ngày đó đã qua)."
            ),
            field="new_date",
            latest=f"{latest.astimezone(lookups.TZ):%H:%M %d/%m/%Y}",
        )
    staff = _staff_of(by)
    assert staff is not None
    notice = ApologyNotice.objects.create(
        dossier=dossier,
        agency=dossier.competent_agency,
        reason=reason,
        old_appointment_at=dossier.appointment_at,
        new_appointment_at=new_appointment_at,
        drafted_by=staff,
        drafted_at=now,
    )
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.APOLOGY_DRAFTED,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"apology": notice.pk, "new_appointment": new_appointment_at.astimezone(dt.UTC).isoformat()},
    )
    return notice


@transaction.atomic
def sign_apology(
    *, notice: ApologyNotice, by: Any, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The responsible leader signs: the appointment moves to the new date and the applicant is told."""
    now = _now(now)
    dossier = access.check(
        by, notice.dossier, Act.SIGN_APOLOGY, on=_day(now), subject=notice, check_version=False
    )
    assert dossier.appointment_at is not None
    if notice.new_appointment_at <= dossier.appointment_at:
        raise DomainError("apology.date", _("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    staff = _staff_of(by)
    notice.signed_by = staff
    notice.signed_at = now
    notice.save(update_fields=["signed_by", "signed_at"])
    old = dossier.appointment_at
    dossier.appointment_at = notice.new_appointment_at
    if dossier.state == State.SUPPLEMENT:
        # The clock is stopped: keep the extension for when it restarts.
        extra = lookups.working_hours_between(
            start=old, end=notice.new_appointment_at, agency_id=notice.agency_id
        )
        dossier.paused_remaining_hours = (dossier.paused_remaining_hours or Decimal(0)) + extra
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.APOLOGY_SIGNED,
        user=by,
        now=now,
        origin=origin,
        reason=notice.reason,
        data={"apology": notice.pk, "old_appointment": old.astimezone(dt.UTC).isoformat()},
        notify_applicant=True,
    )
    return dossier


# --- results and satisfaction --------------------------------------------------------------------


@transaction.atomic
def attach_result(
    *,
    dossier: Dossier,
    by: Any,
    name: str,
    upload: Any,
    now: dt.datetime | None = None,
    origin: str = "",
) -> DossierResult:
    """Đính kèm kết quả: store the result file (PDF or scan); the applicant downloads it once returned."""
    now = _now(now)
    name = (name or "").strip()
    if not name:
        raise DomainError("result.name", _("Vui lòng nhập tên kết quả (ví dụ: Giấy khai sinh)."))
    if upload is None:
        raise DomainError("result.file", _("Vui lòng chọn tệp kết quả."))
    dossier = access.check(by, dossier, Act.ATTACH_RESULT, on=_day(now))
    staff = _staff_of(by)
    assert staff is not None
    stored = files.store_upload(upload, folder=f"{dossier.province_code}/{dossier.pk}/results")
    try:
        result = DossierResult.objects.create(
            dossier=dossier,
            name=name[:300],
            file_ref=stored.ref,
            file_name=stored.name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            attached_by=staff,
            attached_at=now,
        )
        _save(dossier)
        _record(
            dossier,
            kind=EventKind.RESULT_ATTACHED,
            user=by,
            now=now,
            origin=origin,
            data={"result": result.pk, "name": result.name, "sha256": stored.sha256, "size": stored.size},
        )
    except BaseException:
        files.discard(stored.ref)  # nothing refers to it: the rows roll back with the transaction
        raise
    return result


@transaction.atomic
def remove_result(
    *, result: DossierResult, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Gỡ tệp kết quả đính kèm nhầm, before the hand-over; the row and the file are kept for the record."""
    now = _now(now)
    reason = _require_reason(reason)
    dossier = access.check(
        by, result.dossier, Act.REMOVE_RESULT, on=_day(now), subject=result, check_version=False
    )
    if result.removed_at is not None:
        raise DomainError("result.removed", _("Tệp kết quả này đã được gỡ."))
    staff = _staff_of(by)
    result.removed_by = staff
    result.removed_at = now
    result.save(update_fields=["removed_by", "removed_at"])
    _save(dossier)
    _record(
        dossier,
        kind=EventKind.RESULT_REMOVED,
        user=by,
        now=now,
        origin=origin,
        reason=reason,
        data={"result": result.pk, "name": result.name},
    )
    return dossier


@transaction.atomic
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
    now = _now(now)
    try:
        level = Satisfaction(int(level))
    except (TypeError, ValueError) as error:
        raise DomainError("rating.level", _("Vui lòng chọn một mức độ hài lòng.")) from error
    if channel not in RatingChannel.values:
        raise DomainError("rating.channel", _("Kênh đánh giá không hợp lệ."))
    dossier = access.check(by, dossier, Act.RATE, on=_day(now), subject=channel, check_version=False)
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
    _save(dossier)
    event = _record(
        dossier,
        kind=EventKind.RATED,
        user=by if is_applicant else None,
        now=now,
        origin=origin or channel,
        data={"level": int(level)},
    )
    enqueue_many(
        province_code=dossier.province_code,
        aggregate_type="dossier",
        aggregate_id=dossier.pk,
        items=[
            OutboxItem(
                topic=Topic.DOSSIER_RATING,
                key=f"dossier:{dossier.pk}:{event.sequence}:rating",
                payload={
                    "dossier_code": dossier.code,
                    "procedure_code": dossier.procedure.code,
                    "level": int(level),
                    "comment": rating.comment,
                    "at": now.isoformat(),
                },
            )
        ],
        now=now,
    )
    return rating
