from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "motcua.registries"
    label = "registries"
    verbose_name = _("Khai thác cơ sở dữ liệu")

    def ready(self) -> None:
        # The officer's dossier page shows the values taken from registries ("Thông tin lấy từ cơ sở dữ
        # liệu"): its one query reads them with the dossier, so they cost no query of their own (issue 13).
        from motcua.dossiers.selectors.json_rows import Shape
        from motcua.dossiers.selectors.visibility import add_page_child
        from motcua.registries.provenance import PrefilledValue

        add_page_child("prefilled_values", Shape(PrefilledValue), ("id",))
