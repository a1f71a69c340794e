from django.contrib import admin

from motcua.notifications.models import ContactPreference, Notification, ReceiptEvent


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "address", "status", "dossier", "provider_id")
    list_filter = ("channel", "kind", "status")
    search_fields = ("dossier__code", "address", "provider_id")
    raw_id_fields = ("dossier", "citizen")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ("citizen", "by_email", "by_sms", "language", "updated_at")
    raw_id_fields = ("citizen",)
    readonly_fields = ("email_confirmed_at", "phone_confirmed_at", "updated_at")


@admin.register(ReceiptEvent)
class ReceiptEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "channel", "event_id", "provider_id", "status")
    search_fields = ("event_id", "provider_id")
