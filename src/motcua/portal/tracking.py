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
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import RequiredDocument
from motcua.core.errors import DomainError
from motcua.core.text import printable
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.constants import SUPPLEMENT_STATES
from motcua.dossiers.models import Dossier, EventKind, SatisfactionRating
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
    # A control character never stands in a dossier code: replaced, the code finds nothing (PostgreSQL
    # would refuse a NUL in the query) and its failures still count against the throttle.
    code, id_last4 = printable((code or "").strip())[:80], (id_last4 or "").strip()
    keys = _failure_keys(code, client)
    if _throttled(keys, now):
        raise DomainError(
            "lookup.throttled",
            _("Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút."),
            minutes=settings.MOTCUA_LOOKUP_WINDOW_MINUTES,
        )
    dossier = Dossier.objects.select_related("procedure").filter(code=code).first() if code else None
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
        code=dossier.code,
        procedure=dossier.procedure.name,
        status=str(dossier.national_status.label),
        appointment_at=dossier.appointment_at,
        initial_appointment_at=dossier.initial_appointment_at,
        can_rate=dossier_selectors.can_rate(dossier=dossier, user=None),
        rating_label=str(rating.get_level_display()) if rating else "",
    )
