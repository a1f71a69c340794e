"""Error codes of payments, each with one meaning and its HTTP status."""

from __future__ import annotations

from motcua.core.errors import register

BAD_SIGNATURE = "payment.bad_signature"  # the callback's signature does not verify (or is missing)
STALE = "payment.stale"  # the callback's timestamp is outside the window
REPLAYED = "payment.replayed"  # the provider's event id was recorded already
UNKNOWN_DOSSIER = "payment.unknown_dossier"  # the callback names an order or dossier we do not have
BAD_CALLBACK = "payment.bad_callback"  # the body is not the callback's JSON shape
NOT_FOUND = "payment.not_found"  # no such payment or receipt for this user (never says which)
NOT_DUE = "payment.not_due"  # nothing to pay for this dossier
NOT_REFUNDABLE = "payment.not_refundable"

register(
    {
        BAD_SIGNATURE: 401,
        STALE: 401,
        REPLAYED: 409,
        UNKNOWN_DOSSIER: 404,
        BAD_CALLBACK: 400,
        NOT_FOUND: 404,
        NOT_DUE: 409,
        NOT_REFUNDABLE: 409,
    }
)
