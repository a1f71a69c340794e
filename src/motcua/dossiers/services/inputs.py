"""What the services take from their callers, and the checks every phase shares on it: the applicant and the
documents handed in, the reason a decision needs, the staff record of the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import RequiredDocument, ReuseSource
from motcua.core.errors import DomainError
from motcua.core.text import LONG_TEXT, check_text
from motcua.dossiers.constants import DocumentSource
from motcua.dossiers.models import Dossier, DossierDocument


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
    # Where the post brings the result when the applicant chose it (Decision 45/2016/QĐ-TTg); empty: the
    # applicant's address.
    delivery_address: str = ""


@dataclass(frozen=True)
class DocumentInput:
    """One submitted document: the required document's code and how it was provided."""

    code: str
    source: str = "paper"
    originals: int = 0
    copies: int = 1
    file_ref: str = ""
    # A document of the citizen's data store (source ``data_store``): chosen by the citizen, or found by the
    # reception (``services.stored``).
    stored_document_id: int | None = None


def reused_document(document: RequiredDocument) -> DocumentInput:
    """A document the catalog takes from a registry or the citizen's data store (``RequiredDocument.reuse``)
    instead of a copy: for an applicant signed in with the national e-ID (our portal, or the national portal
    whose accounts are VNeID-backed)."""
    source = DocumentSource.REGISTRY if document.reuse == ReuseSource.REGISTRY else DocumentSource.DATA_STORE
    return DocumentInput(code=document.code, source=source, originals=0, copies=0)


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason.required", _("Vui lòng nêu rõ lý do."))
    return check_text(reason, field="reason", label=_("Lý do"), max_length=LONG_TEXT, multiline=True)


def add_documents(
    dossier: Dossier, documents: Sequence[DocumentInput], required: dict, now: dt.datetime
) -> list[DossierDocument]:
    # Documents the dossier held (``hold_documents``) no longer are all of them.
    getattr(dossier, "_prefetched_objects_cache", {}).pop("documents", None)
    return DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            code=d.code,
            name=required[d.code].name,
            source=d.source,
            originals=d.originals,
            copies=d.copies,
            file_ref=d.file_ref,
            digitized=bool(d.file_ref),
            stored_document_id=d.stored_document_id,
            supplied_at=now,
        )
        for d in documents
    )


def hold_documents(dossier: Dossier, documents: list[DossierDocument]) -> None:
    """A new dossier keeps the documents just written as its ``documents`` (as a prefetch would), so the
    services that follow in the same call (accept's completeness check) do not read them again."""
    rows = dossier.documents.all()
    rows._result_cache = documents
    rows._prefetch_done = True  # type: ignore[attr-defined]
    dossier._prefetched_objects_cache = {"documents": rows}  # type: ignore[attr-defined]
