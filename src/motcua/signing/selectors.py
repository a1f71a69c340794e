"""Reading issued documents: a dossier's documents and their signature jobs for the pages, the documents a
citizen downloads, a document by its public id, and the comparison of an uploaded PDF with the issued one."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import router
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.core import prepared
from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, EventKind
from motcua.signing import errors as signing_errors
from motcua.signing.models import IssuedDocument, IssuedStage, IssuedStatus, SignatureJob

logger = logging.getLogger(__name__)
# ``secrets.token_urlsafe(24)`` gives 32 characters of the URL-safe alphabet; older or longer ids stay within.
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


# Every new document writes ``document_prepared`` (a draft, the ``sign`` step, a stop notice, an apology, a
# replacement); a page reads the dossier's events already (``get_dossier``): a dossier without that event
# costs the page no query.
def may_have_documents(dossier: Dossier, *, issued: bool = False) -> bool:
    """Whether the dossier's events (read with it) say it may have documents (``issued``: issued ones)."""
    kind = EventKind.DOCUMENT_ISSUED if issued else EventKind.DOCUMENT_PREPARED
    return any(e.kind == kind for e in dossier.events.all())


def documents_of(*, dossier: Dossier) -> list[IssuedDocument]:
    """The dossier's documents, newest first, with their signature jobs (two queries; none when its events
    say it has none)."""
    if not may_have_documents(dossier):
        return []
    jobs = Prefetch("jobs", queryset=SignatureJob.objects.select_related("requested_by").order_by("pk"))
    return list(
        IssuedDocument.objects.filter(dossier=dossier)
        .select_related("signer", "sealer", "replaced_by")
        .prefetch_related(jobs)
        .order_by("-pk")
    )


def document_of(*, dossier: Dossier, public_id: str) -> IssuedDocument:
    """One document of a dossier the caller already may see (``Http404`` by the caller on DomainError)."""
    document = (
        IssuedDocument.objects.filter(dossier=dossier, public_id=public_id)
        .select_related("signer", "sealer", "agency")
        .first()
    )
    if document is None:
        raise DomainError(signing_errors.UNKNOWN, _("Không tìm thấy văn bản."))
    return document


def issued_for_applicant(*, dossier: Dossier) -> QuerySet[IssuedDocument]:
    """The issued documents the applicant downloads from their dossier's page (revoked ones stay listed with
    their status, so the citizen learns of it); no query before one was issued."""
    if not may_have_documents(dossier, issued=True):
        return IssuedDocument.objects.none()
    return IssuedDocument.objects.filter(dossier=dossier, stage=IssuedStage.ISSUED).order_by("-pk")


# Stand-in for the dossier's id while the citizen page's query is compiled; the real id replaces it per run.
_DOSSIER = -7_919_000_201
# ``issued_for_applicant``'s query by database, compiled once per process (``core.prepared``).
_issued_queries: dict[str, prepared.CompiledQuery] = {}


def issued_list_for_applicant(*, dossier: Dossier) -> list[IssuedDocument]:
    """``issued_for_applicant`` as a list, for the citizen's dossier page, which reads it on every view: its
    query is compiled once per process and prepared on PostgreSQL (issue 13: building and compiling the
    queryset cost the page a sixth of its CPU); no query before a document was issued."""
    if not may_have_documents(dossier, issued=True):
        return []
    using = router.db_for_read(IssuedDocument)
    query = _issued_queries.get(using)
    if query is None:
        query = _issued_queries[using] = prepared.compile_queryset(
            IssuedDocument.objects.using(using)
            .filter(dossier_id=_DOSSIER, stage=IssuedStage.ISSUED)
            .order_by("-pk"),
            {"dossier": (_DOSSIER, IssuedDocument._meta.get_field("dossier"))},
            using,
        )
    return prepared.instances(query, using, dossier=dossier.pk)  # type: ignore[return-value]


def published(*, public_id: str) -> IssuedDocument | None:
    """The document the public verification page shows: signed and issued; None for an unknown id or a draft
    (a draft's id is not public yet)."""
    if not PUBLIC_ID.fullmatch(public_id or ""):
        return None  # NUL bytes, 10 kB, other alphabets: no id looks so, and PostgreSQL refuses a NUL
    return (
        IssuedDocument.objects.filter(public_id=public_id, stage=IssuedStage.ISSUED)
        .select_related("agency", "replaced_by")
        .first()
    )


@dataclass(frozen=True)
class UploadCheck:
    """The answer of the verification page to an uploaded PDF."""

    same_bytes: bool
    signatures_ok: bool
    report: Any  # signing.validation.Report, or None when the file could not be read as signed PDF
    summary: str


def max_upload_bytes() -> int:
    return int(settings.MOTCUA_VERIFY_MAX_MB) * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse a file above ``MOTCUA_VERIFY_MAX_MB`` before reading it."""
    if size > max_upload_bytes():
        raise DomainError(
            signing_errors.UPLOAD_TOO_LARGE,
            _("Tệp quá lớn: chỉ nhận tệp PDF tối đa %(mb)s MB."),
            mb=settings.MOTCUA_VERIFY_MAX_MB,
        )


def check_upload(*, document: IssuedDocument, data: bytes) -> UploadCheck:
    """Compare an uploaded PDF with the issued bytes (SHA-256) and validate its signatures
    (``validation.validate_pdf``: trust roots, integrity, revocation, signing time, timestamp)."""
    check_size(len(data))
    if not data.lstrip()[:5] == b"%PDF-":
        raise DomainError(
            signing_errors.UPLOAD_NOT_PDF,
            _("Tệp đã chọn không phải tệp PDF. Vui lòng chọn tệp PDF của văn bản."),
        )
    from motcua.signing.validation import validate_pdf

    same = hashlib.sha256(data).hexdigest() == document.final_sha256
    # Revocation is fetched only for the issued bytes, whose certificates the configured PKI made: another
    # file's certificates could send the server to any address (its OCSP and CRL URLs).
    try:
        report = validate_pdf(data, fetch=same)
    except (TimeoutError, ConnectionError) as error:  # a CRL or OCSP source too slow: not the file's fault
        logger.warning("verification upload not validated: %s: %s", type(error).__name__, error)
        raise DomainError(
            signing_errors.VERIFY_UNAVAILABLE,
            _("Chưa kiểm tra được tình trạng thu hồi chứng thư số lúc này. Vui lòng thử lại sau ít phút."),
        ) from None
    except Exception as error:  # a stranger's file: whatever pyHanko trips on is the file's fault, not a 500
        logger.warning("verification upload not validated: %s: %s", type(error).__name__, error)
        raise DomainError(
            signing_errors.UPLOAD_UNREADABLE,
            _("Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng."),
        ) from None
    if same and report.ok:
        summary = _(
            "Đây đúng là văn bản đã phát hành: tệp trùng khớp từng byte với bản gốc và chữ ký số hợp lệ."
        )
    elif same:
        summary = _(
            "Tệp trùng khớp từng byte với văn bản đã phát hành, nhưng kiểm tra chữ ký số có cảnh báo."
        )
    else:
        summary = _(
            "Tệp này KHÔNG phải văn bản đã phát hành: nội dung khác với bản gốc "
            "(có thể đã bị sửa đổi hoặc là văn bản khác)."
        )
    return UploadCheck(same_bytes=same, signatures_ok=bool(report.ok), report=report, summary=str(summary))


def status_text(document: IssuedDocument) -> str:
    if document.status == IssuedStatus.REVOKED:
        return str(_("Đã bị thu hồi"))
    if document.status == IssuedStatus.REPLACED:
        return str(_("Đã được thay thế"))
    return str(_("Còn hiệu lực"))
