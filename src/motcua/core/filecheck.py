"""What a file may be, checked by its content and size before anything is written: PDF, JPEG and PNG, at
most ``MOTCUA_MAX_UPLOAD_MB`` megabytes. A PDF must parse (pyHanko's reader, with its limits for untrusted
input) and carry no active content: no JavaScript (``/JS``, ``/JavaScript``, a JavaScript name tree or
action), no additional actions (``/AA``), no ``/Launch`` action, no XFA form (it holds scripts). Every
object is looked at, those inside object streams included (the parser decodes ``/J#53`` to ``/JS``), and
the bytes outside streams are scanned as well, in case a viewer repairs the file and reads objects the
cross-reference table does not list.

One check for every file the product keeps: the dossiers' uploads and scans (``motcua.dossiers.files``) and
the citizen's data store (``motcua.datastore``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError

logger = logging.getLogger(__name__)

# Magic numbers of the accepted kinds: scans and photos of paper, and PDF documents.
KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


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
    if kind[0] == "application/pdf":
        _check_pdf(upload, name=name or "?")
    return kind


# Names that make a PDF act (run a script or a program) when it is opened or read.
ACTIVE_NAMES = frozenset({"/JS", "/JavaScript", "/AA", "/Launch", "/XFA"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
NAME_TOKEN = re.compile(rb"/[^\s/<>\[\]()%{}]+")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _check_pdf(upload: Any, *, name: str) -> None:
    """Refuse a PDF that does not parse, is locked by a password, or carries active content."""
    if getattr(upload, "_motcua_pdf_checked", False):
        return
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    problem = pdf_problem(data)
    if problem == "script":
        raise DomainError(
            "file.pdf_script",
            _(
                "Tệp %(name)s chứa mã lệnh (JavaScript hoặc lệnh tự chạy) nên không được nhận. "
                "Vui lòng in tệp ra PDF (Print to PDF) hoặc quét lại giấy tờ rồi tải lên tệp mới."
            ),
            name=name,
        )
    if problem == "encrypted":
        raise DomainError(
            "file.pdf_encrypted",
            _("Tệp %(name)s được đặt mật khẩu. Vui lòng tải lên bản PDF không đặt mật khẩu."),
            name=name,
        )
    if problem is not None:
        raise DomainError(
            "file.pdf_invalid",
            _(
                "Tệp %(name)s không phải tệp PDF hợp lệ (không đọc được). "
                "Vui lòng xuất lại tệp PDF, hoặc chụp, quét giấy tờ sang JPG, PNG."
            ),
            name=name,
        )
    with contextlib.suppress(AttributeError):
        upload._motcua_pdf_checked = True  # checked once per request (the e-form checks, then stores)


def pdf_problem(data: bytes) -> str | None:
    """``"script"``, ``"encrypted"``, ``"invalid"`` or None for a PDF without active content."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    if _active_name_outside_streams(data):
        return "script"
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            result = reader.decrypt("")
            if getattr(result, "status", None) is None or result.status.name == "FAILED":
                return "encrypted"
        refs: set[Any] = set()
        for revision in range(reader.xrefs.total_revisions):
            refs |= reader.xrefs.explicit_refs_in_revision(revision)
        objects = [reader.trailer.flatten(), reader.root]
        objects += [reader.get_object(ref) for ref in sorted(refs, key=lambda r: (r.idnum, r.generation))]
        for obj in objects:
            if _active(obj, generic):
                return "script"
    except Exception as error:  # any parser failure: a file we cannot read is a file we do not take
        logger.info("unreadable PDF refused: %s", error)
        return "invalid"
    return None


def _active(obj: Any, generic: Any, depth: int = 0) -> bool:
    """Whether a direct object (a dictionary, array or stream dictionary, nested) names active content.
    Indirect references are not followed: every indirect object is looked at by itself."""
    if depth > 64:
        raise ValueError("PDF objects nested too deep")
    if isinstance(obj, generic.DictionaryObject):
        if any(str(key) in ACTIVE_NAMES for key in obj):
            return True
        kind = obj.get("/S")
        if isinstance(kind, generic.NameObject) and str(kind) in ACTIVE_ACTIONS:
            return True
        return any(_active(value, generic, depth + 1) for value in obj.values())
    if isinstance(obj, generic.ArrayObject):
        return any(_active(value, generic, depth + 1) for value in obj)
    return False


def _active_name_outside_streams(data: bytes) -> bool:
    """The raw bytes, stream contents left out, name an active key or action (``#xx`` escapes decoded)."""
    text = STREAM_BODY.sub(b"", data)
    active = {n.encode() for n in ACTIVE_NAMES | ACTIVE_ACTIONS}
    for token in NAME_TOKEN.findall(text):
        if HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token) in active:
            return True
    return False
