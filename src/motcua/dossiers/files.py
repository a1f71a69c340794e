"""Files of dossiers (tệp đính kèm): documents the applicant submits and results the agency returns.

Files are kept in Django's default storage under ``dossiers/``, named by a random folder so that a
name never collides and never reveals anything; the storage name is the ``file_ref`` kept on the
document or result row. Files are never served from a public URL: views hand them out after the
dossier's access policy said yes (``motcua.dossiers.selectors``).

What a file may be is checked by its content and size before anything is written
(``motcua.core.filecheck``: PDF, JPEG, PNG; no active content in a PDF).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.core.filecheck import (  # noqa: F401  (re-exported: the dossiers' callers import them from here)
    ACCEPT,
    KINDS,
    check_upload,
    max_bytes,
    pdf_problem,
)
from motcua.datastore import storage as datastore_storage


@dataclass(frozen=True)
class StoredFile:
    """A file written to storage: what a document or result row keeps about it."""

    ref: str
    name: str
    size: int
    sha256: str
    content_type: str


def store_upload(upload: Any, *, folder: str) -> StoredFile:
    """Check and write one uploaded file under ``dossiers/<folder>/``; returns what to keep about it."""
    content_type, extension = check_upload(upload)
    original = get_valid_filename(str(getattr(upload, "name", "") or "tep")) or "tep"
    stem = original.rsplit(".", 1)[0][:80] or "tep"
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    safe_folder = "/".join(get_valid_filename(part) for part in folder.split("/") if part)
    ref = default_storage.save(
        f"dossiers/{safe_folder}/{uuid.uuid4().hex}/{stem}{extension}", File(upload, name=original)
    )
    return StoredFile(
        ref=ref,
        name=f"{stem}{extension}",
        size=int(upload.size),
        sha256=digest.hexdigest(),
        content_type=content_type,
    )


def open_stored(ref: str) -> IO[bytes]:
    """The stored file for reading (the caller closes it); DomainError when it is missing."""
    if not ref or ".." in ref.split("/") or not default_storage.exists(ref):
        raise DomainError("file.missing", _("Không tìm thấy tệp."))
    return default_storage.open(ref, "rb")  # type: ignore[no-any-return]


def discard(ref: str) -> None:
    """Delete a stored file nothing refers to (its rows were rolled back)."""
    if ref and ".." not in ref.split("/"):
        default_storage.delete(ref)


def content_type_of(ref: str) -> str:
    extension = "." + ref.rsplit(".", 1)[-1].lower() if "." in ref else ""
    for _magic, content_type, ext in KINDS:
        if ext == extension or (ext == ".jpg" and extension == ".jpeg"):
            return content_type
    return "application/octet-stream"


def display_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1] if ref else ""


def open_document(document: Any) -> tuple[IO[bytes], str, str]:
    """The file of a submitted document (stream, name, media type): its own, or the original in the citizen's
    data store it was taken from (``DossierDocument.stored_document``)."""
    if document.stored_document_id:
        kept = document.stored_document
        return datastore_storage.open_kept(kept.file_ref), kept.file_name, kept.content_type
    ref = document.file_ref
    return open_stored(ref), display_name(ref), content_type_of(ref)
