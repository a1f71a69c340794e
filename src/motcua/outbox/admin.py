"""Read-only admin for the outbox, so operators can see what waits for delivery and what failed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from motcua.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "aggregate_type", "aggregate_id", "created_at", "attempts", "delivered_at"]
    list_filter = ["topic", "province_code"]
    search_fields = ["aggregate_id", "key"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
