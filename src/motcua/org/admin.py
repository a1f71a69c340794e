"""Admin for agencies, reception points, staff and positions: thin, searchable, filterable by validity."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, Position, ReceptionPoint, Staff

admin.site.site_header = _("motcua – Quản trị hệ thống một cửa")
admin.site.site_title = _("motcua – Quản trị")
admin.site.index_title = _("Quản trị danh mục, tổ chức và hồ sơ")


class InForceFilter(admin.SimpleListFilter):
    """Rows in force today, ended, or not yet started."""

    title = _("hiệu lực")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [
            ("now", _("đang có hiệu lực")),
            ("ended", _("đã hết hiệu lực")),
            ("future", _("chưa có hiệu lực")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lte=today)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset


class ReceptionPointInline(admin.TabularInline):
    model = ReceptionPoint
    fk_name = "agency"
    extra = 0
    fields = ("code", "name", "kind", "unit", "valid_from", "valid_to")
    autocomplete_fields = ("unit",)
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "unit", "valid_from", "valid_to")
    list_filter = (InForceFilter, "level", "kind", "province_code")
    search_fields = ("code", "name", "short_name", "unit__name")
    ordering = ("code", "valid_from")
    autocomplete_fields = ("unit", "parent", "successor")
    list_select_related = ("unit",)
    date_hierarchy = "valid_from"
    inlines = (ReceptionPointInline,)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "level")}),
        (_("Địa bàn và quan hệ"), {"fields": ("unit", "province_code", "parent", "successor")}),
        (_("Hiệu lực"), {"fields": ("valid_from", "valid_to")}),
        (_("Liên hệ"), {"fields": ("address", "phone", "email")}),
    )


@admin.register(ReceptionPoint)
class ReceptionPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "agency", "unit", "valid_from", "valid_to")
    list_filter = (InForceFilter, "kind", "province_code")
    search_fields = ("code", "name", "agency__name", "unit__name")
    ordering = ("code", "valid_from")
    autocomplete_fields = ("agency", "unit")
    list_select_related = ("agency", "unit")


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ("role", "agency", "reception_point", "valid_from", "valid_to")
    autocomplete_fields = ("agency", "reception_point")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("full_name", "username", "agency", "title", "is_active")
    list_filter = ("is_active", "positions__role", "agency__level", "agency__kind")
    search_fields = ("full_name", "user__username", "title", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")
    inlines = (PositionInline,)

    @admin.display(description=_("tên đăng nhập"), ordering="user__username")
    def username(self, obj: Staff) -> str:
        return obj.user.username

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("staff", "role", "agency", "reception_point", "valid_from", "valid_to")
    list_filter = (InForceFilter, "role", "agency__level", "agency__kind")
    search_fields = ("staff__full_name", "staff__user__username", "agency__name", "agency__code")
    autocomplete_fields = ("staff", "agency", "reception_point")
    list_select_related = ("staff", "agency", "reception_point")
