"""Error codes of result documents, each with one meaning and the HTTP status a page answers with."""

from __future__ import annotations

from motcua.core.errors import register

TEMPLATE_ERROR = "document.template_error"  # the template's text does not parse or fails with the given data
TEMPLATE_UNSAFE = "document.template_unsafe"  # the template reached for an attribute, a file or a module
TEMPLATE_TOO_LONG = "document.template_too_long"  # the rendered text passes the size bound
FONT_MISSING = "document.font_missing"  # the document font (Debian fonts-liberation2) is not installed
DOCUMENTS_FORMAT = "document.catalog_format"  # the document-template file is malformed

register(
    {
        TEMPLATE_ERROR: 400,
        TEMPLATE_UNSAFE: 400,
        TEMPLATE_TOO_LONG: 400,
        FONT_MISSING: 503,
        DOCUMENTS_FORMAT: 400,
    }
)
