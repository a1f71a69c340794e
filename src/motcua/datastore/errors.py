"""Error codes of the citizen's data store, each with one meaning and the HTTP status a page answers with."""

from __future__ import annotations

from motcua.core.errors import register

NOT_FOUND = "datastore.not_found"  # no such document for this reader (never says whether it exists)
NOT_AVAILABLE = "datastore.not_available"  # a document chosen for a dossier the applicant may not use
FILE_MISSING = "datastore.file_missing"  # the document's file is not in the storage

HTTP_STATUS = {NOT_FOUND: 404, NOT_AVAILABLE: 400, FILE_MISSING: 404}

register(HTTP_STATUS)
