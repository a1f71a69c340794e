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
FORWARDING_NOT_FOUND = "forwarding.not_found"  # no such forwarded record for this user (never says which)
FORWARDING_UNITS_NOT_LOADED = "forwarding.units_not_loaded"  # other provinces' communes are not loaded
# Directive 24/CT-TTg: paper reception of an online-only procedure, and the assisted submission's refusals.
ONLINE_ONLY = "reception.online_only"
ASSISTED_NOT_ONLINE = "assisted.not_online"  # the procedure has no online service to submit to
ASSISTED_UNCONFIRMED = "assisted.unconfirmed"  # on the spot, the citizen's confirmation was not recorded
ASSISTED_NEEDS_ID = "assisted.needs_id"  # e-ID confirmation needs the citizen's 12-digit ID number
ASSISTED_OFFLINE_EID = "assisted.offline_eid"  # the online path is down: the e-ID cannot confirm now
ASSISTED_CONFIRM_FORBIDDEN = "assisted.confirm_forbidden"  # not the identity the dossier carries

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
    FORWARDING_NOT_FOUND: 404,
    FORWARDING_UNITS_NOT_LOADED: 400,
    ONLINE_ONLY: 400,
    ASSISTED_NOT_ONLINE: 400,
    ASSISTED_UNCONFIRMED: 400,
    ASSISTED_NEEDS_ID: 400,
    ASSISTED_OFFLINE_EID: 400,
    ASSISTED_CONFIRM_FORBIDDEN: 403,
}

register(HTTP_STATUS)
