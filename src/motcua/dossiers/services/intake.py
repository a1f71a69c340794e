"""Dossiers submitted on the national public service portal (Cổng Dịch vụ công quốc gia).

Since 1 July 2025 the national portal is the citizens' online channel (Decree 118/2025/NĐ-CP; legal.md,
"Legal frame"): provincial systems receive its online dossiers and sync every change back. A submission
pulled from the portal (``motcua.integrations.national_portal.intake``) enters through the same path as an
online submission here (``submission._create``, channel online): the e-form is checked against the version
in force, the competent agency found by the catalog's rules, the dossier received at that agency's online
reception point and coded by our own rule; the portal's code is kept beside ours (``Dossier.national_code``)
and the event's origin says ``national_portal``. Each file is checked like an upload (size, SHA-256 against
the portal's ``MaBam``, content by ``dossiers.files``) and stored like one. The applicant is matched to a
citizen account by the e-ID number; without one the dossier has no account and its applicant columns carry
the portal's data.

Idempotent by the national code. A submission that cannot be accepted (unknown procedure, invalid e-form,
bad file, any rule of the reception) leaves no dossier and writes one ``national.intake`` message with the
reason in Vietnamese: the adapter answers the portal with ``XacNhanHoSoMoi`` and the citizen reads it there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from motcua.accounts import selectors as accounts
from motcua.catalog.models import OnlineLevel, Procedure
from motcua.core.errors import DomainError
from motcua.dossiers import events, files, lookups
from motcua.dossiers.constants import Channel, DocumentSource
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import submission
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput, reused_document
from motcua.outbox.models import Topic
from motcua.outbox.services import enqueue

logger = logging.getLogger(__name__)

ORIGIN = "national_portal"


@dataclass(frozen=True)
class NationalFile:
    """One file of a portal submission as the integration fetched it; ``content`` None: the portal did not
    give it (not found)."""

    file_id: str
    name: str
    document_code: str
    sha256: str
    content: bytes | None


@dataclass(frozen=True)
class NationalSubmission:
    """A submission listed by the portal (LayHoSoMoi), with its files fetched."""

    national_code: str
    procedure_code: str
    applicant_name: str
    applicant_id_number: str = ""
    applicant_type: str = "1"
    phone: str = ""
    email: str = ""
    address: str = ""
    summary: str = ""
    submitted_at: dt.datetime | None = None
    form_data: dict[str, Any] = field(default_factory=dict)
    files: Sequence[NationalFile] = ()


@dataclass(frozen=True)
class IntakeOutcome:
    """The dossier received (or found from an earlier intake), or the reason it was refused."""

    dossier: Dossier | None
    refusal: str = ""
    created: bool = False


def rejection_key(national_code: str) -> str:
    return f"national_intake:{national_code}:refused"


def receive_from_national_portal(
    *, submission_data: NationalSubmission, now: dt.datetime | None = None
) -> IntakeOutcome:
    """Register a portal submission as an online dossier, or refuse it with a reason sent to the portal."""
    now = now or timezone.now()
    code = submission_data.national_code.strip()
    if not code or len(code) > Dossier._meta.get_field("national_code").max_length:  # type: ignore[operator]
        raise DomainError("intake.national_code", _("Mã hồ sơ trên Cổng Dịch vụ công quốc gia không hợp lệ."))
    existing = Dossier.objects.filter(national_code=code).first()
    if existing is not None:
        return IntakeOutcome(existing)
    stored: list[str] = []
    try:
        documents = _store_files(submission_data, stored)
        dossier = _register(submission_data, code=code, documents=documents, now=now)
    except DomainError as error:
        for ref in stored:
            files.discard(ref)
        with translation.override("vi"):
            reason = str(error)
        _refuse(code, reason=reason, error_code=error.code, now=now)
        logger.info("national portal submission %s refused: %s", code, error.code)
        return IntakeOutcome(None, refusal=reason)
    except IntegrityError:
        for ref in stored:
            files.discard(ref)
        existing = Dossier.objects.filter(national_code=code).first()
        if existing is None:
            raise
        return IntakeOutcome(existing)
    return IntakeOutcome(dossier, created=True)


def _store_files(data: NationalSubmission, stored: list[str]) -> list[DocumentInput]:
    """Check each file like an upload (size, declared hash, content) and store it like one."""
    documents: list[DocumentInput] = []
    seen: set[str] = set()
    for item in data.files:
        name = item.name or item.file_id or "tep"
        if item.content is None:
            raise DomainError(
                "intake.file_missing",
                _("Không tải được tệp %(name)s từ Cổng Dịch vụ công quốc gia."),
                name=name,
            )
        if len(item.content) > files.max_bytes():
            raise DomainError(
                "file.too_large",
                _("Tệp %(name)s quá lớn: tối đa %(mb)s MB."),
                name=name,
                mb=files.max_bytes() // (1024 * 1024),
            )
        if hashlib.sha256(item.content).hexdigest() != (item.sha256 or "").strip().lower():
            raise DomainError(
                "intake.file_hash",
                _("Tệp %(name)s không đúng mã băm (SHA-256) Cổng Dịch vụ công quốc gia công bố."),
                name=name,
            )
        if item.document_code in seen:
            raise DomainError(
                "intake.duplicate_document",
                _("Thành phần hồ sơ %(component)s có nhiều hơn một tệp."),
                component=item.document_code,
            )
        seen.add(item.document_code)
        kept = files.store_upload(
            ContentFile(item.content, name=name), folder=f"national/{data.national_code}"
        )
        stored.append(kept.ref)
        documents.append(
            DocumentInput(
                code=item.document_code, source=DocumentSource.FILE, originals=0, copies=0, file_ref=kept.ref
            )
        )
    return documents


def _register(
    data: NationalSubmission, *, code: str, documents: list[DocumentInput], now: dt.datetime
) -> Dossier:
    procedure = Procedure.objects.filter(code=data.procedure_code.strip()).first()
    if procedure is None:
        raise DomainError(
            "intake.unknown_procedure",
            _("Thủ tục %(procedure)s không được tiếp nhận tại hệ thống một cửa điện tử của tỉnh."),
            procedure=data.procedure_code[:40],
        )
    on = timezone.localdate(now)
    version = lookups.version_in_force(procedure=procedure, on=on)
    if version.online_level == OnlineLevel.OFFLINE and not version.is_online_only(on):
        raise DomainError(
            "intake.not_online",
            _("Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp hồ sơ trực tiếp."),
        )
    # Citizens sign in to the national portal with their national e-ID (VNeID): a document the catalog takes
    # from a registry or the citizen's data store is taken from there unless the portal sent a file for it,
    # as for an online submission on this portal (portal.submissions).
    given = {d.code for d in documents}
    documents += [reused_document(d) for d in version.documents.all() if d.reuse and d.code not in given]
    account = accounts.citizen_by_national_id(data.applicant_id_number)
    info = ApplicantInfo(
        name=data.applicant_name.strip() or (account.full_name if account is not None else ""),
        id_number=data.applicant_id_number.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        address=data.address.strip(),
    )
    if not info.name:
        raise DomainError("intake.no_applicant", _("Hồ sơ không có tên chủ hồ sơ."))
    submitted_at = data.submitted_at if data.submitted_at is not None and data.submitted_at <= now else now

    def record(dossier: Dossier) -> None:
        # Submitted when the citizen sent it on the portal; received here now.
        if dossier.submitted_at != submitted_at:
            dossier.submitted_at = submitted_at
            dossier.save(update_fields=["submitted_at"])
        events.submitted(
            dossier,
            by=account,
            now=now,
            origin=ORIGIN,
            reception_point=dossier.reception_point,
            competent_agency=dossier.competent_agency,
        )

    with transaction.atomic():
        dossier = submission._create(
            channel=Channel.ONLINE,
            procedure=procedure,
            place_unit=None,
            applicant_info=info,
            applicant=account,
            reception_point=None,
            received_by=None,
            documents=documents,
            form_data=data.form_data,
            summary=data.summary[:500],
            postal_tracking_number="",
            idempotency_key=None,
            now=now,
            origin=ORIGIN,
            actor=account,
            extra={"national_code": code},
            record=record,
        )
    assert isinstance(dossier, Dossier)  # online submissions are never forwarded (channel online)
    return dossier


def _refuse(code: str, *, reason: str, error_code: str, now: dt.datetime) -> None:
    """The ``national.intake`` message the portal adapter answers with (XacNhanHoSoMoi, tu_choi); one per
    submission, however often it is pulled before the answer is delivered."""
    with transaction.atomic():
        enqueue(
            topic=Topic.NATIONAL_INTAKE,
            province_code=str(settings.MOTCUA_PROVINCE_CODE),
            aggregate_type="national_submission",
            aggregate_id=code,
            payload={
                "national_code": code,
                "reason": reason[:2000],
                "error": error_code,
                "at": now.isoformat(),
            },
            key=rejection_key(code),
            now=now,
        )
