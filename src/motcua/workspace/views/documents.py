"""Result documents in the workspace (``motcua.signing``): drafting the result document, downloading its
preview or its signed bytes, retrying a signature the worker could not make, revoking or replacing an
issued document. The signatures themselves are the workflow's ``sign`` and ``issue_number`` actions."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core.clients import client_address
from motcua.core.errors import DomainError
from motcua.signing import files
from motcua.signing import selectors as signing_selectors
from motcua.signing import services as signing
from motcua.signing.models import SignatureJob
from motcua.workspace.access import officer_required
from motcua.workspace.forms import DossierActionForm, ReasonForm
from motcua.workspace.views.dossier import done, dossier_or_404, refused

ANCHOR = "#documents-title"


@officer_required
@require_POST
def prepare_document(request: HttpRequest, code: str) -> HttpResponse:
    """Lập dự thảo văn bản kết quả (a preview without a number)."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    try:
        signing.prepare(dossier=dossier, by=request.user, now=now, origin=client_address(request))
    except DomainError as error:
        return refused(request, dossier, now, "document", error)
    return done(
        request, code, _("Đã lập dự thảo văn bản kết quả; bấm “Xem dự thảo” để kiểm tra."), anchor=ANCHOR
    )


@officer_required
@require_GET
def document_pdf(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    """The document of a dossier the officer may see: the issued bytes, else the leader-signed ones, else the
    draft preview."""
    dossier = dossier_or_404(request, code, timezone.now())
    try:
        document = signing_selectors.document_of(dossier=dossier, public_id=public_id)
        ref = document.final_ref or document.draft_ref
        content = files.read(ref)
    except DomainError as error:
        raise Http404(str(error)) from None
    suffix = "" if document.final_ref else "-du-thao"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{document.kind}{suffix}.pdf"'
    return response


@officer_required
@require_POST
def retry_signature(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    job = get_object_or_404(SignatureJob, pk=job_id, document__dossier=dossier)
    try:
        signing.retry(job=job, by=request.user, now=now)
    except DomainError as error:
        return refused(request, dossier, now, "document", error)
    return done(request, code, _("Đã gửi lại yêu cầu ký số."), anchor=ANCHOR)


@officer_required
@require_POST
def change_document(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    """Thu hồi or thay thế an issued document, with the reason (replacing asks for the code again)."""
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    form = ReasonForm(request.POST)
    form.is_valid()  # text as typed: the service asks for a reason
    reason = form.cleaned_data["reason"]
    token = DossierActionForm(request.POST)
    token.is_valid()
    try:
        document = signing_selectors.document_of(dossier=dossier, public_id=public_id)
        if request.POST.get("change") == "replace":
            signing.replace(
                document=document,
                by=request.user,
                token=token.cleaned_data["token"],
                reason=reason,
                now=now,
                origin=client_address(request),
            )
            message = _("Đã thay thế văn bản; văn bản mới đang được ký số.")
        else:
            signing.revoke(
                document=document, by=request.user, reason=reason, now=now, origin=client_address(request)
            )
            message = _("Đã thu hồi văn bản.")
    except DomainError as error:
        return refused(request, dossier, now, "document", error, reason=reason)
    return done(request, code, message, anchor=ANCHOR)
