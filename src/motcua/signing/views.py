"""The public verification page of an issued document (no login): what the document is and whether it is
still in force, and a check of a PDF the visitor uploads against the issued bytes and its signatures. The
document itself is not handed out here (it carries personal data): the citizen downloads it from their
dossier or their data store.

Reached from the QR code printed on the document (``/xac-thuc/<id>/``); ``/verify/<id>/`` is the same page
in English. An unknown id (or a draft's) answers 404 with a plain sentence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.clients import client_address
from motcua.core.errors import DomainError, http_status
from motcua.signing import errors as signing_errors
from motcua.signing import selectors, services
from motcua.signing.models import DocumentKind


def _context(document: Any) -> dict[str, Any]:
    return {
        "document": document,
        "kind_label": DocumentKind(document.kind).label
        if document.kind in DocumentKind.values
        else document.kind,
        "status_text": selectors.status_text(document),
        "max_mb": selectors.max_upload_bytes() // (1024 * 1024),
        "return_path": reverse("signing:verify", args=[document.public_id]),
    }


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, public_id: str, language: str = "") -> HttpResponse:
    with translation.override(language or translation.get_language()):
        document = selectors.published(public_id=public_id)
        if document is None:
            # Only an id that looks like one is repeated on the page (never NUL bytes or 10 kB of text).
            shown = public_id if selectors.PUBLIC_ID.fullmatch(public_id) else ""
            return render(request, "signing/unknown.html", {"public_id": shown}, status=404)
        context = _context(document)
        status = 200
        if request.method == "POST":
            upload = request.FILES.get("file")
            try:
                if upload is None:
                    raise DomainError(signing_errors.UPLOAD_MISSING, _("Vui lòng chọn tệp PDF cần kiểm tra."))
                selectors.check_size(upload.size or 0)
                # Each upload costs a signature validation: counted per client (429 beyond the limit).
                services.count_upload(client=client_address(request))
                context["check"] = selectors.check_upload(document=document, data=upload.read())
            except DomainError as error:
                context["upload_error"] = str(error)
                status = http_status(error)
        return render(request, "signing/verify.html", context, status=status)
