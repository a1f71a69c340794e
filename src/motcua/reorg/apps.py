from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorgConfig(AppConfig):
    name = "motcua.reorg"
    label = "reorg"
    verbose_name = _("Sắp xếp tổ chức, dữ liệu cũ, sao lưu")
