from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.errors import DomainError
from motcua.org.models import Staff

from . import services
from .models import EnrolmentLink, User


class StaffInline(admin.StackedInline):
    """The staff record (cán bộ) of an account; positions are edited on the staff page."""

    model = Staff
    can_delete = False
    extra = 0
    max_num = 1
    fields = ("agency", "full_name", "title", "is_active")
    autocomplete_fields = ("agency",)
    show_change_link = True


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Định danh"), {"fields": ("full_name", "national_id", "phone")}),
    )
    list_display = ("username", "full_name", "national_id", "is_staff", "is_active")
    search_fields = ("username", "full_name", "national_id", "email")
    inlines = (StaffInline,)
    actions = ("issue_enrolment_links",)

    @admin.action(description=_("Cấp liên kết kích hoạt (đặt mật khẩu, cài ứng dụng xác thực)"))
    def issue_enrolment_links(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> TemplateResponse | None:
        issued: list[dict[str, Any]] = []
        for user in queryset.order_by("username"):
            try:
                link = services.issue_enrolment_link(user=user, by=request.user)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            issued.append(
                {"user": user, "url": request.build_absolute_uri(link.path), "expires_at": link.expires_at}
            )
        if not issued:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Liên kết kích hoạt"),
            "issued": issued,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/enrolment_links.html", context)


@admin.register(EnrolmentLink)
class EnrolmentLinkAdmin(admin.ModelAdmin):
    """Issued links, read-only: the token itself is never stored, only its hash (not shown)."""

    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at")
    list_filter = ("issued_at", "used_at")
    search_fields = ("user__username", "user__full_name")
    fields = ("user", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# django-otp's own admin classes show the TOTP key, its QR code and backup codes: replaced by
# view-and-delete pages. Devices are created only by enrolment (workspace login or enrolment link).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed", "created_at", "last_used_at")
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TOTPDevice)
class AuthenticatorAdmin(DeviceAdmin):
    """Authenticator apps: who has one, since when; delete one to make its owner enrol again."""


@admin.register(StaticDevice)
class BackupCodesAdmin(DeviceAdmin):
    """Backup codes: their existence only, never the codes."""
