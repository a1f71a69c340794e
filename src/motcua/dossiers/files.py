"""Files of dossiers (tệp đính kèm): documents the applicant submits and results the agency returns.

Files are kept in Django's default storage under ``dossiers/``, named by a random folder so that a
name never collides and never reveals anything; the storage name is the ``file_ref`` kept on the
document or result row. Files are never served from a public URL: views hand them out after the
dossier's access policy said yes (``motcua.dossiers.selectors``).

What a file may be is checked here, by content and size, before anything is written: PDF, JPEG and
PNG, at most ``MOTCUA_MAX_UPLOAD_MB`` megabytes.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError

# Magic numbers of the accepted kinds: scans and photos of paper, and PDF documents.
KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


@dataclass(frozen=True)
class StoredFile:
    """A file written to storage: what a document or result row keeps about it."""

    ref: str
    name: str
    size: int
    sha256: str
    content_type: str


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def _kind(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in KINDS:
        if head.startswith(magic):
            return content_type, extension
    return None


def check_upload(upload: Any) -> tuple[str, str]:
    """The content type and extension of an acceptable upload, or a DomainError saying what is wrong."""
    name = str(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise DomainError("file.empty", _("Tệp %(name)s trống."), name=name or "?")
    if size > max_bytes():
        raise DomainError(
            "file.too_large",
            _("Tệp %(name)s quá lớn: tối đa %(mb)s MB."),
            name=name,
            mb=max_bytes() // (1024 * 1024),
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = _kind(head)
    if kind is None:
        raise DomainError(
            "file.type",
            _(
                "Tệp %(name)s không phải PDF, JPG hoặc PNG. "
                "Vui lòng chụp hoặc quét giấy tờ sang một trong các định dạng này."
            ),
            name=name or "?",
        )
    return kind


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
