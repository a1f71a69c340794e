"""Services of the citizen's dossier on the portal: what an online submission carries and what answering a
supplement request stores. The pages (``portal.dossier_views``) parse the input and call these.

- a document of the catalog that names a data store or a registry (``RequiredDocument.reuse``) is taken
  from there when the citizen uploads nothing for it: from the data store the document the citizen chose in
  "Kho dữ liệu của tôi" (``store_choices``), else the one the reception finds (``dossiers.services.stored``);
- a file is required online for a mandatory document the e-form or a registry does not replace;
- the files are checked (kind, size, the citizen's quota) before anything is stored, and a refused
  submission leaves none behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, RequiredDocument, ReuseSource
from motcua.core.errors import DomainError
from motcua.datastore import selectors as store
from motcua.dossiers import errors as dossier_errors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DocumentSource, Dossier
from motcua.geo.models import AdministrativeUnit

from . import drafts, tracking
from . import uploads as citizen_uploads


def upload_required(document: RequiredDocument, available: Collection[str] = ()) -> bool:
    """A file is required online for a mandatory document the e-form or a registry does not replace, nor a
    document of the citizen's data store (``available``: the codes the store holds a document for)."""
    if document.reuse == ReuseSource.DATA_STORE:
        return document.mandatory and not document.form_field and document.code not in available
    return document.mandatory and not document.form_field and not document.reuse


def store_choices(*, user: Any, documents: list[RequiredDocument], on: dt.date) -> dict[str, list[Any]]:
    """Per document the catalog takes from the data store, the citizen's documents of that kind (newest
    first), to choose from in "Kho dữ liệu của tôi"."""
    return {
        d.code: list(store.readable_documents(reader_id=user.national_id, on=on, kind=d.reuse_key))
        for d in documents
        if d.reuse == ReuseSource.DATA_STORE and d.reuse_key
    }


def chosen_in_store(post: Mapping[str, Any], choices: Mapping[str, list[Any]]) -> dict[str, int]:
    """The document chosen for each code (``store_<code>``), one of those offered; else the newest."""
    chosen: dict[str, int] = {}
    for code, offered in choices.items():
        ids = [d.pk for d in offered]
        value = str(post.get(f"store_{code}", "") or "")
        picked = int(value) if value.isdigit() and int(value) in ids else None
        if picked is None and ids:
            picked = ids[0]
        if picked is not None:
            chosen[code] = picked
    return chosen


def document_errors(
    *,
    user: Any,
    documents: list[RequiredDocument],
    uploads: Mapping[str, Any],
    available: Collection[str] = (),
) -> dict[str, list[str]]:
    """The refusals per document code: a file that is not accepted (the documents checked before it are
    stored with it, so the quota counts them), or no file where one is required."""
    refused: dict[str, list[str]] = {}
    pending = 0
    for document in documents:
        upload = uploads.get(document.code)
        if upload:
            try:
                citizen_uploads.check(user=user, upload=upload, pending=pending)
                pending += int(upload.size or 0)
            except DomainError as error:
                refused[document.code] = [str(error)]
        elif upload_required(document, available):
            refused[document.code] = [_("Vui lòng đính kèm giấy tờ này.")]
    return refused


def submit(
    *,
    user: Any,
    procedure: Procedure,
    place: AdministrativeUnit | None,
    data: dict[str, Any],
    documents: list[RequiredDocument],
    uploads: Mapping[str, Any],
    idempotency_key: str,
    result_delivery: str = "",
    delivery_address: str = "",
    postal_pickup: bool = False,
    chosen: Mapping[str, int] | None = None,
    on_submitted: Callable[[Dossier], object] | None = None,
) -> Dossier:
    """Nộp hồ sơ trực tuyến: store the uploaded files, add the documents taken from a data store or a
    registry, submit the dossier and drop the draft. On a refusal (DomainError) no file is kept.

    ``place`` is the commune picked for a procedure whose competence rules name no e-form field; otherwise
    it is None and the dossier service reads the place from the field the rule names. ``on_submitted`` runs
    in the dossier's transaction (e.g. linking the values prefilled from a registry to it)."""
    inputs: list[dossier_services.DocumentInput] = []
    stored: list[str] = []
    try:
        for document in documents:
            if uploads.get(document.code):
                stored.append(citizen_uploads.store(user=user, upload=uploads[document.code]).ref)
                inputs.append(
                    dossier_services.DocumentInput(
                        code=document.code,
                        source=DocumentSource.FILE,
                        originals=0,
                        copies=0,
                        file_ref=stored[-1],
                    )
                )
        given = {i.code for i in inputs}
        chosen = chosen or {}
        inputs += [
            dossier_services.DocumentInput(
                code=d.code,
                source=DocumentSource.DATA_STORE,
                originals=0,
                copies=0,
                stored_document_id=chosen[d.code],
            )
            for d in documents
            if d.code in chosen and d.code not in given
        ]
        given |= set(chosen)
        inputs += [dossier_services.reused_document(d) for d in documents if d.reuse and d.code not in given]
        # The service keeps the e-ID identity as the applicant; a different name or number typed here is
        # recorded as the person concerned.
        info = dossier_services.ApplicantInfo(
            name=str(data.get("applicant_name") or ""),
            id_number=str(data.get("applicant_id_number") or ""),
            phone=str(data.get("applicant_phone") or user.phone or ""),
            email=user.email or "",
            address=str(data.get("applicant_address", "")),
            delivery_address=delivery_address,
        )
        with transaction.atomic():
            dossier = dossier_services.submit_online(
                applicant=user,
                procedure=procedure,
                place_unit=place,
                applicant_info=info,
                documents=inputs,
                form_data=data,
                summary=procedure.name[:500],
                idempotency_key=idempotency_key,
                origin="portal",
                result_delivery=result_delivery,
                postal_pickup=postal_pickup,
            )
            if on_submitted is not None:
                on_submitted(dossier)
    except DomainError:
        for ref in stored:  # the dossier was not created: its files are nobody's
            citizen_uploads.discard(ref=ref)
        raise
    drafts.discard_draft(user=user, procedure=procedure)
    return dossier


def supply(*, user: Any, dossier: Dossier, uploads: Mapping[str, Any], note: str) -> Dossier:
    """Answer the open supplement request of the citizen's dossier with the requested documents."""
    request = tracking.supplement_request(dossier=dossier)
    if request is None:
        raise DomainError(dossier_errors.SUPPLEMENT_CLOSED, _("Hồ sơ không ở trạng thái chờ bổ sung."))
    given = {d.code: uploads.get(d.code) for d in request.documents}
    if not any(given.values()):
        raise DomainError(dossier_errors.SUPPLEMENT_EMPTY, _("Vui lòng đính kèm giấy tờ bổ sung."))
    inputs = [
        dossier_services.DocumentInput(
            code=code,
            source=DocumentSource.FILE,
            originals=0,
            copies=0,
            file_ref=citizen_uploads.store(user=user, upload=upload).ref,
        )
        for code, upload in given.items()
        if upload
    ]
    return dossier_services.supply_documents(
        dossier=dossier, by=user, documents=inputs, note=note, origin="portal"
    )
