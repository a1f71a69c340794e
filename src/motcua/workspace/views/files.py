"""Files of a dossier an officer may see: result files (removed ones too: they stay on record), the files
the applicant submitted, the files of the e-form, and the slips as PDF."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.core.downloads import Attachment, attachment_or_404
from motcua.core.errors import DomainError
from motcua.dossiers import files, formview, selectors, slips
from motcua.workspace.access import officer_required
from motcua.workspace.views.dossier import SLIP_KINDS, dossier_or_404


def _stored(ref: str, name: str | None = None, content_type: str | None = None) -> Attachment:
    return Attachment(
        files.open_stored(ref), name or files.display_name(ref), content_type or files.content_type_of(ref)
    )


def _result(result: Any) -> Attachment:
    return _stored(result.file_ref, result.file_name, result.content_type)


@officer_required
@require_GET
def result_file(request: HttpRequest, code: str, result_id: int) -> FileResponse:
    """A result file of a dossier the officer may see."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    return attachment_or_404(
        lambda: _result(
            selectors.result_for(dossier=dossier, result_id=result_id, user=request.user, now=now)
        )
    )


@officer_required
@require_GET
def document_file(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A file the applicant submitted with the dossier."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    return attachment_or_404(
        lambda: Attachment(
            *files.open_document(
                selectors.document_for(dossier=dossier, document_id=document_id, user=request.user, now=now)
            )
        )
    )


@officer_required
@require_GET
def form_file(request: HttpRequest, code: str, field: str) -> FileResponse:
    """A file the applicant uploaded in a ``file`` field of the e-form."""
    dossier = dossier_or_404(request, code, timezone.now())
    return attachment_or_404(lambda: _stored(formview.form_file_ref(dossier, field)))


@officer_required
def slip(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    dossier = dossier_or_404(request, code, timezone.now())
    if kind not in SLIP_KINDS:
        raise Http404
    try:
        pdf = slips.slip_pdf(dossier=dossier, kind=kind)
    except DomainError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
    return response
