"""The documents section of a dossier's page (``motcua.signing``): its documents, their signature jobs, and
the forms the one access policy allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from motcua.dossiers import access
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier
from motcua.signing import selectors as signing_selectors
from motcua.signing.models import DocumentKind, IssuedStage, IssuedStatus, JobState
from motcua.workspace.access import request_actor


def documents_context(
    request: HttpRequest, dossier: Dossier, now: dt.datetime, forms: dict[str, Any]
) -> dict[str, Any]:
    """What the dossier page shows of its documents, and the forms the one access policy allows."""
    on = timezone.localdate(now)
    user = request_actor(request, timezone.localdate(now))  # the policy's questions: positions read once
    issued = signing_selectors.documents_of(dossier=dossier)
    may_revoke = access.may(user, Act.REVOKE_DOCUMENT, dossier, on=on)
    rows = []
    for document in issued:
        jobs = list(document.jobs.all())
        rows.append(
            {
                "document": document,
                "jobs": jobs,
                "retryable": [
                    j.pk
                    for j in jobs
                    if j.state == JobState.FAILED
                    and access.may(user, Act.RETRY_SIGNATURE, dossier, on=on, subject=j.requested_by_id)
                ],
                "may_change": may_revoke
                and document.stage == IssuedStage.ISSUED
                and document.status == IssuedStatus.VALID,
            }
        )
    return {
        "issued_documents": rows,
        "can_prepare_document": access.may(user, Act.PREPARE_DOCUMENT, dossier, on=on)
        and not any(_signed_result(r["document"]) for r in rows),
        "document_form": forms.get("document", {}),
    }


def _signed_result(document: Any) -> bool:
    return (
        document.kind == DocumentKind.RESULT
        and document.status == IssuedStatus.VALID
        and (
            document.stage != IssuedStage.DRAFT
            or any(j.state == JobState.PENDING for j in document.jobs.all())
        )
    )
