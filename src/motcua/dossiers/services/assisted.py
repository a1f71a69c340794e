"""Assisted online submission at the counter (Directive 24/CT-TTg) and the offline path.

From 1 October 2025 the centres take no paper dossier for the services the Directive lists (birth, death and
marriage registration among them): the reception officer fills the procedure's e-form with the citizen,
attaches the scanned documents, and the citizen confirms, on the spot (the officer records that the citizen
read and confirmed) or later with the national e-ID from "my dossiers". The result is an online dossier,
marked assisted, received at the counter.

When the online path is down (the national e-ID or portal does not answer), the counter records the dossier
here (``State.RECORDED_OFFLINE``, paper-free, scans attached, confirmed on the spot) and it is submitted
when the path is back (``submit_recorded_offline``, run by the background task or ``motcua
submit_offline``), keeping the original moment as its submission and reception time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineLevel, Procedure
from motcua.core.errors import DomainError
from motcua.dossiers import access, errors, events, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.constants import Channel, Confirmation, OfflineReason, State
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.submission import _create
from motcua.dossiers.services.unit import service
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import ReceptionPoint

ID_NUMBER = re.compile(r"^[0-9]{12}$")


def submit_assisted(
    *,
    by: Any,
    reception_point: ReceptionPoint,
    procedure: Procedure,
    place_unit: AdministrativeUnit,
    applicant_info: ApplicantInfo,
    confirmation: str,
    citizen_confirmed: bool = False,
    offline: str = "",
    applicant: Any = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The reception officer ``by`` submits online with the citizen at ``reception_point``.

    ``confirmation``: ``on_the_spot`` (``citizen_confirmed`` records that the citizen read the e-form and
    confirmed it; the dossier is submitted now) or ``e_id`` (the dossier waits for the citizen, whose
    12-digit ID number it carries, to confirm from the portal). ``offline`` (an ``OfflineReason``): the
    online path is down, the dossier is recorded here and submitted when it is back (on the spot only).
    ``applicant``: the citizen's account, when known, for "my dossiers"; it must carry the ID number typed.
    The e-form is checked against the version's schema as an online submission is."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    if confirmation not in Confirmation.values:
        raise DomainError(errors.ASSISTED_UNCONFIRMED, _("Vui lòng chọn cách công dân xác nhận hồ sơ."))
    if offline and offline not in OfflineReason.values:
        raise ValueError(f"unknown offline reason {offline!r}")
    with transaction.atomic():
        if not access.may_assist_at(user=by, reception_point=reception_point, on=on):
            raise DomainError(
                "reception.not_allowed", _("Bạn không có quyền tiếp nhận hồ sơ tại điểm tiếp nhận này.")
            )
        staff = access.staff_of(by)
        version = lookups.version_in_force(procedure=procedure, on=on)
        if version.online_level == OnlineLevel.OFFLINE and not version.is_online_only(on):
            raise DomainError(
                errors.ASSISTED_NOT_ONLINE,
                _("Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng tiếp nhận hồ sơ tại quầy."),
            )
        if confirmation == Confirmation.E_ID:
            if offline:
                raise DomainError(
                    errors.ASSISTED_OFFLINE_EID,
                    _(
                        "Hệ thống định danh điện tử đang gián đoạn: công dân không xác nhận bằng định danh "
                        "điện tử được. Vui lòng để công dân xác nhận tại quầy."
                    ),
                )
            if not ID_NUMBER.match(applicant_info.id_number or ""):
                raise DomainError(
                    errors.ASSISTED_NEEDS_ID,
                    _("Để công dân xác nhận bằng định danh điện tử, vui lòng nhập số định danh 12 chữ số."),
                )
        elif not citizen_confirmed:
            raise DomainError(
                errors.ASSISTED_UNCONFIRMED,
                _("Vui lòng xác nhận công dân đã đọc lại và đồng ý với nội dung hồ sơ trước khi nộp."),
            )
        if applicant is not None and (
            not applicant_info.id_number or getattr(applicant, "national_id", "") != applicant_info.id_number
        ):
            applicant = None  # another person's account: the dossier is not linked to it
        on_the_spot = confirmation == Confirmation.ON_THE_SPOT
        if offline:
            state = State.RECORDED_OFFLINE
        else:
            state = State.SUBMITTED if on_the_spot else State.AWAITING_CONFIRMATION
        extra: dict[str, Any] = {
            "assisted_by": staff,
            "confirmation": confirmation,
            "confirmed_at": now if on_the_spot else None,
            "confirmed_by": by if on_the_spot else None,
            "recorded_offline_at": now if offline else None,
        }

        def record(dossier: Dossier) -> None:
            events.assisted_prepared(dossier, by=by, now=now, origin=origin)
            if on_the_spot:
                events.submission_confirmed(dossier, by=by, now=now, origin=origin)
            if offline:
                events.recorded_offline(dossier, by=by, now=now, origin=origin, why=offline)
            elif on_the_spot:
                events.submitted(
                    dossier,
                    by=by,
                    now=now,
                    origin=origin,
                    reception_point=dossier.reception_point,
                    competent_agency=dossier.competent_agency,
                )

        created = _create(
            channel=Channel.ONLINE,
            procedure=procedure,
            place_unit=place_unit,
            applicant_info=applicant_info,
            applicant=applicant if on_the_spot else None,
            reception_point=reception_point,
            received_by=None,
            documents=documents,
            form_data=form_data,
            summary=summary,
            postal_tracking_number="",
            idempotency_key=idempotency_key,
            now=now,
            origin=origin,
            actor=by,
            state=state,
            extra=extra,
            record=record,
        )
        # Online (assisted) submissions are never forwarded (services.forwarding.is_elsewhere).
        assert isinstance(created, Dossier)
        return created


@service
def confirm_submission(
    *, dossier: Dossier, by: Any, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The citizen, logged in with the national e-ID, confirms the dossier prepared with them at the counter:
    it is submitted now and becomes theirs ("my dossiers"). Only the identity whose ID number it carries."""
    now = now or timezone.now()
    dossier = access.check(by, dossier, Act.CONFIRM_SUBMISSION, on=timezone.localdate(now))
    dossier.applicant = by
    dossier.state = State.SUBMITTED
    dossier.submitted_at = now
    dossier.confirmed_at = now
    dossier.confirmed_by = by
    save_dossier(dossier)
    events.submission_confirmed(dossier, by=by, now=now, origin=origin or "portal")
    events.submitted(
        dossier,
        by=by,
        now=now,
        origin=origin or "portal",
        reception_point=dossier.reception_point,
        competent_agency=dossier.competent_agency,
    )
    return dossier


@service
def submit_recorded_offline(
    *, dossier: Dossier, by: Any = None, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Submit a dossier recorded while the online path was down. ``submitted_at`` stays the moment it was
    recorded at the counter (and ``accept`` takes that moment as the reception time); the ``submitted``
    event, written now, carries both. ``by`` is None for the background task."""
    now = now or timezone.now()
    dossier = access.check(by, dossier, Act.SUBMIT_RECORDED_OFFLINE, on=timezone.localdate(now))
    dossier.state = State.SUBMITTED
    save_dossier(dossier)
    events.submitted(
        dossier,
        by=by,
        now=now,
        origin=origin or "offline",
        reception_point=dossier.reception_point,
        competent_agency=dossier.competent_agency,
    )
    return dossier


def submit_pending_offline(*, now: dt.datetime | None = None, limit: int = 200) -> list[Dossier]:
    """Submit the dossiers recorded offline, oldest first, each in its own transaction (the caller has
    checked that the online path is back). A dossier another worker took meanwhile is skipped."""
    submitted = []
    pending = (
        Dossier.objects.filter(state=State.RECORDED_OFFLINE)
        .select_related("reception_point", "competent_agency", "procedure")
        .order_by("recorded_offline_at", "pk")[:limit]
    )
    for dossier in pending:
        try:
            submitted.append(submit_recorded_offline(dossier=dossier, now=now))
        except DomainError:
            continue  # taken meanwhile (dossier.conflict / wrong state): nothing to do
    return submitted
