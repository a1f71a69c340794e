"""The completeness check at reception (tiếp nhận, yêu cầu bổ sung, từ chối tiếp nhận), the counter's
"receive and decide" in one transaction, and the competent agency's override before processing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog import eforms
from motcua.catalog.forms import FormInvalid, FormProblem, form_problems
from motcua.catalog.models import Procedure
from motcua.core import request_cache
from motcua.core.errors import DomainError
from motcua.dossiers import access, events, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, Forwarding, State
from motcua.dossiers.selectors import missing_documents
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput, require_reason
from motcua.dossiers.services.register import enter_in_register
from motcua.dossiers.services.steps import enter_step, save_dossier
from motcua.dossiers.services.submission import receive_at_counter
from motcua.dossiers.services.supplements import supplement_items
from motcua.dossiers.services.unit import service, unit_of_work
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, ReceptionPoint


@request_cache.scope()  # positions and the calendar version read once per call
@service
def accept(*, dossier: Dossier, by: Any, now: dt.datetime | None = None, origin: str = "") -> Dossier:
    """Tiếp nhận: the dossier is complete; issue the appointment and start the workflow."""
    now = now or timezone.now()
    # The dossier's UPDATE is the first write: the version check comes with it.
    dossier = access.check(by, dossier, Act.ACCEPT, on=timezone.localdate(now), lock_on_write=True)
    _accepted(dossier, by=by, now=now)
    save_dossier(dossier)
    _record_acceptance(dossier, by=by, now=now, origin=origin)
    return dossier


def _accepted(
    dossier: Dossier, *, by: Any, now: dt.datetime, provided: Collection[str] | None = None
) -> None:
    """Accept's change of the service's copy: complete (``provided``: the document codes of a dossier whose
    rows are not written yet), received now, the appointment issued, the workflow's first step entered."""
    staff = access.staff_of(by)
    missing = missing_documents(dossier=dossier, provided=provided)
    if missing:
        raise DomainError(
            "reception.incomplete",
            _("Hồ sơ còn thiếu: %(names)s"),
            names="; ".join(d.name for d in missing),
            codes=[d.code for d in missing],  # the counter marks each one at its checkbox
        )
    version = dossier.procedure_version
    # A dossier recorded at the counter while the online path was down was received then: the outage does
    # not cost the citizen time (services.assisted, Directive 24/CT-TTg).
    received_at = dossier.recorded_offline_at or now
    dossier.received_at = received_at
    dossier.received_by = staff
    dossier.appointment_at = lookups.appointment_for(
        version=version, received_at=received_at, agency_id=dossier.competent_agency_id
    )
    dossier.initial_appointment_at = dossier.appointment_at
    enter_step(dossier, lookups.initial_step_of(version), now=now, handed_over_by=staff)


def _record_acceptance(dossier: Dossier, *, by: Any, now: dt.datetime, origin: str) -> None:
    """After the dossier's row is written: its line in the register, the event."""
    # Form 07: the receipt's "Số:" is the dossier's line in the point's register (quyển số, số thứ tự).
    enter_in_register(dossier=dossier, now=now)
    events.received(dossier, by=by, now=now, origin=origin)


@service
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
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.REQUEST_RECEPTION_SUPPLEMENT, on=timezone.localdate(now))
    items = supplement_items(dossier, missing)
    dossier.state = State.RECEPTION_SUPPLEMENT
    save_dossier(dossier)
    events.reception_supplement_requested(
        dossier, by=by, now=now, origin=origin, reason=reason, missing=items
    )
    return dossier


@service
def refuse_reception(
    *, dossier: Dossier, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Phiếu từ chối tiếp nhận: with the legal reason."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.REFUSE_RECEPTION, on=timezone.localdate(now))
    dossier.state = State.REFUSED_AT_RECEPTION
    dossier.closed_at = now
    save_dossier(dossier)
    events.refused_at_reception(dossier, by=by, now=now, origin=origin, reason=reason)
    return dossier


@service
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
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(by, dossier, Act.OVERRIDE_COMPETENCE, on=timezone.localdate(now))
    previous = dossier.competent_agency_id
    dossier.competent_agency = agency
    dossier.competence_overridden = True
    save_dossier(dossier)
    events.competence_overridden(
        dossier, by=by, now=now, origin=origin, reason=reason, previous_agency_id=previous
    )
    return dossier


class CounterDecision:
    """What the reception officer decides at the counter right after registering a walk-in dossier."""

    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"


def declaration_problems(
    *, procedure: Procedure, form_data: dict[str, Any], complete: bool, on: dt.date
) -> list[FormProblem]:
    """Tờ khai at the counter: the declaration typed into the procedure's e-form, checked as the portal checks
    it (the version's JSON schema, ``catalog.forms.form_problems``; each chosen unit a commune in force).

    Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP (docs/legal-basis.md §26): the center receiving a
    paper dossier checks it and enters it in the software. ``complete`` (to accept): every required field;
    otherwise (a supplement asked, a refusal) only what was typed is checked, an incomplete declaration being
    what the supplement asks for. The competence place fields are left to ``lookups.competence_place``, which
    refuses them in its own words or forwards the dossier. No schema, or an online-only procedure (filled in
    assisted online submission): nothing to check here."""
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return []  # the registration refuses it in its own words
    schema = version.form_schema or {}
    if not schema or version.is_online_only(on):
        return []
    places = set(lookups.competence_place_fields(procedure=procedure, on=on))
    required = [n for n in schema.get("required") or [] if complete and n not in places]
    problems = form_problems({**schema, "required": required}, form_data, on=on)
    fields = [f for f in eforms.build_fields(schema, version.ui_schema or {}) if f.name not in places]
    return problems + eforms.unit_problems(fields, form_data, on=on)


def receive_and_decide(
    *,
    by: Any,
    decision: str,
    reception_point: ReceptionPoint,
    procedure: Procedure,
    applicant_info: ApplicantInfo,
    place_unit: AdministrativeUnit | None = None,
    applicant: Any = None,
    documents: Sequence[DocumentInput] = (),
    form_data: dict[str, Any] | None = None,
    summary: str = "",
    missing: Sequence[str] = (),
    reason: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
    result_delivery: str = "",
    dossier_sets: int = 1,
) -> Dossier | Forwarding:
    """The counter's one intention: register the walk-in dossier and take the completeness decision
    (accept, request a supplement listing ``missing``, refuse with ``reason``) in one transaction, each event
    recording the request's ``origin``. The declaration (``form_data``) is checked first
    (``declaration_problems``: complete to accept), a ``FormInvalid`` naming each field. Any refusal keeps
    nothing; another ``decision`` only registers. A place in another province gives a ``Forwarding``
    (received and forwarded, no decision taken here)."""
    now = now or timezone.now()
    prepared: list[Dossier] = []

    def accept_before_insert(dossier: Dossier, provided: set[str]) -> None:
        # Received and accepted at once: the row is written once, in its final state.
        denied = access.refusal(by, Act.ACCEPT, dossier, on=timezone.localdate(now))
        if denied is not None:
            raise denied
        _accepted(dossier, by=by, now=now, provided=provided)
        prepared.append(dossier)

    with request_cache.scope(), unit_of_work():
        problems = declaration_problems(
            procedure=procedure,
            form_data=form_data or {},
            complete=decision == CounterDecision.ACCEPT,
            on=timezone.localdate(now),
        )
        if problems:
            raise FormInvalid(problems)
        dossier = receive_at_counter(
            by=by,
            reception_point=reception_point,
            procedure=procedure,
            place_unit=place_unit,
            applicant_info=applicant_info,
            applicant=applicant,
            documents=documents,
            form_data=form_data,
            summary=summary,
            idempotency_key=idempotency_key,
            now=now,
            origin=origin,
            result_delivery=result_delivery,
            dossier_sets=dossier_sets,
            prepare=accept_before_insert if decision == CounterDecision.ACCEPT else None,
        )
        if isinstance(dossier, Forwarding):
            # Another province's dossier is received and forwarded; its competent agency decides on it.
            if decision in (CounterDecision.SUPPLEMENT, CounterDecision.REFUSE):
                raise DomainError(
                    "forwarding.decision",
                    _(
                        "Hồ sơ thuộc thẩm quyền của cơ quan ở tỉnh, thành phố khác được tiếp nhận và "
                        "chuyển đi; việc yêu cầu bổ sung hoặc từ chối do cơ quan có thẩm quyền quyết định."
                    ),
                )
            return dossier
        if decision == CounterDecision.ACCEPT:
            if any(held is dossier for held in prepared):
                _record_acceptance(dossier, by=by, now=now, origin=origin)
                return dossier
            # The dossier an earlier request with the same idempotency key registered.
            return accept(dossier=dossier, by=by, now=now, origin=origin)
        if decision == CounterDecision.SUPPLEMENT:
            return request_reception_supplement(
                dossier=dossier, by=by, missing=missing, reason=reason, now=now, origin=origin
            )
        if decision == CounterDecision.REFUSE:
            return refuse_reception(dossier=dossier, by=by, reason=reason, now=now, origin=origin)
        return dossier
