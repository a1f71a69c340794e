"""The bytes of issued documents at each stage (draft, rendered, leader-signed, sealed), kept in Django's
default storage under ``signing/``, named by a random folder; never served from a public URL (views hand
them out after the access policy or the public id said yes)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError


@dataclass(frozen=True)
class Kept:
    ref: str
    sha256: str
    size: int


def keep(content: bytes, *, folder: str, name: str) -> Kept:
    """Write ``content`` (a PDF) under ``signing/<folder>/<random>/<name>``."""
    safe_folder = "/".join(get_valid_filename(part) for part in folder.split("/") if part)
    safe_name = get_valid_filename(name) or "van-ban.pdf"
    ref = default_storage.save(f"signing/{safe_folder}/{uuid.uuid4().hex}/{safe_name}", ContentFile(content))
    return Kept(ref=ref, sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def read(ref: str) -> bytes:
    """The bytes of a kept file; DomainError when it is missing."""
    if not ref or ".." in ref.split("/") or not default_storage.exists(ref):
        raise DomainError("file.missing", _("Không tìm thấy tệp."))
    with default_storage.open(ref, "rb") as stream:
        return stream.read()  # type: ignore[no-any-return]


def discard(ref: str) -> None:
    """Delete a file nothing refers to (its rows were rolled back)."""
    if ref and ".." not in ref.split("/"):
        default_storage.delete(ref)
