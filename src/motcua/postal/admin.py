from django.contrib import admin

from motcua.postal.models import Shipment, ShipmentEvent


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    can_delete = False
    fields = ("at", "status", "provider_event_id", "note", "received_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    """Read-only: shipments change through the adapter and the postal service's callbacks only."""

    list_display = ("tracking_number", "dossier", "direction", "status", "fee", "status_at")
    list_filter = ("direction", "status")
    search_fields = ("tracking_number", "dossier__code", "addressee_name")
    inlines = [ShipmentEventInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
