"""Admin pages for the calendar: overrides of single days and office hours."""

from __future__ import annotations

from django.contrib import admin

from motcua.calendar.models import CalendarOverride, OfficeHours, OfficeInterval


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "part", "reason", "agency", "province_code"]
    list_filter = ["kind", "part", "province_code"]
    search_fields = ["reason", "legal_basis", "agency__name", "agency__code"]
    date_hierarchy = "date"
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at", "updated_at"]


class OfficeIntervalInline(admin.TabularInline):
    model = OfficeInterval
    extra = 0


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agency", "valid_from", "valid_to", "note"]
    list_filter = ["valid_to"]
    search_fields = ["agency__name", "agency__code", "note"]
    autocomplete_fields = ["agency"]
    inlines = [OfficeIntervalInline]
    readonly_fields = ["updated_at"]
