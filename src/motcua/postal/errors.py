"""Error codes of the post, each with one meaning and the HTTP status the callback answers with."""

from __future__ import annotations

from motcua.core.errors import register

SIGNATURE = "post.signature"  # missing or wrong HMAC signature
STALE = "post.stale"  # ``sent_at`` outside the window (an old body replayed, or a clock far off)
MALFORMED = "post.malformed"  # not the JSON object a callback is
UNKNOWN_SHIPMENT = "post.unknown_shipment"  # no shipment with this waybill number
REPLAYED = "post.replayed"  # this provider event id was recorded already
ILLEGAL_STATUS = "post.illegal_status"  # a status the shipment cannot take now
FORBIDDEN = "post.forbidden"  # no such shipment for this user (never says which)

register(
    {
        SIGNATURE: 401,
        STALE: 401,
        MALFORMED: 400,
        UNKNOWN_SHIPMENT: 404,
        REPLAYED: 409,
        ILLEGAL_STATUS: 409,
        FORBIDDEN: 404,
    }
)
