"""Error codes of the registries, each with one meaning and the HTTP status a page answers with."""

from __future__ import annotations

from motcua.core.errors import register

NO_CONSENT = "registries.no_consent"  # neither the person's consent nor a legal basis allows the lookup
UNKNOWN_REGISTRY = "registries.unknown_registry"
UNKNOWN_FIELD = "registries.unknown_field"  # a field the registry does not hold, or none asked for
BAD_IDENTIFIER = "registries.bad_identifier"  # not the registry's identifier shape
PURPOSE_REQUIRED = "registries.purpose_required"  # no purpose, or too short outside a dossier
CONSENT_MISMATCH = "registries.consent_mismatch"  # the consent covers another registry/person/field/purpose
CONSENT_EXPIRED = "registries.consent_expired"  # older than the configured validity, or withdrawn
CONSENT_TEXT_REQUIRED = "registries.consent_text_required"  # the text shown to the person is not stored
NOT_YOUR_DATA = "registries.not_your_data"  # a citizen may consent only to lookups about themselves
LEGAL_BASIS_STAFF_ONLY = "registries.legal_basis_staff_only"  # only an officer records a legal basis
DOSSIER_FORBIDDEN = "registries.dossier_forbidden"  # no such dossier for this user (never says which)
NOT_FOUND = "registries.not_found"  # the registry holds no record for the identifier
UNAVAILABLE = "registries.unavailable"  # down, slow beyond the timeout, refusing us, or the breaker is open
LOOKUP_NOT_FOUND = "registries.lookup_not_found"  # no such flagged lookup for this auditor (never says which)
ALREADY_REVIEWED = "registries.already_reviewed"
REVIEW_NOTE_TOO_LONG = "registries.review_note_too_long"

HTTP_STATUS = {
    NO_CONSENT: 403,
    UNKNOWN_REGISTRY: 400,
    UNKNOWN_FIELD: 400,
    BAD_IDENTIFIER: 400,
    PURPOSE_REQUIRED: 400,
    CONSENT_MISMATCH: 403,
    CONSENT_EXPIRED: 403,
    CONSENT_TEXT_REQUIRED: 400,
    NOT_YOUR_DATA: 403,
    LEGAL_BASIS_STAFF_ONLY: 403,
    DOSSIER_FORBIDDEN: 404,
    NOT_FOUND: 404,
    UNAVAILABLE: 503,
    LOOKUP_NOT_FOUND: 404,
    ALREADY_REVIEWED: 409,
    REVIEW_NOTE_TOO_LONG: 400,
}

register(HTTP_STATUS)
