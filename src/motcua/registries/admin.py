"""Consents and the lookup audit in the admin: read only (they are records of what happened)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.registries.models import Consent, Lookup


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "registry",
        "subject_id",
        "purpose",
        "citizen",
        "recorded_by",
        "legal_basis",
    )
    list_filter = ("registry",)
    search_fields = ("subject_id", "draft_reference", "dossier__code")
    raw_id_fields = ("citizen", "recorded_by", "dossier")
    date_hierarchy = "created_at"


@admin.register(Lookup)
class LookupAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "registry", "identifier", "actor_label", "purpose", "outcome", "flagged")
    list_filter = ("registry", "outcome", "flagged", "actor_kind")
    search_fields = ("identifier", "subject_id", "dossier__code", "actor_label")
    raw_id_fields = ("actor", "dossier", "consent", "reviewed_by")
    date_hierarchy = "created_at"
