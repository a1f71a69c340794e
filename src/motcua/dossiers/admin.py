"""Read-only admin for dossiers and their events: every change goes through the services, never the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierRegister,
    DossierResult,
    DossierStep,
    Forwarding,
    SatisfactionRating,
)

STEP_FIELDS = (
    "sequence",
    "step",
    "agency",
    "role",
    "assignee",
    "started_at",
    "deadline",
    "finished_at",
    "outcome",
)
EVENT_FIELDS = (
    "sequence",
    "kind",
    "action",
    "at",
    "actor",
    "actor_agency",
    "origin",
    "reason",
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class StepInline(admin.TabularInline):
    model = DossierStep
    fields = STEP_FIELDS
    readonly_fields = STEP_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ResultInline(admin.TabularInline):
    model = DossierResult
    fields = ("name", "file_name", "size", "sha256", "attached_by", "attached_at", "removed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = DossierEvent
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "procedure",
        "subject_name",
        "state",
        "channel",
        "competent_agency",
        "received_at",
        "appointment_at",
    ]
    list_filter = ["state", "channel", "province_code"]
    search_fields = [
        "code",
        "applicant_name",
        "subject_name",
        "applicant_id_number",
        "postal_tracking_number",
    ]
    date_hierarchy = "submitted_at"
    list_select_related = ["procedure", "competent_agency"]
    inlines = [StepInline, ResultInline, EventInline]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    """Đánh giá mức độ hài lòng: read-only, for the leadership's follow-up of negative ratings."""

    list_display = ["dossier", "level", "channel", "rated_at"]
    list_filter = ["level", "channel", "province_code"]
    search_fields = ["dossier__code", "comment"]
    date_hierarchy = "rated_at"
    list_select_related = ["dossier"]


@admin.register(Forwarding)
class ForwardingAdmin(ReadOnlyAdmin):
    """Dossiers of another province received here and forwarded (read-only: services write them)."""

    list_display = (
        "code",
        "applicant_name",
        "procedure",
        "destination_unit",
        "destination_agency",
        "received_at",
    )
    list_filter = ("channel", "destination_province_code")
    search_fields = ("code", "applicant_name", "applicant_id_number")
    list_select_related = ("procedure", "destination_unit")
    raw_id_fields = ("destination_unit",)


@admin.register(DossierRegister)
class DossierRegisterAdmin(ReadOnlyAdmin):
    """Sổ theo dõi hồ sơ (form 07): one book per reception point and year; printed from the workspace."""

    list_display = ["reception_point", "year", "book", "last"]
    list_filter = ["year"]
    search_fields = ["reception_point__code", "reception_point__name"]
