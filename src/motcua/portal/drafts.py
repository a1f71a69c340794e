"""E-form drafts (bản nháp): reads and writes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.catalog.models import Procedure

from . import uploads
from .models import FormDraft


def draft_of(*, user: Any, procedure: Procedure) -> FormDraft | None:
    return FormDraft.objects.filter(user=user, procedure=procedure).first()


@transaction.atomic
def save_draft(*, user: Any, procedure: Procedure, data: dict[str, Any]) -> FormDraft:
    """Keep what the citizen typed in this procedure's e-form (one draft per citizen and procedure).

    A file the draft named before and no longer names (replaced or removed) is deleted once this
    commits, unless a dossier or another draft refers to it: the space is free again at once."""
    earlier = FormDraft.objects.filter(user=user, procedure=procedure).values_list("data", flat=True).first()
    draft, _ = FormDraft.objects.update_or_create(user=user, procedure=procedure, defaults={"data": data})
    _release_later(user=user, refs=uploads.draft_refs(earlier or {}) - uploads.draft_refs(data))
    return draft


@transaction.atomic
def discard_draft(*, user: Any, procedure: Procedure) -> None:
    """Drop the draft (submitted): its files stay with the dossier that refers to them, others go."""
    earlier = FormDraft.objects.filter(user=user, procedure=procedure).values_list("data", flat=True).first()
    FormDraft.objects.filter(user=user, procedure=procedure).delete()
    _release_later(user=user, refs=uploads.draft_refs(earlier or {}))


def _release_later(*, user: Any, refs: set[str]) -> None:
    if refs:
        transaction.on_commit(lambda: uploads.release(user=user, refs=refs))
