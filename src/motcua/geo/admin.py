"""Admin for administrative units and their successions (read mostly: the loader owns the data)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.geo.models import AdministrativeUnit, UnitSuccession
from motcua.geo.sources import REFORM_DATE


class PeriodFilter(admin.SimpleListFilter):
    title = _("thời kỳ")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return (("current", _("từ 01/07/2025")), ("legacy", _("trước 01/07/2025")))

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.valid_on(REFORM_DATE)
        if self.value() == "legacy":
            return queryset.filter(valid_to__isnull=False)
        return queryset


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh, thành phố")
    parameter_name = "province_code"

    def lookups(self, request, model_admin):
        provinces = AdministrativeUnit.objects.filter(level="province").order_by("code", "-valid_from")
        seen: dict[str, str] = {}
        for unit in provinces:
            seen.setdefault(unit.code, f"{unit.code} {unit.name}")
        return list(seen.items())

    def queryset(self, request, queryset):
        return queryset.filter(province_code=self.value()) if self.value() else queryset


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("đơn vị kế thừa")
    fields = ("successor", "effective_on", "partial", "is_default")
    raw_id_fields = ("successor",)
    extra = 0


class PredecessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "successor"
    verbose_name = _("đơn vị tiền thân")
    verbose_name_plural = _("đơn vị tiền thân")
    fields = ("predecessor", "effective_on", "partial", "is_default")
    raw_id_fields = ("predecessor",)
    extra = 0


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit_type", "level", "province_code", "parent", "valid_from", "valid_to")
    list_filter = ("level", "unit_type", PeriodFilter, ProvinceFilter)
    search_fields = ("code", "name", "search_key")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    readonly_fields = ("search_key",)
    inlines = (SuccessorInline, PredecessorInline)
    list_per_page = 100


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "effective_on", "partial", "is_default")
    list_filter = ("partial", "is_default", "effective_on", "predecessor__level")
    search_fields = ("predecessor__name", "predecessor__code", "successor__name", "successor__code")
    list_select_related = ("predecessor", "successor")
    raw_id_fields = ("predecessor", "successor")
