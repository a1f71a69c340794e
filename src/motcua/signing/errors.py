"""Error codes of result documents, each with one meaning and the HTTP status a page answers with."""

from __future__ import annotations

from motcua.core.errors import register

TEMPLATE_ERROR = "document.template_error"  # the template's text does not parse or fails with the given data
TEMPLATE_UNSAFE = "document.template_unsafe"  # the template reached for an attribute, a file or a module
TEMPLATE_TOO_LONG = "document.template_too_long"  # the rendered text passes the size bound
FONT_MISSING = "document.font_missing"  # the document font (Debian fonts-liberation2) is not installed
CHARACTER_UNPRINTABLE = "document.character_unprintable"  # a character outside the document font
DOCUMENTS_FORMAT = "document.catalog_format"  # the document-template file is malformed
# The signing flow (services, worker, verification page).
NO_DOCUMENT = "signing.no_document"  # "Ký số" with no result document (no template for the procedure)
ALREADY_SIGNED = "signing.already_signed"  # the result was signed (or its signature is on its way)
NOT_SIGNED = "signing.not_signed"  # the seal asked for before the leader's signature
LEADER_PENDING = "signing.leader_pending"  # the worker has not made the leader's signature yet
LEADER_FAILED = "signing.leader_failed"  # the leader's signature failed: retry it first
ALREADY_ISSUED = "signing.already_issued"
NOT_FAILED = "signing.not_failed"  # a retry of a job that did not fail
NOT_IN_FORCE = "signing.not_in_force"  # revoking or replacing a document not issued or no longer valid
NO_KEY = "signing.no_key"  # no signing key recorded for the signer or the agency
UNKNOWN = "signing.unknown_document"
UPLOAD_MISSING = "signing.upload_missing"
UPLOAD_NOT_PDF = "signing.upload_not_pdf"
UPLOAD_TOO_LARGE = "signing.upload_too_large"
UPLOAD_THROTTLED = "signing.upload_throttled"  # too many uploads from one client in the window
UPLOAD_UNREADABLE = "signing.upload_unreadable"  # a file that starts as a PDF but cannot be read as one
VERIFY_UNAVAILABLE = "signing.verify_unavailable"  # revocation sources did not answer in time: try again

register(
    {
        TEMPLATE_ERROR: 400,
        TEMPLATE_UNSAFE: 400,
        TEMPLATE_TOO_LONG: 400,
        FONT_MISSING: 503,
        CHARACTER_UNPRINTABLE: 400,
        DOCUMENTS_FORMAT: 400,
        NO_DOCUMENT: 400,
        ALREADY_SIGNED: 409,
        NOT_SIGNED: 409,
        LEADER_PENDING: 409,
        LEADER_FAILED: 409,
        ALREADY_ISSUED: 409,
        NOT_FAILED: 409,
        NOT_IN_FORCE: 409,
        NO_KEY: 503,
        UNKNOWN: 404,
        UPLOAD_MISSING: 400,
        UPLOAD_NOT_PDF: 400,
        UPLOAD_TOO_LARGE: 413,
        UPLOAD_THROTTLED: 429,
        UPLOAD_UNREADABLE: 400,
        VERIFY_UNAVAILABLE: 503,
    }
)
