"""Services of the citizen's dossier on the portal: what an online submission carries and what answering a
supplement request stores. The pages (``portal.dossier_views``) parse the input and call these.

- a document of the catalog that names a data store or a registry (``RequiredDocument.reuse``) is taken
  from there when the citizen uploads nothing for it;
- a file is required online for a mandatory document the e-form or a registry does not replace;
- the files are checked (kind, size, the citizen's quota) before anything is stored, and a refused
  submission leaves none behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.core.errors import DomainError
from motcua.dossiers import errors as dossier_errors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DocumentSource, Dossier
from motcua.geo.models import AdministrativeUnit

from . import drafts, tracking
from . import uploads as citizen_uploads


def upload_required(document: RequiredDocument) -> bool:
    """A file is required online for a mandatory document the e-form or a registry does not replace."""
    return document.mandatory and not document.form_field and not document.reuse


def document_errors(
    *, user: Any, documents: list[RequiredDocument], uploads: Mapping[str, Any]
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
        elif upload_required(document):
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
        inputs += [dossier_services.reused_document(d) for d in documents if d.reuse and d.code not in given]
        # The service keeps the e-ID identity as the applicant; a different name or number typed here is
        # recorded as the person concerned.
        info = dossier_services.ApplicantInfo(
            name=str(data.get("applicant_name") or ""),
            id_number=str(data.get("applicant_id_number") or ""),
            phone=str(data.get("applicant_phone") or user.phone or ""),
            email=user.email or "",
            address=str(data.get("applicant_address", "")),
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
