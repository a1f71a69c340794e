"""Error codes of the notification settings (motcua.core.errors registry)."""

from motcua.core.errors import register

ADDRESS_INVALID = "notifications.address_invalid"
CODE_WRONG = "notifications.code_wrong"
CODE_EXPIRED = "notifications.code_expired"
CODE_TOO_MANY_TRIES = "notifications.code_too_many_tries"
NO_CODE = "notifications.no_code"
NOT_CONFIRMED = "notifications.not_confirmed"
SEND_FAILED = "notifications.send_failed"

register(
    {
        ADDRESS_INVALID: 400,
        CODE_WRONG: 400,
        CODE_EXPIRED: 400,
        CODE_TOO_MANY_TRIES: 429,
        NO_CODE: 400,
        NOT_CONFIRMED: 400,
        SEND_FAILED: 503,
    }
)
