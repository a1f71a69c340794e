"""Filing into the citizen's data store: a document written once, filed under each holder.

Called by the dossier engine inside its own transactions (the result hand-over, the counter's reception), so
that a failure rolls the filing back with the dossier's change; a file written before a failure is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.subjects import ENTERPRISE, Subject
from motcua.datastore import storage
from motcua.datastore.models import Filing, FilingRole, HolderKind, StoredDocument


@dataclass(frozen=True)
class Holders:
    """Whom a document is filed under: the applicant (by the personal ID number the dossier carries) and the
    persons and enterprises the e-form names (``catalog.subjects``)."""

    applicant_id: str
    applicant_name: str
    subjects: Sequence[Subject] = ()
    # Whether the applicant becomes the legal representative of the minors the form says they represent:
    # only for a result, which the competent agency issued after checking the relationship; never for a scan
    # of what someone handed in at the counter.
    representation: bool = False


def _filings(document: StoredDocument, holders: Holders, *, on: dt.date) -> None:
    rows = [
        Filing(
            document=document,
            holder_kind=HolderKind.PERSON,
            holder_id=holders.applicant_id,
            holder_name=holders.applicant_name[:200],
            role=FilingRole.APPLICANT,
        )
    ]
    subjects = [
        Filing(
            document=document,
            holder_kind=HolderKind.ENTERPRISE if s.kind == ENTERPRISE else HolderKind.PERSON,
            holder_id=s.id_number,
            holder_name=s.name[:200],
            holder_birth_date=s.birth_date,
            role=FilingRole.SUBJECT,
        )
        for s in holders.subjects
    ]
    Filing.objects.bulk_create(rows + subjects)
    representatives = [
        Filing(
            document=document,
            holder_kind=HolderKind.PERSON,
            holder_id=holders.applicant_id,
            holder_name=holders.applicant_name[:200],
            role=FilingRole.REPRESENTATIVE,
            valid_until=subject.majority_on,
            represents=row,
        )
        for subject, row in zip(holders.subjects, subjects, strict=True)
        if holders.representation
        and subject.represented_by_applicant
        and holders.applicant_id
        and subject.majority_on is not None
        and subject.majority_on > on
        and subject.id_number != holders.applicant_id
    ]
    if representatives:
        Filing.objects.bulk_create(representatives)


@transaction.atomic
def file_document(
    *,
    content: bytes,
    file_name: str,
    kind: str,
    title: str,
    origin: str,
    dossier: Any,
    procedure_code: str,
    issued_by_id: int,
    certified_by: Any,
    holders: Holders,
    now: dt.datetime,
) -> StoredDocument:
    """Lưu vào kho dữ liệu: check the file by its content, keep it with its SHA-256, file it under each
    holder. A failure leaves neither row nor file."""
    kept = storage.keep(content, name=file_name)
    try:
        document = StoredDocument.objects.create(
            province_code=dossier.province_code,
            kind=kind[:120],
            title=title[:500],
            origin=origin,
            file_ref=kept.ref,
            file_name=kept.name,
            content_type=kept.content_type,
            size=kept.size,
            sha256=kept.sha256,
            dossier=dossier,
            procedure_code=procedure_code[:40],
            issued_by_id=issued_by_id,
            certified_by=certified_by,
            filed_at=now,
        )
        _filings(document, holders, on=timezone.localdate(now))
    except BaseException:
        storage.discard(kept.ref)
        raise
    return document
