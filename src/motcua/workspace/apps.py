from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "motcua.workspace"
    label = "workspace"
    verbose_name = _("Không gian làm việc của cán bộ")

    def ready(self) -> None:
        from motcua.core import jinja
        from motcua.workspace import menu

        jinja.GLOBALS["is_auditor"] = menu.is_auditor  # the menu of workspace/layout.html
