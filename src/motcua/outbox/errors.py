"""Error codes of the outbox operators' actions (motcua.core.errors registry)."""

from motcua.core.errors import register

REASON_REQUIRED = "outbox.reason_required"

register({REASON_REQUIRED: 400})
