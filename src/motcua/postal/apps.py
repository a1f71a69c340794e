from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "motcua.postal"
    label = "postal"
    verbose_name = _("Dịch vụ bưu chính công ích")

    def ready(self) -> None:
        from motcua.postal import checks  # noqa: F401  (registers the production check)
