"""Request bodies bounded before they are read.

Django reads a whole multipart body before a view can look at a file's size
(``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves files out, ``FILE_UPLOAD_MAX_MEMORY_SIZE`` only decides when a
file spills to disk). Two guards stop that:

- ``UploadLimitMiddleware`` answers 413 to a body whose declared ``Content-Length`` passes
  ``MOTCUA_MAX_REQUEST_MB``, and 411 to a chunked body without one, before a byte of it is read;
- ``LimitedUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) refuses the same body by its
  ``Content-Length`` and counts the bytes it receives: a body passing the request limit stops the
  upload, and a file passing ``MOTCUA_MAX_UPLOAD_MB`` is not passed on to the handlers that keep it: it
  arrives as an empty ``OversizeUpload`` whose ``size`` says how large it was, so that
  ``motcua.dossiers.files.check_upload`` refuses it next to its field.

Under WSGI Django never reads past the declared length, so at most the limit plus one chunk is read.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

MB = 1024 * 1024


def max_request_bytes() -> int:
    """Largest request body: all files of one form together (never below one file's limit)."""
    per_file = int(getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 20))
    return max(int(getattr(settings, "MOTCUA_MAX_REQUEST_MB", 50)), per_file) * MB


def max_file_bytes() -> int:
    return int(getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 20)) * MB


class UploadTooLarge(RequestDataTooBig):
    """The body passed the request limit (a SuspiciousOperation: 400 if it ever escapes the middleware)."""


class OversizeUpload(UploadedFile):
    """A file refused while it streamed in: no content, its ``size`` is what was received of it."""

    def __init__(self, *, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)
        self.oversize = True


class LimitedUploadHandler(FileUploadHandler):
    """Refuses a body over the request limit and keeps nothing of a file over the file limit."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length > max_request_bytes():
            raise UploadTooLarge(f"request body of {content_length} bytes")
        self.received = 0
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_received = 0
        self.oversize = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > max_request_bytes():
            raise UploadTooLarge(f"request body of more than {self.received} bytes")
        self.file_received += len(raw_data)
        if self.file_received > max_file_bytes():
            self.oversize = True
        return None if self.oversize else raw_data  # None: later handlers never see the rest

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.oversize:
            return None  # the next handler (memory or temporary file) hands the file over
        return OversizeUpload(
            name=str(self.file_name or ""), content_type=str(self.content_type or ""), size=self.file_received
        )


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    html = render_to_string("upload_refused.html", {"message": message, "status": status}, request=request)
    return HttpResponse(html, status=status)


class UploadLimitMiddleware:
    """413 for a declared body over ``MOTCUA_MAX_REQUEST_MB``, 411 for a chunked body: nothing is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or ""
        try:
            length = int(declared) if declared else 0
        except ValueError:
            length = 0
        if not declared and "chunked" in str(request.META.get("HTTP_TRANSFER_ENCODING", "")).lower():
            return _refusal(
                request,
                411,
                _(
                    "Trình duyệt không cho biết độ dài dữ liệu gửi lên nên không thể nhận. "
                    "Vui lòng tải lại trang và gửi lại biểu mẫu."
                ),
            )
        if length > max_request_bytes():
            return _refusal(
                request,
                413,
                _(
                    "Dữ liệu gửi lên quá lớn: tối đa %(mb)s MB cho một lần gửi, "
                    "mỗi tệp tối đa %(file_mb)s MB. "
                    "Vui lòng quay lại, chọn tệp nhỏ hơn (chụp hoặc quét với độ phân giải thấp hơn) "
                    "rồi gửi lại."
                )
                % {"mb": max_request_bytes() // MB, "file_mb": max_file_bytes() // MB},
            )
        return self.get_response(request)
