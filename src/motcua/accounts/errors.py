"""Error codes of officer enrolment, each with the HTTP status a page answers with."""

from __future__ import annotations

from motcua.core.errors import register

LINK_UNKNOWN = "enrolment.link_unknown"
LINK_EXPIRED = "enrolment.link_expired"
LINK_USED = "enrolment.link_used"
LINK_REVOKED = "enrolment.link_revoked"
WRONG_CODE = "enrolment.wrong_code"
WEAK_PASSWORD = "enrolment.weak_password"
ALREADY_ENROLLED = "enrolment.already_enrolled"
NOT_AN_OFFICER = "enrolment.not_an_officer"
# Re-authentication with the second factor at a sensitive action (the leader's digital signature).
REAUTH_FAILED = "reauth.wrong_code"

HTTP_STATUS = {
    LINK_UNKNOWN: 404,
    LINK_EXPIRED: 410,
    LINK_USED: 410,
    LINK_REVOKED: 410,
    WRONG_CODE: 200,  # the form again, with a field error
    WEAK_PASSWORD: 200,
    ALREADY_ENROLLED: 409,
    NOT_AN_OFFICER: 400,
    REAUTH_FAILED: 400,
}

register(HTTP_STATUS)
