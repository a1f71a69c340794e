from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Staff

from .models import User


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
