"""A dossier's history: for its applicant in plain Vietnamese (applicant events only), for involved staff in
full, with documents, steps, slips, results and the rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.core import labels
from motcua.dossiers import access
from motcua.dossiers.models import (
    Audience,
    Dossier,
    DossierEvent,
    DossierResult,
    EventKind,
    SatisfactionRating,
    State,
    StopNotice,
)
from motcua.dossiers.selectors.files import results_for
from motcua.dossiers.selectors.visibility import can_view, not_found
from motcua.dossiers.status import step_time_status, time_status

# What the applicant reads of the events meant for them (Audience.APPLICANT): plain Vietnamese, no internal
# jargon. Staff events (internal moves, returns to an earlier step, consultations, assignments) are not shown.
_PLAIN: dict[str, Any] = {
    EventKind.SUBMITTED: _("Bạn đã nộp hồ sơ."),
    EventKind.RECEIVED: _("Hồ sơ đã được tiếp nhận. Ngày hẹn trả kết quả: %(appointment)s."),
    EventKind.RECEPTION_SUPPLEMENT_REQUESTED: _("Hồ sơ cần bổ sung giấy tờ trước khi được tiếp nhận."),
    EventKind.REFUSED_AT_RECEPTION: _("Hồ sơ không được tiếp nhận."),
    EventKind.SUPPLEMENT_REQUESTED: _(
        "Cơ quan giải quyết đề nghị bạn bổ sung giấy tờ. Thời hạn tạm dừng đến khi bạn bổ sung."
    ),
    EventKind.SUPPLEMENT_PROVIDED: _("Đã nhận giấy tờ bổ sung."),
    EventKind.APOLOGY_SIGNED: _(
        "Cơ quan giải quyết xin lỗi vì chậm trả kết quả. Ngày hẹn mới: %(appointment)s."
    ),
    EventKind.EXTENDED: _("Thời hạn giải quyết được gia hạn để xác minh. Ngày hẹn mới: %(appointment)s."),
    EventKind.WITHDRAWN: _("Cơ quan có thẩm quyền đã chấp nhận yêu cầu rút hồ sơ. Hồ sơ đã được rút."),
    EventKind.RATED: _("Bạn đã đánh giá mức độ hài lòng. Cảm ơn bạn."),
    EventKind.ASSISTED_PREPARED: _("Cán bộ tiếp nhận đã cùng bạn lập hồ sơ trực tuyến tại quầy."),
    EventKind.SUBMISSION_CONFIRMED: _("Bạn đã xác nhận nội dung hồ sơ."),
    EventKind.RECORDED_OFFLINE: _(
        "Hồ sơ được ghi nhận tại quầy khi hệ thống trực tuyến gián đoạn; hồ sơ được nộp khi hệ thống "
        "hoạt động trở lại, giữ nguyên thời điểm tiếp nhận."
    ),
    EventKind.RATED: _("Bạn đã đánh giá mức độ hài lòng. Cảm ơn bạn."),
    EventKind.WITHDRAWAL_REQUESTED: _(
        "Yêu cầu rút hồ sơ đã được gửi. Hồ sơ vẫn được giải quyết và ngày hẹn trả kết quả giữ nguyên cho đến "
        "khi cơ quan có thẩm quyền quyết định."
    ),
    EventKind.WITHDRAWAL_DECLINED: _(
        "Cơ quan có thẩm quyền không chấp nhận yêu cầu rút hồ sơ. Hồ sơ tiếp tục được giải quyết."
    ),
    EventKind.STOPPED: _("Cơ quan có thẩm quyền đã ra thông báo dừng giải quyết hồ sơ."),
}
# A reorganization moved the dossier (motcua.reorg): who handles it now, and that nothing else changed.
_REORGANIZED = _(
    "Do sắp xếp tổ chức bộ máy, %(old)s không còn hoạt động. Hồ sơ của bạn được chuyển nguyên trạng "
    "đến %(new)s để tiếp tục giải quyết. Mã hồ sơ, giấy tờ đã nộp và ngày hẹn trả kết quả "
    "(%(appointment)s) không thay đổi; bạn không phải làm gì thêm."
)
_PLAIN_ACTIONS: dict[str, Any] = {
    Action.REFUSE: _("Hồ sơ không được giải quyết."),
    Action.RETURN_RESULT: _("Bạn đã nhận kết quả."),
}
_READY = _("Đã có kết quả. Mời bạn nhận kết quả.")
# The post (Decision 45/2016/QĐ-TTg): a shipment created, then its status, by direction (result, pickup).
_SHIPMENT: dict[tuple[str, str], Any] = {
    ("requested", "result"): _(
        "Bưu điện đã nhận yêu cầu chuyển phát kết quả đến bạn: bưu gửi số %(number)s, cước phí %(fee)s đồng."
    ),
    ("requested", "pickup"): _(
        "Bưu điện đã nhận yêu cầu đến nhận hồ sơ giấy của bạn: bưu gửi số %(number)s, cước phí %(fee)s đồng."
    ),
    ("picked_up", "result"): _("Bưu điện đã nhận kết quả để chuyển phát (bưu gửi số %(number)s)."),
    ("picked_up", "pickup"): _("Nhân viên bưu điện đã nhận hồ sơ giấy của bạn (bưu gửi số %(number)s)."),
    ("in_transit", "result"): _("Kết quả đang được chuyển phát (bưu gửi số %(number)s)."),
    ("in_transit", "pickup"): _("Hồ sơ giấy của bạn đang được chuyển đến cơ quan (bưu gửi số %(number)s)."),
    ("delivered", "result"): _("Bưu điện đã phát kết quả (bưu gửi số %(number)s)."),
    ("delivered", "pickup"): _("Bưu điện đã giao hồ sơ giấy của bạn cho cơ quan (bưu gửi số %(number)s)."),
    ("returned", "result"): _(
        "Bưu điện không phát được kết quả, đã chuyển hoàn (bưu gửi số %(number)s). "
        "Mời bạn liên hệ Bộ phận Một cửa."
    ),
    ("returned", "pickup"): _("Bưu điện không nhận được hồ sơ giấy của bạn (bưu gửi số %(number)s)."),
    ("failed", "result"): _("Bưu điện không thực hiện được bưu gửi số %(number)s."),
    ("failed", "pickup"): _("Bưu điện không thực hiện được bưu gửi số %(number)s."),
}


def _shipment_text(event: DossierEvent) -> str:
    data = event.data
    key = (
        "requested" if event.kind == EventKind.SHIPMENT_CREATED else str(data.get("shipment_status")),
        str(data.get("direction")),
    )
    text = _SHIPMENT.get(key)
    if text is None:
        return ""
    fee = f"{int(data.get('fee') or 0):,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))
    return str(text) % {"number": data.get("tracking_number", ""), "fee": fee}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str
    text: str
    reason: str = ""
    actor: str = ""
    agency: str = ""
    action: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timeline:
    dossier: Dossier
    for_applicant: bool
    national_status: int
    national_status_label: str
    time_status: str | None
    entries: list[TimelineEntry]
    documents: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    slips: list[str]
    results: list[DossierResult] = field(default_factory=list)
    rating: SatisfactionRating | None = None


def _when(moment: str | None) -> str:
    if not moment:
        return ""
    return timezone.localtime(dt.datetime.fromisoformat(moment)).strftime("%H:%M %d/%m/%Y")


def _plain(event: DossierEvent) -> str:
    if event.kind == EventKind.STEP_ACTION:
        if event.data.get("state") == State.RESULT_READY and event.action != Action.RETURN_RESULT:
            return str(_READY)
        return str(_PLAIN_ACTIONS.get(event.action, ""))
    if event.kind in (EventKind.SHIPMENT_CREATED, EventKind.SHIPMENT_UPDATED):
        return _shipment_text(event)
    if event.kind == EventKind.REORGANIZED:
        return str(_REORGANIZED) % {
            "old": event.data.get("from_agency_name", ""),
            "new": event.data.get("to_agency_name", ""),
            "appointment": _when(event.data.get("appointment")) or "—",
        }
    text = _PLAIN.get(event.kind, "")
    return str(text) % {"appointment": _when(event.data.get("appointment"))} if text else ""


def _staff_text(event: DossierEvent) -> str:
    if event.kind == EventKind.STEP_ACTION:
        action = labels.labels(Action).get(event.action)
        if action is not None:
            return action
    return labels.labels(EventKind)[event.kind]


def timeline_for(*, dossier: Dossier, user: Any, now: dt.datetime | None = None) -> Timeline:
    """The full history of a dossier for its applicant (in plain Vietnamese) or for involved staff."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    if not can_view(dossier=dossier, user=user, on=on):
        raise not_found()
    is_staff_viewer = bool(access.agencies_of(user=user, on=on))
    for_applicant = dossier.applicant_id == getattr(user, "pk", None) and not is_staff_viewer
    events_all = sorted(dossier.events.all(), key=lambda e: e.sequence)  # one read, filtered in Python
    events = events_all
    if for_applicant:
        events = [e for e in events if e.audience == Audience.APPLICANT]
    entries: list[TimelineEntry] = []
    for event in events:
        if for_applicant:
            text = _plain(event)
            if not text:
                continue
            entries.append(
                TimelineEntry(
                    at=event.at,
                    kind=event.kind,
                    text=text,
                    reason=event.reason,
                    agency=event.actor_agency.name if event.actor_agency else "",
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    at=event.at,
                    kind=event.kind,
                    text=_staff_text(event),
                    reason=event.reason,
                    actor=event.actor_staff.full_name if event.actor_staff else str(event.actor or ""),
                    agency=event.actor_agency.name if event.actor_agency else "",
                    action=event.action,
                    data=event.data,
                )
            )
    documents: list[dict[str, Any]] = [
        {
            "id": d.pk,
            "code": d.code,
            "name": d.name,
            "source": d.source,
            "originals": d.originals,
            "copies": d.copies,
            "supplied_at": d.supplied_at,
            "has_file": bool(d.file_ref or d.stored_document_id),
            "from_store": d.stored_document_id is not None,
        }
        for d in sorted(dossier.documents.all(), key=lambda d: d.pk)
    ]
    steps = []
    step_rows = sorted(dossier.steps.all(), key=lambda s: s.sequence)
    for s in step_rows:
        steps.append(
            {
                "sequence": s.sequence,
                "name": s.step.name,
                "agency": s.agency.name,
                "assignee": s.assignee.full_name if s.assignee else "",
                "started_at": s.started_at,
                "deadline": s.deadline,
                "finished_at": s.finished_at,
                "outcome": s.outcome,
                "time_status": step_time_status(step=s, now=now),
            }
        )
    slips = ["receipt"] if dossier.received_at else []
    if step_rows:  # the steps just read: no second query
        slips.append("control")
    if dossier.state == State.REFUSED_AT_RECEPTION:
        slips.append("refusal")
    if dossier.state == State.STOPPED and any(
        n.outcome == StopNotice.Outcome.SIGNED for n in dossier.stop_notices.all()
    ):
        slips.append("stop")
    supplement_kinds = {EventKind.RECEPTION_SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_REQUESTED}
    if any(e.kind in supplement_kinds for e in events_all):
        slips.append("supplement")
    if any(n.signed_at is not None for n in dossier.apologies.all()):
        slips.append("apology")
    status = dossier.national_status
    return Timeline(
        dossier=dossier,
        for_applicant=for_applicant,
        national_status=int(status),
        national_status_label=str(status.label),
        time_status=time_status(dossier=dossier, now=now),
        entries=entries,
        documents=documents
        if not for_applicant
        else [{k: v for k, v in d.items() if k != "source"} for d in documents],
        steps=steps if not for_applicant else [],
        slips=slips,
        results=results_for(dossier=dossier, for_applicant=for_applicant),
        rating=access.rating_of(dossier),
    )


def public_entries(*, dossier: Dossier) -> list[TimelineEntry]:
    """The applicant's timeline in plain words for the public lookup (code and ID ending known): what
    happened and when, with the agency; no reasons, which may name people or documents."""
    events = (
        dossier.events.filter(audience=Audience.APPLICANT).select_related("actor_agency").order_by("sequence")
    )
    entries = []
    for event in events:
        text = _plain(event)
        if text:
            agency = event.actor_agency.name if event.actor_agency else ""
            entries.append(TimelineEntry(at=event.at, kind=event.kind, text=text, agency=agency))
    return entries
