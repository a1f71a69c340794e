"""Error codes of the dossier engine, each with one meaning and the HTTP status a page answers with.

Codes not listed answer 400 (the request was refused, nothing changed)."""

from __future__ import annotations

from motcua.core.errors import register

CONFLICT = "dossier.conflict"  # another user changed the dossier during this request
CHANGED = "dossier.changed"  # the page that posted showed an older version of the dossier
FORBIDDEN = "dossier.forbidden"  # no such dossier for this user (never says which)
FILE_FORBIDDEN = "file.forbidden"
WRONG_STATE = "dossier.wrong_state"
CLOSED = "dossier.closed"
SUPPLEMENT_NO_ITEMS = "supplement.no_items"  # an officer's request lists no document
SUPPLEMENT_EMPTY = "supplement.empty"  # the applicant's answer attaches no document
SUPPLEMENT_CLOSED = "supplement.closed"
SUPPLEMENT_REPEAT_REASON = "supplement.repeat_reason"  # a second request without why it was not asked first
SUPPLEMENT_LATE_REASON = "supplement.late_reason"  # a request after the version's deadline, without a reason
SUPPLEMENT_RECEPTION_STEP = "supplement.reception_step"  # the reception desk after the receipt

HTTP_STATUS = {
    CONFLICT: 409,
    CHANGED: 409,
    FORBIDDEN: 404,
    FILE_FORBIDDEN: 404,
    WRONG_STATE: 400,
    CLOSED: 400,
    SUPPLEMENT_NO_ITEMS: 400,
    SUPPLEMENT_EMPTY: 400,
    SUPPLEMENT_CLOSED: 400,
    SUPPLEMENT_REPEAT_REASON: 400,
    SUPPLEMENT_LATE_REASON: 400,
    SUPPLEMENT_RECEPTION_STEP: 403,
}

register(HTTP_STATUS)
