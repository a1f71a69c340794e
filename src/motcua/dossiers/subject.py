"""Whom a dossier concerns, as the lists of dossiers show it beside the procedure (``Dossier.subject_name``).

The e-form's fields marked ``x-dossier-subject`` (catalog.dossier_subject), else the person concerned the
form named, else the applicant. Computed when the declaration is stored; migration dossiers 0022 fills it
for the dossiers received before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from motcua.catalog import dossier_subject

MAX_LENGTH = 200  # Dossier.subject_name


def subject_name(
    *,
    schema: Mapping[str, Any] | None,
    form_data: Mapping[str, Any] | None,
    concerned_name: str,
    applicant_name: str,
) -> str:
    named = dossier_subject.subject_name(schema or {}, form_data or {}, max_length=MAX_LENGTH)
    fallback = " ".join((concerned_name or applicant_name or "").split())
    return named or fallback[:MAX_LENGTH]
