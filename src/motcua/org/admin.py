"""Admin for agencies, reception points, staff and positions: thin, searchable, filterable by validity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.admin_forms import ServiceCheckedForm, adopt

from . import services
from .models import Agency, Position, ReceptionPoint, Role, Staff

AGENCY_FIELDS = (
    "code", "name", "short_name", "kind", "level", "unit", "parent", "successor", "successors",
    "valid_from", "valid_to", "address", "phone", "email",
)  # fmt: skip
RECEPTION_POINT_FIELDS = ("code", "name", "kind", "agency", "unit", "valid_from", "valid_to", "address")
POSITION_FIELDS = ("staff", "role", "agency", "reception_point", "valid_from", "valid_to")

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


def _values(form, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in names}


class AgencyForm(ServiceCheckedForm):
    error_fields = {
        "agency.code_format": "code",
        "agency.code_taken": "code",
        "agency.kind": "kind",
        "agency.level": "level",
        "agency.unit_not_valid": "unit",
        "agency.unit_level": "unit",
        "agency.district_after_reform": "valid_to",
        "agency.parent_not_valid": "parent",
        "agency.successor": "successor",
        "agency.successor_main": "successor",
        "agency.successors": "successors",
        "agency.end_before_start": "valid_to",
    }

    class Meta:
        model = Agency
        fields = AGENCY_FIELDS

    def check(self, data: dict[str, Any]) -> None:
        services.check_agency(
            code=data["code"],
            kind=data["kind"],
            level=data["level"],
            unit=data["unit"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            parent=data.get("parent"),
            successor=data.get("successor"),
            successors=data.get("successors") or (),
            agency=self.instance if self.instance.pk else None,
        )


class ReceptionPointForm(ServiceCheckedForm):
    error_fields = {
        "reception.kind": "kind",
        "reception.code_taken": "code",
        "reception.agency_not_valid": "agency",
        "reception.end_before_start": "valid_to",
    }

    class Meta:
        model = ReceptionPoint
        fields = RECEPTION_POINT_FIELDS

    def check(self, data: dict[str, Any]) -> None:
        services.check_reception_point(
            code=data["code"],
            kind=data["kind"],
            agency=data["agency"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            point=self.instance if self.instance.pk else None,
        )


class PositionForm(ServiceCheckedForm):
    error_fields = {
        "position.role": "role",
        "position.agency_not_valid": "agency",
        "position.reception_not_valid": "reception_point",
        "position.reception_province": "reception_point",
        "position.end_before_start": "valid_to",
    }

    class Meta:
        model = Position
        fields = POSITION_FIELDS

    def check(self, data: dict[str, Any]) -> None:
        services.check_position(
            staff=data["staff"],
            role=data["role"],
            agency=data["agency"],
            reception_point=data.get("reception_point"),
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            position=self.instance if self.instance.pk else None,
        )


class StaffForm(ServiceCheckedForm):
    error_fields = {"staff.agency_not_valid": "agency"}

    class Meta:
        model = Staff
        fields = ("full_name", "title", "agency")

    def check(self, data: dict[str, Any]) -> None:
        services.check_staff(agency=data["agency"], staff=self.instance)


class StaffCreationForm(ServiceCheckedForm):
    """A new staff account with its first positions, created by ``create_staff``."""

    username = forms.CharField(label=_("tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("mật khẩu"), widget=forms.PasswordInput, strip=False)
    email = forms.EmailField(label=_("thư điện tử"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("vai trò"), choices=[(value, label) for value, label in Role.choices if value != Role.CITIZEN]
    )
    valid_from = forms.DateField(label=_("hiệu lực từ ngày"))
    reception_point = forms.ModelChoiceField(
        label=_("tại điểm tiếp nhận"), queryset=ReceptionPoint.objects.all(), required=False
    )
    error_fields = {
        "staff.username_taken": "username",
        "staff.weak_password": "password",
        "staff.no_role": "roles",
        "position.role": "roles",
        "position.agency_not_valid": "agency",
        "position.reception_not_valid": "reception_point",
        "position.reception_province": "reception_point",
    }

    class Meta:
        model = Staff
        fields = ("full_name", "title", "agency")

    def check(self, data: dict[str, Any]) -> None:
        services.check_new_staff(
            username=data["username"],
            password=data["password"],
            full_name=data["full_name"],
            agency=data["agency"],
            roles=data["roles"],
            valid_from=data["valid_from"],
            reception_point=data.get("reception_point"),
            email=data.get("email") or "",
        )


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page; each is changed on its own page, through its service."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReceptionPointInline(ReadOnlyInline):
    model = ReceptionPoint
    fk_name = "agency"
    fields = ("code", "name", "kind", "unit", "valid_from", "valid_to")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyForm
    list_display = ("code", "name", "kind", "level", "unit", "valid_from", "valid_to")
    list_filter = (InForceFilter, "level", "kind", "province_code")
    search_fields = ("code", "name", "short_name", "unit__name")
    ordering = ("code", "valid_from")
    autocomplete_fields = ("unit", "parent", "successor", "successors")
    list_select_related = ("unit",)
    date_hierarchy = "valid_from"
    inlines = (ReceptionPointInline,)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "level")}),
        (
            _("Địa bàn và quan hệ"),
            {"fields": ("unit", "province_code", "parent", "successor", "successors")},
        ),
        (_("Hiệu lực"), {"fields": ("valid_from", "valid_to")}),
        (_("Liên hệ"), {"fields": ("address", "phone", "email")}),
    )
    readonly_fields = ("province_code",)  # follows the administrative unit

    def save_model(self, request, obj: Agency, form, change: bool) -> None:
        values = _values(form, AGENCY_FIELDS)
        if change:
            services.change_agency(agency=obj, **values)
        else:
            adopt(obj, services.create_agency(**values))
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change: bool) -> None:
        # The service has set the successors (the main one always among them): the form's own set is not
        # saved over it.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj: Agency) -> None:
        services.delete_agency(agency=obj)

    def delete_queryset(self, request, queryset) -> None:
        for agency in queryset:
            services.delete_agency(agency=agency)


@admin.register(ReceptionPoint)
class ReceptionPointAdmin(admin.ModelAdmin):
    form = ReceptionPointForm
    fields = (*RECEPTION_POINT_FIELDS[:5], "province_code", *RECEPTION_POINT_FIELDS[5:])
    readonly_fields = ("province_code",)  # follows the agency
    list_display = ("code", "name", "kind", "agency", "unit", "valid_from", "valid_to")
    list_filter = (InForceFilter, "kind", "province_code")
    search_fields = ("code", "name", "agency__name", "unit__name")
    ordering = ("code", "valid_from")
    autocomplete_fields = ("agency", "unit")
    list_select_related = ("agency", "unit")

    def save_model(self, request, obj: ReceptionPoint, form, change: bool) -> None:
        values = _values(form, RECEPTION_POINT_FIELDS)
        if change:
            services.change_reception_point(point=obj, **values)
        else:
            adopt(obj, services.create_reception_point(**values))
        obj.refresh_from_db()

    def delete_model(self, request, obj: ReceptionPoint) -> None:
        services.delete_reception_point(point=obj)

    def delete_queryset(self, request, queryset) -> None:
        for point in queryset:
            services.delete_reception_point(point=point)


class PositionInline(ReadOnlyInline):
    model = Position
    fields = ("role", "agency", "reception_point", "valid_from", "valid_to")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("full_name", "username", "agency", "title", "is_active")
    list_filter = ("is_active", "positions__role", "agency__level", "agency__kind")
    search_fields = ("full_name", "user__username", "title", "agency__name", "agency__code")
    form = StaffForm
    autocomplete_fields = ("agency",)
    list_select_related = ("user", "agency")
    inlines = (PositionInline,)

    @admin.display(description=_("tên đăng nhập"), ordering="user__username")
    def username(self, obj: Staff) -> str:
        return obj.user.username

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffCreationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": (
                            "username",
                            "password",
                            "full_name",
                            "title",
                            "email",
                            "agency",
                            "roles",
                            "valid_from",
                            "reception_point",
                        )
                    },
                )
            ]
        return [(None, {"fields": ("user", "full_name", "title", "agency", "is_active")})]

    def get_readonly_fields(self, request, obj=None):
        # leaving goes through deactivate_staff (every position ends), not a ticked box
        return ("user", "is_active") if obj is not None else ()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj: Staff, form, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.change_staff(
                staff=obj, full_name=data["full_name"], title=data["title"], agency=data["agency"]
            )
        else:
            adopt(
                obj,
                services.create_staff(
                    username=data["username"],
                    password=data["password"],
                    full_name=data["full_name"],
                    agency=data["agency"],
                    roles=data["roles"],
                    valid_from=data["valid_from"],
                    reception_point=data.get("reception_point"),
                    title=data["title"],
                    email=data.get("email") or "",
                ),
            )
        obj.refresh_from_db()

    def delete_model(self, request, obj: Staff) -> None:
        services.delete_staff(staff=obj)

    def delete_queryset(self, request, queryset) -> None:
        for staff in queryset:
            services.delete_staff(staff=staff)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    form = PositionForm
    list_display = ("staff", "role", "agency", "reception_point", "valid_from", "valid_to")
    list_filter = (InForceFilter, "role", "agency__level", "agency__kind")
    search_fields = ("staff__full_name", "staff__user__username", "agency__name", "agency__code")
    autocomplete_fields = ("staff", "agency", "reception_point")
    list_select_related = ("staff", "agency", "reception_point")

    def save_model(self, request, obj: Position, form, change: bool) -> None:
        values = _values(form, POSITION_FIELDS)
        if change:
            services.change_position(position=obj, **values)
        else:
            adopt(obj, services.add_position(**values))
        obj.refresh_from_db()

    def delete_model(self, request, obj: Position) -> None:
        services.delete_position(position=obj)

    def delete_queryset(self, request, queryset) -> None:
        for position in queryset:
            services.delete_position(position=position)
