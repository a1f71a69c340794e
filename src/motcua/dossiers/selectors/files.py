"""The documents and result files of a dossier: what is still missing, and which file a user may download."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import access, errors, lookups
from motcua.dossiers.models import Dossier, DossierDocument, DossierResult, State
from motcua.dossiers.selectors.visibility import can_view


def missing_documents(*, dossier: Dossier, provided: Collection[str] | None = None) -> list[Any]:
    """Mandatory required documents not yet provided (an e-form field counts when it is filled).
    ``provided``: the codes of the documents of a dossier whose rows are not written yet."""
    # Read through .all(): a dossier or version that holds its rows (prefetched) is not read again.
    if provided is None:
        provided = {d.code for d in dossier.documents.all()}
    missing = []
    for doc in lookups.required_documents(version_id=dossier.procedure_version_id):
        if not doc.mandatory or doc.code in provided:
            continue
        if doc.form_field and dossier.form_data.get(doc.form_field) not in (None, "", [], {}):
            continue
        missing.append(doc)
    return missing


def results_for(*, dossier: Dossier, for_applicant: bool) -> list[DossierResult]:
    """Result files of the dossier: the applicant sees them once returned; staff see them all, removed too."""
    if for_applicant and dossier.state != State.RETURNED:
        return []
    results = sorted(dossier.results.all(), key=lambda r: r.pk)
    return [r for r in results if r.removed_at is None] if for_applicant else results


def _forbidden_file() -> DomainError:
    return DomainError(errors.FILE_FORBIDDEN, _("Không tìm thấy tệp hoặc bạn không có quyền tải tệp này."))


def result_for(
    *, dossier: Dossier, result_id: int, user: Any, now: dt.datetime | None = None
) -> DossierResult:
    """One result file the user may download (the applicant: only after the hand-over, not removed ones)."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    if not can_view(dossier=dossier, user=user, on=on):
        raise _forbidden_file()
    staff_viewer = bool(access.agencies_of(user=user, on=on))
    result = next(
        (r for r in results_for(dossier=dossier, for_applicant=not staff_viewer) if r.pk == result_id), None
    )
    if result is None:
        raise _forbidden_file()
    return result


def document_for(
    *, dossier: Dossier, document_id: int, user: Any, now: dt.datetime | None = None
) -> DossierDocument:
    """One submitted document with a file, for the applicant or staff of an involved agency."""
    now = now or timezone.now()
    if not can_view(dossier=dossier, user=user, on=timezone.localdate(now)):
        raise _forbidden_file()
    document = (
        dossier.documents.filter(Q(stored_document__isnull=False) | ~Q(file_ref=""), pk=document_id)
        .select_related("stored_document")
        .first()
    )
    if document is None:
        raise _forbidden_file()
    return document
