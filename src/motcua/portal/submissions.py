"""Services of the citizen's dossier on the portal: what an online submission carries and what answering a
supplement request stores. The pages (``portal.dossier_views``) parse the input and call these.

- a document of the catalog that names a data store or a registry (``RequiredDocument.reuse``) is taken
  from there when the citizen uploads nothing for it: from the data store the document the citizen chose in
  "Kho dữ liệu của tôi" (``store_choices``), else the one the reception finds (``dossiers.services.stored``);
- a file is required online for a mandatory document the e-form or a registry does not replace;
- the files are checked (kind, size, the citizen's quota) and stored as soon as they are chosen, with the
  draft (``portal.eforms.keep_documents``): a refused submission keeps them for the corrected one, and the
  daily clean-up deletes those of abandoned drafts (``portal.uploads``).
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
    documents: list[RequiredDocument],
    files: Mapping[str, str],
    refused: Mapping[str, list[str]] | None = None,
    available: Collection[str] = (),
) -> dict[str, list[str]]:
    """The refusals per document code: a file that was not accepted (``refused``: its kind, size or the
    quota, said when it was stored), or no file (``files``: the stored ref per code) where one is required.
    Each message names the document: it is also listed in the error summary at the top of the page."""
    errors: dict[str, list[str]] = {code: list(messages) for code, messages in (refused or {}).items()}
    for document in documents:
        if (
            document.code not in files
            and document.code not in errors
            and upload_required(document, available)
        ):
            errors[document.code] = [_("Vui lòng đính kèm %(document)s.") % {"document": document.name}]
    return errors


def submit(
    *,
    user: Any,
    procedure: Procedure,
    place: AdministrativeUnit | None,
    data: dict[str, Any],
    documents: list[RequiredDocument],
    files: Mapping[str, str],
    idempotency_key: str,
    result_delivery: str = "",
    delivery_address: str = "",
    postal_pickup: bool = False,
    chosen: Mapping[str, int] | None = None,
    on_submitted: Callable[[Dossier], object] | None = None,
) -> Dossier:
    """Nộp hồ sơ trực tuyến: attach the files already stored for the documents (``files``: the stored ref
    per document code, kept in the draft by ``portal.eforms.keep_documents``), add the documents taken from
    a data store or a registry, submit the dossier and drop the draft. On a refusal (DomainError) the files
    stay with the draft, for the corrected submit.

    ``place`` is the commune picked for a procedure whose competence rules name no e-form field; otherwise
    it is None and the dossier service reads the place from the field the rule names. ``on_submitted`` runs
    in the dossier's transaction (e.g. linking the values prefilled from a registry to it)."""
    inputs: list[dossier_services.DocumentInput] = [
        dossier_services.DocumentInput(
            code=document.code,
            source=DocumentSource.FILE,
            originals=0,
            copies=0,
            file_ref=files[document.code],
        )
        for document in documents
        if files.get(document.code)
    ]
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
