"""Where the data store keeps its files: Django's storage named ``datastore`` (settings.STORAGES).

The filesystem under the media root by default; any storage backend can be configured instead, e.g. an
S3-compatible object store through django-storages (``MOTCUA_DATASTORE_STORAGE`` names the backend class,
``MOTCUA_DATASTORE_STORAGE_OPTIONS`` its options as JSON; see docs/datastore.md). Files are named by a random
folder (a name never collides nor reveals anything) and never served from a public URL: the pages hand them
out after ``datastore.selectors`` said the reader may have them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from motcua.core import filecheck
from motcua.core.errors import DomainError
from motcua.datastore import errors

STORAGE = "datastore"


def storage() -> Storage:
    return storages[STORAGE] if STORAGE in storages.backends else storages["default"]


@dataclass(frozen=True)
class Kept:
    ref: str
    name: str
    size: int
    sha256: str
    content_type: str


def keep(content: bytes, *, name: str) -> Kept:
    """Check ``content`` by what it is (``core.filecheck``: PDF, JPEG, PNG; no active content; size) and
    write it; returns what the document row keeps about it."""
    upload = ContentFile(content, name=name or "tep")
    content_type, extension = filecheck.check_upload(upload)
    original = get_valid_filename(name or "tep") or "tep"
    stem = original.rsplit(".", 1)[0][:80] or "tep"
    ref = storage().save(
        f"datastore/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{stem}{extension}", ContentFile(content)
    )
    return Kept(
        ref=ref,
        name=f"{stem}{extension}",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=content_type,
    )


def open_kept(ref: str) -> IO[bytes]:
    """The stored file for reading (the caller closes it); DomainError when it is missing."""
    if not ref or ".." in ref.split("/") or not storage().exists(ref):
        raise DomainError(errors.FILE_MISSING, _("Không tìm thấy tệp trong kho dữ liệu."))
    return storage().open(ref, "rb")  # type: ignore[no-any-return]


def discard(ref: str) -> None:
    """Delete a file nothing refers to (its rows were rolled back)."""
    if ref and ".." not in ref.split("/"):
        storage().delete(ref)
