"""Historical dossiers brought over from an old one-stop system (``motcua.reorg.legacy``): finished records
that keep their original agency (statistics), their history as events and their old code (``legacy_code``).

They are written in bulk, inside the caller's transaction (one import batch), without outbox messages: the
old system reported them to the national portal when they happened. The history must replay to the
dossier's stored state (``dossiers.replay``), which ``check_history`` verifies before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from types import SimpleNamespace

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers.constants import TERMINAL_STATES, Channel, DocumentSource, EventKind, State
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, event_audience
from motcua.dossiers.replay import ReplayedState, replay
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, ReceptionPoint

# Kinds whose event carries the step the dossier went to (none: an old dossier has no workflow here).
_STEP_KINDS = frozenset({EventKind.RECEIVED, EventKind.STEP_ACTION})
_APPOINTMENT_KINDS = frozenset({EventKind.RECEIVED, EventKind.SUPPLEMENT_PROVIDED})


@dataclass(frozen=True)
class HistoricalEvent:
    """One thing that happened to an old dossier, in the engine's terms: the kind, the workflow action for
    ``step_action``, the state it left the dossier in, and the appointment it set (reception, supplement)."""

    kind: str
    action: str
    state: str
    at: dt.datetime
    agency: Agency
    actor: str = ""
    reason: str = ""
    appointment_at: dt.datetime | None = None


@dataclass(frozen=True)
class HistoricalDocument:
    """A file of an old dossier already in storage: a submitted document (``result`` False) or a result."""

    name: str
    file_ref: str
    result: bool


@dataclass(frozen=True)
class HistoricalDossier:
    code: str
    legacy_code: str
    province_code: str
    procedure: Procedure
    procedure_version: ProcedureVersion
    agency: Agency
    reception_point: ReceptionPoint
    place_unit: AdministrativeUnit
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_address: str
    summary: str
    events: tuple[HistoricalEvent, ...]
    documents: tuple[HistoricalDocument, ...] = ()


def _event_data(event: HistoricalEvent, *, agency_id: int, origin: str) -> dict:
    data: dict = {"state": event.state, "imported_from": origin}
    if event.actor:
        data["actor_name"] = event.actor
    if event.kind == EventKind.SUBMITTED:
        data["competent_agency"] = agency_id
    if event.kind in _STEP_KINDS:
        data["to_step"] = None
    if event.kind in _APPOINTMENT_KINDS:
        data["appointment"] = (
            event.appointment_at.astimezone(dt.UTC).isoformat() if event.appointment_at else None
        )
    return data


def replayed(events: tuple[HistoricalEvent, ...], *, agency_id: int) -> ReplayedState:
    """What the history replays to (``dossiers.replay``), before anything is written."""
    return replay(
        # replay reads kind, action and data only
        SimpleNamespace(kind=e.kind, action=e.action, data=_event_data(e, agency_id=agency_id, origin=""))  # type: ignore[misc]
        for e in events
    )


def check_history(events: tuple[HistoricalEvent, ...], *, agency_id: int, state: str) -> str:
    """Why this history cannot stand for a finished dossier in ``state`` (a Vietnamese message), or ""."""
    if not events or events[0].kind != EventKind.SUBMITTED:
        return _("Lịch sử xử lý phải bắt đầu bằng sự kiện nộp hồ sơ.")
    if any(later.at < earlier.at for earlier, later in pairwise(events)):
        return _("Các sự kiện của lịch sử xử lý không theo thứ tự thời gian.")
    if state not in TERMINAL_STATES:
        return _("Hồ sơ cũ phải là hồ sơ đã kết thúc.")
    result = replayed(events, agency_id=agency_id)
    if (
        result.state != state
        or result.step is not None
        or result.open_consultations
        or result.withdrawal_pending
    ):
        return _("Lịch sử xử lý dẫn đến trạng thái %(found)s, không phải %(status)s.") % {
            "found": result.state or "-",
            "status": state,
        }
    if result.appointment is None:
        return _("Lịch sử xử lý không có sự kiện tiếp nhận kèm ngày hẹn trả kết quả.")
    return ""


def _moment(events: tuple[HistoricalEvent, ...], *kinds: str, action: str = "") -> dt.datetime | None:
    found = [e.at for e in events if e.kind in kinds and (not action or e.action == action)]
    return found[-1] if found else None


@transaction.atomic
def import_historical_dossiers(*, dossiers: list[HistoricalDossier], origin: str) -> list[Dossier]:
    """Write finished historical dossiers with their events and submitted documents (``origin``: the old
    system, kept in each event's data). Their histories must have passed ``check_history``."""
    rows = []
    for item in dossiers:
        events = item.events
        appointments = [e.appointment_at for e in events if e.kind in _APPOINTMENT_KINDS and e.appointment_at]
        returned_at = _moment(events, EventKind.STEP_ACTION, action="return_result")
        last = events[-1].at
        rows.append(
            Dossier(
                province_code=item.province_code,
                code=item.code,
                legacy_code=item.legacy_code,
                procedure=item.procedure,
                procedure_version=item.procedure_version,
                state=events[-1].state,
                channel=Channel.COUNTER,
                applicant_name=item.applicant_name,
                applicant_id_number=item.applicant_id_number,
                applicant_phone=item.applicant_phone,
                applicant_address=item.applicant_address,
                subject_name=item.applicant_name,
                place_unit=item.place_unit,
                summary=item.summary,
                reception_point=item.reception_point,
                receiving_agency=item.agency,
                competent_agency=item.agency,
                submitted_at=events[0].at,
                received_at=_moment(events, EventKind.RECEIVED),
                appointment_at=appointments[-1] if appointments else None,
                initial_appointment_at=appointments[-1] if appointments else None,
                finished_at=_finished_at(events),
                returned_at=returned_at,
                closed_at=last,
                supplement_count=sum(1 for e in events if e.kind == EventKind.SUPPLEMENT_REQUESTED),
            )
        )
    created = Dossier.objects.bulk_create(rows)
    event_rows: list[DossierEvent] = []
    document_rows: list[DossierDocument] = []
    for dossier, item in zip(created, dossiers, strict=True):
        for sequence, event in enumerate(item.events, start=1):
            data = _event_data(event, agency_id=item.agency.pk, origin=origin)
            event_rows.append(
                DossierEvent(
                    dossier=dossier,
                    province_code=dossier.province_code,
                    sequence=sequence,
                    kind=event.kind,
                    action=event.action,
                    at=event.at,
                    actor_agency=event.agency,
                    origin=origin[:120],
                    reason=event.reason,
                    data=data,
                    audience=event_audience(kind=event.kind, action=event.action, state=event.state),
                )
            )
        for number, document in enumerate((d for d in item.documents if not d.result), start=1):
            document_rows.append(
                DossierDocument(
                    dossier=dossier,
                    code=f"legacy-{number}",
                    name=document.name,
                    source=DocumentSource.FILE,
                    file_ref=document.file_ref,
                    digitized=True,
                    supplied_at=dossier.submitted_at,
                )
            )
    DossierEvent.objects.bulk_create(event_rows)
    DossierDocument.objects.bulk_create(document_rows)
    return created


def _finished_at(events: tuple[HistoricalEvent, ...]) -> dt.datetime:
    """When handling ended: the result was ready, or the dossier was stopped or withdrawn."""
    for event in events:
        if event.state in (State.RESULT_READY, State.STOPPED, State.WITHDRAWN, State.RETURNED):
            return event.at
    return events[-1].at
