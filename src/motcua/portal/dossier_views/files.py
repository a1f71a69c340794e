"""Files of the citizen's own dossier: the slips as PDF, the result files once returned, the documents
and e-form files the citizen submitted."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from motcua.core.downloads import Attachment, attachment_or_404
from motcua.core.errors import DomainError
from motcua.dossiers import files, formview
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.slips import slip_pdf
from motcua.portal.dossier_views.my_dossiers import LOGIN_URL, own_dossier
from motcua.signing import files as signing_files
from motcua.signing import selectors as signing_selectors


def _stored(ref: str, name: str | None = None, content_type: str | None = None) -> Attachment:
    return Attachment(
        files.open_stored(ref), name or files.display_name(ref), content_type or files.content_type_of(ref)
    )


def _result(result: Any) -> Attachment:
    return _stored(result.file_ref, result.file_name, result.content_type)


@login_required(login_url=LOGIN_URL)
@require_GET
def slip(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """A slip of the dossier as PDF (giấy tiếp nhận và hẹn trả kết quả, phiếu yêu cầu bổ sung...)."""
    dossier = own_dossier(request, code)
    timeline = dossier_selectors.timeline_for(dossier=dossier, user=request.user)
    if kind not in timeline.slips:
        raise Http404(kind)
    response = HttpResponse(slip_pdf(dossier=dossier, kind=kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-{kind}.pdf"'
    return response


@login_required(login_url=LOGIN_URL)
@require_GET
def submission_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Giấy xác nhận đã nộp hồ sơ trực tuyến (PDF), at once after submission; only for the dossier's own
    citizen (``own_dossier``: the access policy, then the applicant), only for an online dossier."""
    dossier = own_dossier(request, code)
    try:
        pdf = slip_pdf(dossier=dossier, kind="submitted")
    except DomainError as error:
        raise Http404(code) from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-da-nop.pdf"'
    return response


@login_required(login_url=LOGIN_URL)
@require_GET
def result_file(request: HttpRequest, code: str, result_id: int) -> FileResponse:
    """Tải kết quả: a result file of the citizen's dossier, once the result has been returned."""
    dossier = own_dossier(request, code)
    return attachment_or_404(
        lambda: _result(dossier_selectors.result_for(dossier=dossier, result_id=result_id, user=request.user))
    )


@login_required(login_url=LOGIN_URL)
@require_GET
def document_file(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A file the citizen submitted with the dossier."""
    dossier = own_dossier(request, code)
    return attachment_or_404(
        lambda: Attachment(
            *files.open_document(
                dossier_selectors.document_for(dossier=dossier, document_id=document_id, user=request.user)
            )
        )
    )


@login_required(login_url=LOGIN_URL)
@require_GET
def form_file(request: HttpRequest, code: str, field: str) -> FileResponse:
    """A file the citizen uploaded in a ``file`` field of the e-form."""
    dossier = own_dossier(request, code)
    return attachment_or_404(lambda: _stored(formview.form_file_ref(dossier, field)))


@login_required(login_url=LOGIN_URL)
@require_GET
def issued_document(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    """Tải văn bản điện tử: a signed document issued for the citizen's dossier (the signed PDF itself)."""
    dossier = own_dossier(request, code)
    document = signing_selectors.issued_for_applicant(dossier=dossier).filter(public_id=public_id).first()
    if document is None:
        raise Http404(public_id)
    response = HttpResponse(signing_files.read(document.final_ref), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-{document.kind}.pdf"'
    return response
