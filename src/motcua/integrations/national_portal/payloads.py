"""The national portal's payloads, built at delivery from an outbox message and the dossier as it is then.

The message holds the event's reference and the state the event recorded (``motcua.dossiers.events``: event
id and sequence, national status, moment, appointments, and for progress the officer and the step); what the
portal also needs for its statistics and the service index (documents and their digitized / reused flags,
fees, supplement requests, results, dates, agency, applicant) is read from the dossier here, for a whole
batch in a few queries (``load``). A date is sent only when it existed at the event's moment, so a record
describes the dossier as the event left it; the status is always the message's, never the dossier's
current one (docs/integrations.md, "National public service portal").

Field names and codes: SPEC12 section 4 and ../shared/reference/legal.md ("Dossier statuses as the national
portal sees them", "National portal integration"). Dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q

from motcua.catalog import fees as catalog_fees
from motcua.catalog.models import Target
from motcua.dossiers.constants import (
    NATIONAL_CHANNEL,
    Audience,
    Channel,
    DocumentSource,
    EventKind,
    ResultDelivery,
)
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierResult
from motcua.integrations.national_portal.client import TZ

SERVICE_STATUS = "DongBoHoSoMC"
SERVICE_PROGRESS = "CapNhatTienDoHoSoMC"
SERVICE_RATING = "DanhGiaHoSo"
SERVICE_INTAKE_ANSWER = "XacNhanHoSoMoi"
# Outbox topic -> the portal's service (motcua.outbox.models.Topic values).
SERVICE_OF_TOPIC = {
    "dossier.status": SERVICE_STATUS,
    "dossier.progress": SERVICE_PROGRESS,
    "dossier.rating": SERVICE_RATING,
    "national.intake": SERVICE_INTAKE_ANSWER,
}

# HinhThucTraKetQua: 1 at the counter, 2 online, 3 by post.
RESULT_DELIVERY = {ResultDelivery.COUNTER: "1", ResultDelivery.ONLINE: "2", ResultDelivery.POST: "3"}
# Supplement requests (at reception and during processing) and the applicant's answer to them.
SUPPLEMENT_REQUESTS = (EventKind.RECEPTION_SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_REQUESTED)
SUPPLEMENT_KINDS = (*SUPPLEMENT_REQUESTS, EventKind.SUPPLEMENT_PROVIDED)
# Statuses whose reason the applicant reads on the portal (GhiChu): not received, supplement, withdrawal,
# stopped. Only the applicant's events carry it; an internal reason never leaves the agency.
REASON_STATUSES = frozenset({3, 5, 7, 8})


class PayloadError(Exception):
    """The message cannot be turned into a record (its dossier is gone, a field is missing)."""


def portal_time(moment: dt.datetime | str | None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh; "" for no moment. Accepts the ISO strings of the payloads."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        raise PayloadError(f"naive moment {moment!r}")
    return moment.astimezone(TZ).strftime("%Y%m%d%H%M%S")


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _flag(value: bool) -> str:
    return "1" if value else "0"


@dataclass
class DossierFacts:
    """A dossier with what its records read, loaded once per batch."""

    dossier: Dossier
    documents: list[DossierDocument] = field(default_factory=list)
    results: list[DossierResult] = field(default_factory=list)
    supplement_events: list[DossierEvent] = field(default_factory=list)


@dataclass
class Batch:
    """Everything the records of one batch read: dossiers by id and the messages' events by id."""

    dossiers: dict[int, DossierFacts]
    events: dict[int, DossierEvent]


def load(messages: Sequence[Any]) -> Batch:
    """The dossiers of the batch's status messages with their documents, results and supplement events, and
    the messages' own events: four queries whatever the batch size."""
    ids = {
        int(m.aggregate_id) for m in messages if m.topic == "dossier.status" and m.aggregate_type == "dossier"
    }
    event_ids = {
        int(m.payload["event_id"])
        for m in messages
        if m.topic == "dossier.status" and m.payload.get("event_id")
    }
    if not ids:
        return Batch({}, {})
    dossiers = (
        Dossier.objects.filter(pk__in=ids)
        .select_related(
            "procedure__field", "procedure_version", "competent_agency", "reception_point", "applicant"
        )
        .prefetch_related(
            Prefetch("documents", queryset=DossierDocument.objects.order_by("id")),
            Prefetch("results", queryset=DossierResult.objects.order_by("id")),
        )
    )
    facts = {
        d.pk: DossierFacts(d, documents=list(d.documents.all()), results=list(d.results.all()))
        for d in dossiers
    }
    wanted = Q(dossier_id__in=ids, kind__in=SUPPLEMENT_KINDS) | Q(pk__in=event_ids)
    events: dict[int, DossierEvent] = {}
    for event in (
        DossierEvent.objects.filter(wanted)
        .only("id", "dossier_id", "sequence", "kind", "at", "reason", "data", "audience")
        .order_by("dossier_id", "sequence")
    ):
        events[event.pk] = event
        if event.kind in SUPPLEMENT_KINDS and event.dossier_id in facts:
            facts[event.dossier_id].supplement_events.append(event)
    return Batch(facts, events)


def event_sequence(message: Any) -> int:
    """The event's sequence; rows written before it was in the payload carry it in their key
    (``dossier:<id>:<sequence>:<kind>``, ``dossiers.events``)."""
    sequence = message.payload.get("sequence")
    if sequence is not None:
        return int(sequence)
    parts = str(message.key).split(":")
    if len(parts) == 4 and parts[0] == "dossier" and parts[2].isdigit():
        return int(parts[2])
    raise PayloadError(f"message {message.pk} has no event sequence")


def _applicant_type(dossier: Dossier) -> str:
    """LoaiDoiTuong: "2" for a procedure only organisations use; motcua records no applicant type on the
    dossier, so a procedure open to both counts its applicants as citizens [kiểm tra]."""
    return "2" if dossier.procedure.target == Target.BUSINESS else "1"


def _id_type(dossier: Dossier, applicant_type: str) -> str:
    number = dossier.applicant_id_number
    if not number:
        return ""
    if applicant_type == "1":
        return "CCCD" if len(number) == 12 and number.isdigit() else ""
    return "MST"


def _fees(dossier: Dossier) -> list[dict[str, Any]]:
    """DanhSachLePhi: the fee lines as computed on the submission day; one line with the dossier's fee when
    the lines cannot be recomputed. motcua records no payment yet (the payment adapter is a later issue), so
    every line is sent unpaid with no online payment method."""
    lines: list[tuple[str, Decimal]] = []
    try:
        quote = catalog_fees.quote(
            dossier.procedure_version.fee_rules or [],
            dossier.form_data or {},
            on=dossier.submitted_at.astimezone(TZ).date(),
        )
        lines = [(line.name, line.amount) for line in quote.lines]
        if quote.total != dossier.fee:
            lines = []
    except Exception:  # a rule changed or the form lacks a value: the stored total is what was charged
        lines = []
    if not lines and dossier.fee:
        lines = [("Phí, lệ phí", dossier.fee)]
    return [
        {"TenPhiLePhi": name, "Gia": int(amount), "DaThanhToan": "0", "HinhThucThanhToan": ""}
        for name, amount in lines
    ]


def _documents(facts: DossierFacts, at: dt.datetime) -> list[dict[str, str]]:
    """TaiLieuNop: the documents handed in by the event's moment. Reused = taken from the citizen's data store
    or a national / sectoral database instead of a copy; DuocLayTuKhoDMQG = from the citizen's data store on
    the national portal (legal.md, "Digitization and reuse")."""
    return [
        {
            "TepDinhKemId": str(doc.pk),
            "TenTepDinhKem": doc.name,
            "MaThanhPhanHoSo": doc.code,
            "DuocSoHoa": _flag(doc.digitized or bool(doc.file_ref)),
            "DuocTaiSuDung": _flag(doc.source in (DocumentSource.DATA_STORE, DocumentSource.REGISTRY)),
            "DuocLayTuKhoDMQG": _flag(doc.source == DocumentSource.DATA_STORE),
        }
        for doc in facts.documents
        if doc.supplied_at <= at
    ]


def _supplements(facts: DossierFacts, sequence: int) -> list[dict[str, str]]:
    """DanhSachHoSoBoSung: each request (at reception or during processing) up to the event, with the day
    the applicant supplied the documents when they have."""
    requests: list[dict[str, str]] = []
    for event in facts.supplement_events:
        if event.sequence > sequence:
            break
        if event.kind in SUPPLEMENT_REQUESTS:
            missing = [
                str(item.get("name") or item.get("code") or "") for item in event.data.get("missing", [])
            ]
            content = "; ".join(part for part in [event.reason, ", ".join(m for m in missing if m)] if part)
            requests.append({"NoiDungBoSung": content, "NgayYeuCau": portal_time(event.at), "NgayBoSung": ""})
        elif requests and not requests[-1]["NgayBoSung"]:
            requests[-1]["NgayBoSung"] = portal_time(event.at)
    return requests


def _results(facts: DossierFacts, at: dt.datetime) -> list[dict[str, str]]:
    """DanhSachGiayToKetQua: the result files attached by the event's moment and not removed by then."""
    return [
        {"TenGiayTo": result.name, "GiayToId": str(result.pk)}
        for result in facts.results
        if result.attached_at <= at and (result.removed_at is None or result.removed_at > at)
    ]


def _until(moment: dt.datetime | None, at: dt.datetime) -> dt.datetime | None:
    """The moment if it had happened by the event (a later one belongs to a later record)."""
    return moment if moment is not None and moment <= at else None


def status_record(message: Any, batch: Batch) -> dict[str, Any]:
    """One DongBoHoSoMC record for a ``dossier.status`` message."""
    payload = message.payload
    facts = batch.dossiers.get(int(message.aggregate_id))
    if facts is None:
        raise PayloadError(f"dossier {message.aggregate_id} not found")
    dossier = facts.dossier
    at = _moment(payload["at"])
    assert at is not None
    status = int(payload["national_status"])
    sequence = event_sequence(message)
    event = batch.events.get(int(payload.get("event_id") or 0))
    received = _until(dossier.received_at, at)
    appointment = payload.get("appointment_at")
    finished = _until(dossier.finished_at, at) or (at if status in (9, 10) else None)
    returned = _until(dossier.returned_at, at) or (at if status == 10 else None)
    refused = (_until(dossier.closed_at, at) or at) if status == 3 else None
    if status == 8:
        # Stopped (form 05): processing ended then; the portal files it with the other ends.
        finished = _until(dossier.closed_at, at) or at
    applicant_type = _applicant_type(dossier)
    agency = dossier.competent_agency
    note = ""
    if event is not None and status in REASON_STATUSES and event.audience == Audience.APPLICANT:
        note = event.reason
    return {
        "IdempotencyKey": message.key,
        "MaHoSo": dossier.code,
        "MaHoSoQuocGia": getattr(dossier, "national_code", None) or "",
        "MaTTHC": dossier.procedure.code,
        "TenTTHC": dossier.procedure.name,
        "MaLinhVuc": dossier.procedure.field.code,
        "TenLinhVuc": dossier.procedure.field.name,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": applicant_type,
        "MaDoiTuong": dossier.applicant_id_number,
        "LoaiGiayTo": _id_type(dossier, applicant_type),
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary,
        "KenhNop": str(NATIONAL_CHANNEL[Channel(dossier.channel)]),
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(received),
        "NgayHenTraBanDau": portal_time(payload.get("initial_appointment_at")),
        "NgayHenTra": portal_time(appointment),
        "TrangThaiHoSo": str(status),
        "NgayKetThucXuLy": portal_time(finished),
        "NgayTra": portal_time(returned),
        "NgayTuChoi": portal_time(refused),
        "HinhThucTraKetQua": RESULT_DELIVERY.get(ResultDelivery(dossier.result_delivery), "1"),
        "DonViXuLy": agency.code,
        "TenDonViXuLy": agency.name,
        "NoiTiepNhan": dossier.reception_point.name,
        # Citizens log in only with the national e-ID (VNeID), so an account with its e-ID number is verified.
        "XacThucVNeID": _flag(dossier.applicant is not None and bool(dossier.applicant.national_id)),
        "GhiChu": note,
        "ThoiDiemSuKien": portal_time(at),
        "SoThuTuSuKien": sequence,
        "TaiLieuNop": _documents(facts, at),
        "DanhSachLePhi": _fees(dossier),
        "DanhSachHoSoBoSung": _supplements(facts, sequence),
        "DanhSachGiayToKetQua": _results(facts, at) if status in (9, 10) else [],
    }


def progress_entry(message: Any) -> dict[str, Any]:
    """One CapNhatTienDoHoSoMC entry for a ``dossier.progress`` message: everything is in the message."""
    payload = message.payload
    return {
        "IdempotencyKey": message.key,
        "MaHoSo": payload["dossier_code"],
        "NguoiXuLy": payload["officer"],
        "ChucDanh": payload.get("position") or "",
        "ThoiDiemXuLy": portal_time(payload["at"]),
        "PhongBanXuLy": payload.get("department") or "",
        "NoiDungXuLy": payload["content"],
        "TrangThai": str(int(payload["national_status"])),
        "NgayBatDau": portal_time(payload.get("step_started_at")),
        "NgayKetThucTheoQuyDinh": portal_time(payload.get("step_deadline")),
        "SoThuTuSuKien": event_sequence(message),
    }


def rating_entry(message: Any) -> dict[str, Any]:
    """One DanhGiaHoSo entry: motcua's four levels (``Satisfaction``: 4 very satisfied .. 1 dissatisfied)."""
    payload = message.payload
    return {
        "IdempotencyKey": message.key,
        "MaHoSo": payload["dossier_code"],
        "MucDoHaiLong": str(int(payload["level"])),
        "GopY": payload.get("comment") or "",
        "ThoiDiem": portal_time(payload["at"]),
    }


def intake_answer(message: Any) -> dict[str, Any]:
    """One XacNhanHoSoMoi entry: a submission from the portal that motcua could not accept, with the reason
    in Vietnamese (written by ``motcua.dossiers.services.intake``)."""
    payload = message.payload
    return {
        "IdempotencyKey": message.key,
        "MaHoSoQuocGia": payload["national_code"],
        "KetQua": "tu_choi",
        "LyDo": payload["reason"],
    }


def build(
    messages: Iterable[Any], batch: Batch
) -> dict[str, list[tuple[Any, dict[str, Any] | PayloadError]]]:
    """The records of a batch grouped by service, in message order; a message that cannot be built carries
    its PayloadError instead of a record."""
    grouped: dict[str, list[tuple[Any, dict[str, Any] | PayloadError]]] = defaultdict(list)
    builders = {
        SERVICE_STATUS: lambda m: status_record(m, batch),
        SERVICE_PROGRESS: progress_entry,
        SERVICE_RATING: rating_entry,
        SERVICE_INTAKE_ANSWER: intake_answer,
    }
    for message in messages:
        service = SERVICE_OF_TOPIC.get(message.topic, "")
        if not service:
            grouped[""].append(
                (message, PayloadError(f"topic {message.topic} is not for the national portal"))
            )
            continue
        try:
            grouped[service].append((message, builders[service](message)))
        except (PayloadError, KeyError, ValueError, TypeError) as error:
            grouped[service].append((message, PayloadError(f"{type(error).__name__}: {error}")))
    return grouped
