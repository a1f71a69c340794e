"""The dossier engine and the citizen's data store (``motcua.datastore``).

- A document the catalog takes from the data store (``RequiredDocument.reuse == "data_store"``, ``reuse_key``
  the kind of document) comes from there: the one the citizen chose on the portal (checked: a document they
  may read, of that kind), or, without a choice (the counter, the national portal's intake), the newest one
  of that kind about the persons the new e-form names (else about the applicant). Nothing in the store: the
  document is not provided, and a mandatory one is missing as for any other. Decree 45/2020/NĐ-CP: a document
  already in the data store is not asked for again [check article].
- Every document digitized at the counter (a scan the reception officer certified as a true copy, for a
  paper dossier or an assisted online submission) and every
  result handed over is filed under the applicant and each person the e-form names (``catalog.subjects``),
  in the same transaction as the reception or the hand-over (Decree 107/2021/NĐ-CP amending Decree
  61/2018/NĐ-CP: dossiers and results digitized and kept in the data store [check article]).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import RequiredDocument, ReuseSource
from motcua.catalog.subjects import subjects_in
from motcua.core.errors import DomainError
from motcua.datastore import errors as store_errors
from motcua.datastore import selectors as store
from motcua.datastore import services as store_services
from motcua.datastore.models import Origin
from motcua.dossiers import files
from motcua.dossiers.constants import Channel, DocumentSource
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput


def take_from_store(
    *,
    required: Mapping[str, RequiredDocument],
    documents: Sequence[DocumentInput],
    applicant_info: ApplicantInfo,
    form_schema: Mapping[str, Any],
    form_data: Mapping[str, Any],
    on: dt.date,
) -> list[DocumentInput]:
    """The documents with those of the data store resolved (see the module's docstring). No query for a
    procedure that takes nothing from the data store."""
    reusable = {
        code: doc for code, doc in required.items() if doc.reuse == ReuseSource.DATA_STORE and doc.reuse_key
    }
    if not reusable:
        return list(documents)
    given = {d.code: d for d in documents}
    subjects = subjects_in(form_schema or {}, form_data or {})
    out = [d for d in documents if d.code not in reusable]
    for code, doc in reusable.items():
        item = given.get(code)
        if item is not None and item.source != DocumentSource.DATA_STORE:
            out.append(item)  # a paper or a file handed in instead
            continue
        if item is not None and item.stored_document_id is not None:
            try:
                chosen = store.readable_document(
                    reader_id=applicant_info.id_number, pk=item.stored_document_id, on=on
                )
            except DomainError:
                chosen = None
            if chosen is None or chosen.kind != doc.reuse_key:
                raise DomainError(
                    store_errors.NOT_AVAILABLE,
                    _("Không dùng được giấy tờ đã chọn từ kho dữ liệu cho “%(document)s”."),
                    document=doc.name,
                )
            out.append(item)
            continue
        found = store.for_reuse(
            reader_id=applicant_info.id_number, kind=doc.reuse_key, subjects=subjects, on=on
        )
        if found is not None:
            out.append(
                DocumentInput(
                    code=code,
                    source=DocumentSource.DATA_STORE,
                    originals=0,
                    copies=0,
                    stored_document_id=found.pk,
                )
            )
    return out


def _holders(dossier: Dossier, *, representation: bool) -> store_services.Holders:
    return store_services.Holders(
        applicant_id=dossier.applicant_id_number,
        applicant_name=dossier.applicant_name,
        subjects=subjects_in(dossier.procedure_version.form_schema or {}, dossier.form_data or {}),
        representation=representation,
    )


def _content(ref: str) -> bytes:
    with files.open_stored(ref) as stream:
        return stream.read()  # type: ignore[no-any-return]


def file_digitized(
    dossier: Dossier,
    *,
    documents: Sequence[DossierDocument],
    required: Mapping[str, RequiredDocument],
    certified_by: Any,
    now: dt.datetime,
) -> None:
    """File the scans the reception officer made at the counter, for a paper dossier or an online one they
    submitted with the citizen (assisted, Directive 24/CT-TTg); no query when nothing was scanned."""
    at_counter = dossier.channel == Channel.COUNTER or dossier.assisted_by_id is not None
    scanned = [d for d in documents if d.file_ref and at_counter]
    if not scanned:
        return
    certified_by = certified_by or dossier.assisted_by
    holders = _holders(dossier, representation=False)
    for row in scanned:
        doc = required.get(row.code)
        kind = doc.reuse_key if doc is not None and doc.reuse == ReuseSource.DATA_STORE else ""
        store_services.file_document(
            content=_content(row.file_ref),
            file_name=files.display_name(row.file_ref),
            kind=kind,
            title=row.name,
            origin=Origin.DIGITIZED,
            dossier=dossier,
            procedure_code=dossier.procedure.code,
            issued_by_id=dossier.receiving_agency_id,
            certified_by=certified_by,
            holders=holders,
            now=now,
        )


def file_results(dossier: Dossier, *, by: Any, now: dt.datetime | None = None) -> None:
    """File the result files handed over (removed ones are not results) under the dossier's holders."""
    now = now or timezone.now()
    results = [r for r in dossier.results.all() if r.removed_at is None]
    if not results:
        return
    holders = _holders(dossier, representation=True)
    version = dossier.procedure_version
    for result in results:
        store_services.file_document(
            content=_content(result.file_ref),
            file_name=result.file_name,
            kind=version.result_kind,
            title=result.name,
            origin=Origin.RESULT,
            dossier=dossier,
            procedure_code=dossier.procedure.code,
            issued_by_id=dossier.competent_agency_id,
            certified_by=by,
            holders=holders,
            now=now,
        )


def file_issued(
    dossier: Dossier, *, content: bytes, file_name: str, title: str, by: Any, now: dt.datetime
) -> Any:
    """File a signed document the agency issued (``motcua.signing``) under the dossier's holders, as a
    result; returns the stored document."""
    return store_services.file_document(
        content=content,
        file_name=file_name,
        kind=dossier.procedure_version.result_kind,
        title=title,
        origin=Origin.RESULT,
        dossier=dossier,
        procedure_code=dossier.procedure.code,
        issued_by_id=dossier.competent_agency_id,
        certified_by=by,
        holders=_holders(dossier, representation=True),
        now=now,
    )
