"""A stored file served as a download, behind an access rule: whatever refuses it is a 404.

The pages of both the portal and the workspace serve files (results, submitted documents, e-form files)
the same way; only the rule that finds the file differs. A refusal (not yours, not there, removed from
the store) answers 404 so that a guessed address tells nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, Http404

from motcua.core.errors import DomainError


@dataclass(frozen=True)
class Attachment:
    """A file found by an access rule: its bytes, the name it is saved under and its media type."""

    stream: IO[bytes]
    name: str
    content_type: str


def attachment_or_404(find: Callable[[], Attachment]) -> FileResponse:
    """Run ``find`` (the access rule and the opening of the file); a DomainError from it is a 404."""
    try:
        attachment = find()
    except DomainError as error:
        raise Http404(str(error)) from None
    response = FileResponse(
        attachment.stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
