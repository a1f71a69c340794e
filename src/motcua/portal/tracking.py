"""Reads for the citizen's dossiers on the portal: their list, what a supplement request asks for,
and the public lookup by dossier code and the last digits of the applicant's ID number."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.fees import FeeLine
from motcua.catalog.models import RequiredDocument
from motcua.catalog.time_limits import describe_time_limit
from motcua.core.errors import DomainError
from motcua.dossiers import codes, lookups
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.constants import SUPPLEMENT_STATES, ResultDelivery
from motcua.dossiers.models import Dossier, EventKind, SatisfactionRating, State
from motcua.dossiers.selectors import TimelineEntry
from motcua.portal.models import LookupFailure

LAST_DIGITS = re.compile(r"^\d{4}$")


def my_dossiers(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """The dossiers this citizen submitted (as applicant), newest first."""
    return (
        dossier_selectors.visible_dossiers(user=user, on=on)
        .filter(applicant=user)
        .order_by("-submitted_at", "-pk")
    )


def awaiting_my_confirmation(*, user: Any) -> QuerySet[Dossier]:
    """Dossiers a reception officer prepared with this citizen that wait for their e-ID confirmation."""
    return dossier_selectors.awaiting_confirmation_for(user=user)


def my_dossier(*, code: str, user: Any, on: dt.date) -> Dossier:
    """One of the citizen's own dossiers; DomainError ``dossier.forbidden`` otherwise."""
    dossier = dossier_selectors.get_dossier(code=code, user=user, on=on)
    if dossier.applicant_id != getattr(user, "pk", None):
        raise DomainError(
            "dossier.forbidden", _("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này.")
        )
    return dossier


def submitted_with_key(*, user: Any, key: str) -> Dossier | None:
    return Dossier.objects.filter(idempotency_key=key, applicant=user).first()


@dataclass(frozen=True)
class SupplementRequest:
    reason: str
    items: list[str]  # what the officer asked for, as written
    documents: list[RequiredDocument]  # the required documents the citizen may upload now


def supplement_request(*, dossier: Dossier) -> SupplementRequest | None:
    """What the open supplement request asks for, when the dossier waits for the citizen."""
    if dossier.state not in SUPPLEMENT_STATES:
        return None
    kinds = {EventKind.RECEPTION_SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_REQUESTED}
    requests = [e for e in dossier.events.all() if e.kind in kinds]  # read with the dossier on its page
    event = max(requests, key=lambda e: e.sequence, default=None)
    items = list((event.data or {}).get("missing", [])) if event else []
    codes = [item.get("code") for item in items if isinstance(item, dict) and item.get("code")]
    all_documents = sorted(dossier.procedure_version.documents.all(), key=lambda d: (d.order, d.code))
    documents = [d for d in all_documents if d.code in codes] if codes else all_documents
    return SupplementRequest(
        reason=event.reason if event else "",
        items=[str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in items],
        documents=documents,
    )


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    status: str
    appointment_at: dt.datetime | None
    initial_appointment_at: dt.datetime | None = None
    can_rate: bool = False
    rating_label: str = ""
    agency: str = ""  # the competent agency
    entries: tuple[TimelineEntry, ...] = ()  # the applicant's timeline in plain words, oldest first


def _not_found() -> DomainError:
    return DomainError(
        "lookup.not_found", _("Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối số định danh đã nhập.")
    )


def _failure_keys(code: str, client: str) -> list[str]:
    keys = [f"code:{code[:80]}"] if code else []
    if client:
        keys.append("ip:" + hashlib.sha256(client.encode()).hexdigest()[:40])
    return keys


def _throttled(keys: list[str], now: dt.datetime) -> bool:
    window = now - dt.timedelta(minutes=settings.MOTCUA_LOOKUP_WINDOW_MINUTES)
    for key in keys:
        limit = (
            settings.MOTCUA_LOOKUP_FAILURES_PER_CODE
            if key.startswith("code:")
            else settings.MOTCUA_LOOKUP_FAILURES_PER_CLIENT
        )
        if LookupFailure.objects.filter(key=key, at__gte=window).count() >= limit:
            return True
    return False


def _record_failure(keys: list[str], now: dt.datetime) -> None:
    window = now - dt.timedelta(minutes=settings.MOTCUA_LOOKUP_WINDOW_MINUTES)
    with transaction.atomic():
        LookupFailure.objects.filter(key__in=keys, at__lt=window).delete()
        LookupFailure.objects.bulk_create([LookupFailure(key=key, at=now) for key in keys])


def find_public_dossier(
    *, code: str, id_last4: str, client: str = "", now: dt.datetime | None = None
) -> Dossier:
    """The dossier with this code whose applicant's ID number ends with ``id_last4``.

    A wrong code and a wrong ID ending give the same DomainError, so the answer tells nothing about
    which dossiers exist; after too many failures for one code or from one client (``client``: the
    caller's address) within the window, every answer is ``lookup.throttled`` until the window passes.
    """
    now = now or timezone.now()
    # Typed without dots, in lower case or with spaces, the code is put back in its form (dossiers.codes).
    # A control character never stands in a dossier code: replaced, the code finds nothing (PostgreSQL
    # would refuse a NUL in the query) and its failures still count against the throttle.
    code, id_last4 = codes.normalize(code), (id_last4 or "").strip()
    keys = _failure_keys(code, client)
    if _throttled(keys, now):
        raise DomainError(
            "lookup.throttled",
            _("Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút."),
            minutes=settings.MOTCUA_LOOKUP_WINDOW_MINUTES,
        )
    # A dossier imported from the old one-stop system is found by its old code too (reorg's legacy import).
    dossier = (
        Dossier.objects.select_related("procedure", "competent_agency")
        .filter(Q(code=code) | Q(legacy_code=code))
        .order_by("pk")
        .first()
        if code
        else None
    )
    expected = (dossier.applicant_id_number or "")[-4:] if dossier else ""
    matches = bool(LAST_DIGITS.match(id_last4)) and len(expected) == 4
    if dossier is None or not (matches and hmac.compare_digest(expected, id_last4)):
        _record_failure(keys, now)
        raise _not_found()
    return dossier


def public_lookup(
    *, code: str, id_last4: str, client: str = "", now: dt.datetime | None = None
) -> PublicStatus:
    """Status and appointment of a dossier, for anyone who knows its code and the applicant's ID ending."""
    dossier = find_public_dossier(code=code, id_last4=id_last4, client=client, now=now)
    rating = SatisfactionRating.objects.filter(dossier=dossier).first()
    return PublicStatus(
        agency=dossier.competent_agency.name,
        entries=tuple(dossier_selectors.public_entries(dossier=dossier)),
        code=dossier.code,
        procedure=dossier.procedure.local_name,
        status=str(dossier.national_status.label),
        appointment_at=dossier.appointment_at,
        initial_appointment_at=dossier.initial_appointment_at,
        can_rate=dossier_selectors.can_rate(dossier=dossier, user=None),
        rating_label=str(rating.get_level_display()) if rating else "",
    )


# How the result comes, in the words of the confirmation page (the delivery chosen in the e-form, form 01).
_DELIVERY_TEXT: dict[str, Any] = {
    ResultDelivery.COUNTER: _("Bạn nhận kết quả trực tiếp tại %(point)s."),
    ResultDelivery.POST: _("Kết quả được gửi qua dịch vụ bưu chính công ích đến địa chỉ của bạn."),
    ResultDelivery.ONLINE: _(
        "Kết quả điện tử có trên trang hồ sơ này và trong kho dữ liệu của bạn; "
        "bạn được thông báo khi có kết quả."
    ),
}


@dataclass(frozen=True)
class SubmissionConfirmation:
    """What the citizen reads right after an online submission: what happens next and when, what it costs,
    and how the result comes."""

    dossier: Dossier
    received: bool  # already received by the one-stop department (the appointment is set)
    reception_due: dt.datetime | None  # when the one-stop department checks the dossier at the latest
    appointment_at: dt.datetime | None  # the appointment if received, else the expected one
    time_limit: str
    fee_lines: tuple[FeeLine, ...]
    fee_total: Any
    delivery: str


def online_reception_due(*, dossier: Dossier) -> dt.datetime:
    """When the one-stop department checks an online dossier at the latest: ``MOTCUA_ONLINE_RECEPTION_HOURS``
    working hours of the reception point's calendar after the submission (a dossier sent outside office
    hours counts from the next working hour). Decree 118/2025/NĐ-CP on receiving online dossiers, replacing
    Decree 61/2018/NĐ-CP and Decree 45/2020/NĐ-CP's rules [kiểm tra the article and the limit];
    docs/legal-basis.md section 22."""
    return lookups.add_working_hours(
        start=dossier.submitted_at,
        hours=settings.MOTCUA_ONLINE_RECEPTION_HOURS,
        agency_id=dossier.reception_point.agency_id,
    )


def submission_confirmation(*, dossier: Dossier) -> SubmissionConfirmation:
    """The confirmation panel's facts for the citizen's own dossier (see ``SubmissionConfirmation``).

    Before reception the appointment is the one the calendar gives if the dossier is complete and received
    at the latest reception time (``lookups.appointment_for``, the rule reception itself applies)."""
    received = dossier.received_at is not None
    reception_due: dt.datetime | None = None
    appointment = dossier.appointment_at
    if not received and dossier.state == State.SUBMITTED:
        reception_due = online_reception_due(dossier=dossier)
        appointment = lookups.appointment_for(
            version=dossier.procedure_version,
            received_at=reception_due,
            agency_id=dossier.competent_agency_id,
        )
    try:
        quote = lookups.fee_quote(
            version=dossier.procedure_version,
            form_data=dossier.form_data or {},
            on=timezone.localdate(dossier.submitted_at),
        )
        lines = tuple(quote.lines)
    except DomainError:  # the fee was fixed at submission; without its breakdown the total still stands
        lines = ()
    delivery = str(_DELIVERY_TEXT.get(dossier.result_delivery, dossier.get_result_delivery_display())) % {
        "point": dossier.reception_point.name
    }
    return SubmissionConfirmation(
        dossier=dossier,
        received=received,
        reception_due=reception_due,
        appointment_at=appointment,
        time_limit=describe_time_limit(dossier.procedure_version),
        fee_lines=lines,
        fee_total=dossier.fee,
        delivery=delivery,
    )
