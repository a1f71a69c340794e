from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "motcua.workspace"
    label = "workspace"
    verbose_name = _("Không gian làm việc của cán bộ")

    def ready(self) -> None:
        from motcua.core import jinja
        from motcua.workspace import menu

        # The header of workspace/layout.html: its menu and who is logged in.
        jinja.GLOBALS["is_auditor"] = menu.is_auditor
        jinja.GLOBALS["workspace_menu"] = menu.menu_entries
        jinja.GLOBALS["officer_identity"] = menu.officer_identity
