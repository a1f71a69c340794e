"""Django's admin application with motcua's admin site (a verified second factor) as its default site."""

from django.contrib.admin.apps import AdminConfig


class MotcuaAdminConfig(AdminConfig):
    default_site = "motcua.accounts.admin_site.MotcuaAdminSite"
