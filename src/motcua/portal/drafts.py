"""E-form drafts (bản nháp): reads and writes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.catalog.models import Procedure

from .models import FormDraft


def draft_of(*, user: Any, procedure: Procedure) -> FormDraft | None:
    return FormDraft.objects.filter(user=user, procedure=procedure).first()


@transaction.atomic
def save_draft(*, user: Any, procedure: Procedure, data: dict[str, Any]) -> FormDraft:
    """Keep what the citizen typed in this procedure's e-form (one draft per citizen and procedure)."""
    draft, _ = FormDraft.objects.update_or_create(user=user, procedure=procedure, defaults={"data": data})
    return draft


@transaction.atomic
def discard_draft(*, user: Any, procedure: Procedure) -> None:
    FormDraft.objects.filter(user=user, procedure=procedure).delete()
