from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Thanh toán phí, lệ phí")

    def ready(self) -> None:
        from motcua.core import jinja
        from motcua.payments import checks  # noqa: F401  (registers the system checks)
        from motcua.payments.templatetags.payments import payment_panel_html

        jinja.GLOBALS["payment_panel"] = payment_panel_html  # the officer's dossier page (Jinja)
