"""Forms of the citizen portal."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

LEVEL_CHOICES = [("", _("Tất cả các cấp")), ("province", _("Cấp tỉnh")), ("commune", _("Cấp xã"))]


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tên hoặc mã thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: đăng ký khai sinh")}),
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False, choices=LEVEL_CHOICES)

    def __init__(self, *args, sector_choices: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sector = cast(forms.ChoiceField, self.fields["field"])
        sector.choices = [("", _("Tất cả lĩnh vực")), *(sector_choices or [])]
