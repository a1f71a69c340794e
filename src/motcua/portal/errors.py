"""Error codes of the citizen portal with the HTTP status its pages answer with."""

from __future__ import annotations

from motcua.core.errors import register

LOOKUP_THROTTLED = "lookup.throttled"
LOGIN_UNAVAILABLE = "login.unavailable"

HTTP_STATUS = {LOOKUP_THROTTLED: 429, LOGIN_UNAVAILABLE: 503}

register(HTTP_STATUS)
