"""Kho dữ liệu của tôi: the documents of the citizen's data store they may read, and each file.

What the citizen reads is decided by ``datastore.selectors`` alone (filed under their personal ID number,
or a minor's they legally represent); any other number is a 404, so that guessing tells nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.core.downloads import Attachment, attachment_or_404
from motcua.datastore import selectors as store
from motcua.datastore import storage
from motcua.portal.dossier_views.my_dossiers import LOGIN_URL


def _rows(user: Any) -> list[dict[str, Any]]:
    documents = store.readable_documents(reader_id=user.national_id, on=timezone.localdate())
    return [
        {
            "document": d,
            "origin": d.get_origin_display(),
            "concerns": [f.holder_name or f.holder_id for f in store.subjects_of(d)],
            "mine": any(f.holder_id == user.national_id for f in d.filings.all()),
        }
        for d in documents
    ]


@login_required(login_url=LOGIN_URL)
@require_GET
def my_store(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/my_store.html", {"rows": _rows(request.user)})


@login_required(login_url=LOGIN_URL)
@require_GET
def stored_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file of one document of the citizen's data store."""
    user: Any = request.user

    def find() -> Attachment:
        document = store.readable_document(reader_id=user.national_id, pk=pk, on=timezone.localdate())
        return Attachment(storage.open_kept(document.file_ref), document.file_name, document.content_type)

    return attachment_or_404(find)
