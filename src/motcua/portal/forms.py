"""Forms of the citizen portal."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.form_fields import TypedText
from motcua.dossiers.constants import ResultDelivery

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
    # Set by the home page's agency links ("thủ tục của Sở Tư pháp"), kept across searches as a hidden field.
    agency = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, sector_choices: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sector = cast(forms.ChoiceField, self.fields["field"])
        sector.choices = [("", _("Tất cả lĩnh vực")), *(sector_choices or [])]


class NoteForm(forms.Form):
    """A citizen's note or reason passed on with an act (withdrawing, answering a supplement request)."""

    reason = TypedText(cut=1000)
    note = TypedText(cut=1000)


class RatingForm(forms.Form):
    """Đánh giá mức độ hài lòng: the level (the service checks it is one of the levels) and a comment."""

    level = TypedText()
    comment = TypedText(cut=2000)


class LookupForm(forms.Form):
    """Tra cứu hồ sơ: the dossier's code and the last digits of the applicant's ID number."""

    ma_ho_so = TypedText(strip=True, cut=80)
    so_cuoi = TypedText(strip=True, cut=8)


LOOKUP_INPUTS = {"ma_ho_so": "l-code", "so_cuoi": "l-last4"}


def lookup_errors(asked: dict[str, Any]) -> dict[str, str]:
    """What is missing or mistyped in a lookup, by field, before anything is looked up (the GOV.UK
    error pattern: one specific message per field; the page's ``required`` bubble is not used)."""
    errors: dict[str, str] = {}
    if not asked.get("ma_ho_so"):
        errors["ma_ho_so"] = str(
            _("Vui lòng nhập mã hồ sơ (ghi trên giấy tiếp nhận hồ sơ hoặc trong thông báo).")
        )
    last4 = str(asked.get("so_cuoi") or "")
    if not last4:
        errors["so_cuoi"] = str(_("Vui lòng nhập 4 số cuối số định danh cá nhân của người nộp."))
    elif not (len(last4) == 4 and last4.isascii() and last4.isdigit()):
        errors["so_cuoi"] = str(_("4 số cuối số định danh cá nhân phải gồm đúng 4 chữ số, ví dụ 1234."))
    return errors


def read(form: forms.Form) -> dict[str, Any]:
    """The values of a form whose fields all accept any text (the services check them)."""
    form.is_valid()
    return form.cleaned_data


class EFormControlsForm(forms.Form):
    """The parts of an e-form every procedure has: the commune where the citizen lives and the key that
    makes a second click on "Nộp hồ sơ" find the dossier already submitted (a key that is not 8 to 64
    letters, digits or dashes is replaced by a new one)."""

    place = TypedText(strip=True)
    submission_key = forms.RegexField(regex=r"^[A-Za-z0-9-]{8,64}$", required=False)
    # How the result is returned (form 01); online unless the citizen chooses the counter or the post.
    result_delivery = forms.ChoiceField(choices=ResultDelivery.choices, required=False)
    # Where the post brings the result (Decision 45/2016/QĐ-TTg), when the citizen chose the post.
    delivery_address = TypedText(strip=True, cut=255)
    # The post collects the paper dossier from the citizen (Decision 45/2016/QĐ-TTg).
    postal_pickup = forms.BooleanField(required=False)
