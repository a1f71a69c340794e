"""Reading the citizen's data store: who may read which document, and which document a new dossier takes.

A person reads a document filed under their personal identification number (as applicant or as a person it
concerns), and the documents of a minor they legally represent until the minor comes of age (a
representative filing names the minor: by number, or by name and date of birth for a newborn without a
number yet). Anything else is "not found", so that a guessed number tells nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.subjects import PERSONAL_ID, Subject
from motcua.core import prepared
from motcua.core.errors import DomainError
from motcua.datastore import errors
from motcua.datastore.models import Filing, FilingRole, StoredDocument


def _not_found() -> DomainError:
    return DomainError(
        errors.NOT_FOUND, _("Không tìm thấy giấy tờ trong kho dữ liệu hoặc bạn không có quyền xem.")
    )


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _readable_filter(reader_id: str, *, on: dt.date) -> Q | None:
    """The documents ``reader_id`` (a 12-digit personal ID number) may read on ``on``, as one condition."""
    if not PERSONAL_ID.match(reader_id or ""):
        return None
    own = Q(filings__holder_id=reader_id) & (
        Q(filings__valid_until__isnull=True) | Q(filings__valid_until__gt=on)
    )
    minors = [
        f.represents
        for f in Filing.objects.filter(
            holder_id=reader_id, role=FilingRole.REPRESENTATIVE, valid_until__gt=on
        ).select_related("represents")
        if f.represents is not None
    ]
    condition = own
    numbers = sorted({m.holder_id for m in minors if m.holder_id})
    if numbers:
        condition |= Q(filings__role=FilingRole.SUBJECT, filings__holder_id__in=numbers)
    unnumbered = [m for m in minors if not m.holder_id and m.holder_name and m.holder_birth_date]
    if unnumbered:
        # A minor without a number (a newborn) by date of birth and name; names compared in Python, where
        # case folding knows Vietnamese letters (SQLite's case-insensitive match does not).
        same_birth = Filing.objects.filter(
            role=FilingRole.SUBJECT,
            holder_id="",
            holder_birth_date__in={m.holder_birth_date for m in unnumbered},
        ).only("pk", "holder_name", "holder_birth_date")
        about = [
            f.pk
            for f in same_birth
            if any(
                f.holder_birth_date == m.holder_birth_date and _same_name(f.holder_name, m.holder_name)
                for m in unnumbered
            )
        ]
        if about:
            condition |= Q(filings__pk__in=about)
    return condition


def readable_documents(*, reader_id: str, on: dt.date, kind: str | None = None) -> QuerySet[StoredDocument]:
    """The documents of "Kho dữ liệu của tôi", newest first (with the persons each concerns)."""
    condition = _readable_filter(reader_id, on=on)
    if condition is None:
        return StoredDocument.objects.none()
    ids = StoredDocument.objects.filter(condition)
    if kind is not None:
        ids = ids.filter(kind=kind)
    return (
        StoredDocument.objects.filter(pk__in=ids.values("pk"))
        .select_related("issued_by", "dossier")
        .prefetch_related("filings")
        .order_by("-filed_at", "-id")
    )


def readable_document(*, reader_id: str, pk: int, on: dt.date) -> StoredDocument:
    """One document the reader may have, or DomainError ``datastore.not_found``."""
    condition = _readable_filter(reader_id, on=on)
    if condition is None:
        raise _not_found()
    document = StoredDocument.objects.filter(condition, pk=pk).distinct().first()
    if document is None:
        raise _not_found()
    return document


def subjects_of(document: StoredDocument) -> list[Filing]:
    """The persons and enterprises a document concerns (prefetched filings)."""
    return [f for f in document.filings.all() if f.role == FilingRole.SUBJECT]


def _may_hold(reader_id: str, *, kind: str, on: dt.date) -> bool:
    """Whether ``reader_id`` holds a current filing of a ``kind`` document or represents someone: the only
    ways a document of that kind can reach them (``_readable_filter``). One light statement, prepared on
    PostgreSQL, answers a new dossier whose applicant has nothing of that kind in the store (most receptions)
    before the readable-documents query is built."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT 1 FROM {quote(Filing._meta.db_table)} f"
        f" INNER JOIN {quote(StoredDocument._meta.db_table)} d ON d.{quote('id')} = f.{quote('document_id')}"
        f" WHERE f.{quote('holder_id')} = %s"
        f" AND (f.{quote('valid_until')} IS NULL OR f.{quote('valid_until')} > %s)"
        f" AND (d.{quote('kind')} = %s OR f.{quote('role')} = %s) LIMIT 1"
    )
    values = [reader_id, connection.ops.adapt_datefield_value(on), kind, FilingRole.REPRESENTATIVE.value]
    return prepared.fetchone(sql, values) is not None


def for_reuse(
    *, reader_id: str, kind: str, subjects: Sequence[Subject], on: dt.date
) -> StoredDocument | None:
    """The document of ``kind`` a new dossier of ``reader_id`` takes from the store, or None.

    When the new e-form names the persons it concerns, only a document about one of them fits (by number, or
    by name and date of birth); otherwise a document about the reader themself. The newest one wins."""
    if not kind or not PERSONAL_ID.match(reader_id or "") or not _may_hold(reader_id, kind=kind, on=on):
        return None
    candidates = list(readable_documents(reader_id=reader_id, on=on, kind=kind))
    wanted: list[Any] = list(subjects) or [Subject(field="", kind="person", id_number=reader_id, name="")]

    def about(document: StoredDocument) -> bool:
        # A document whose procedure names no person concerns its applicant.
        concerned = subjects_of(document) or [
            f for f in document.filings.all() if f.role == FilingRole.APPLICANT
        ]
        for filing in concerned:
            for person in wanted:
                if person.id_number and filing.holder_id == person.id_number:
                    return True
                if (
                    not filing.holder_id
                    and person.name
                    and person.birth_date is not None
                    and filing.holder_birth_date == person.birth_date
                    and _same_name(filing.holder_name, person.name)
                ):
                    return True
        return False

    return next((d for d in candidates if about(d)), None)
