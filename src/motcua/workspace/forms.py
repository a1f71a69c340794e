"""Forms of the officer workspace: what an officer types is parsed and bounded here, before any service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.text import BoundedText
from motcua.dossiers.models import Dossier


def date_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Dates an officer may type: MOTCUA_DATE_MIN to MOTCUA_DATE_MAX_YEARS_AHEAD years after today."""
    today = today or timezone.localdate()
    years = settings.MOTCUA_DATE_MAX_YEARS_AHEAD
    try:
        high = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        high = today.replace(year=today.year + years, day=28)
    return dt.date.fromisoformat(settings.MOTCUA_DATE_MIN), high


class BoundedDateField(forms.DateField):
    """A date inside ``date_range()``: 0001-01-01 or 9999-12-31 is a field error, not a crash later."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        low, high = date_range()
        if not low <= value <= high:
            raise forms.ValidationError(
                _("Vui lòng chọn ngày từ %(low)s đến %(high)s."),
                code="date_range",
                params={"low": f"{low:%d/%m/%Y}", "high": f"{high:%d/%m/%Y}"},
            )


class InboxDatesForm(forms.Form):
    """The inbox's "received from / to" filters (fields ``from`` and ``to``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = BoundedDateField(required=False, label=_("Tiếp nhận từ ngày"))
        self.fields["to"] = BoundedDateField(required=False, label=_("đến ngày"))

    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        """The valid dates; a refused date filters nothing."""
        cleaned = self.cleaned_data if self.is_valid() else {}
        return cleaned.get("from"), cleaned.get("to")


def _column(name: str) -> Any:
    return Dossier._meta.get_field(name)


class ApplicantForm(forms.Form):
    """Who the dossier is for, typed at the counter or read from the CCCD QR code; the limits are the
    dossier's columns, control characters are refused (the service checks the same again)."""

    name = forms.CharField(required=False, validators=[BoundedText(_column("applicant_name").max_length)])
    id_number = forms.CharField(
        required=False, validators=[BoundedText(_column("applicant_id_number").max_length)]
    )
    phone = forms.CharField(required=False, validators=[BoundedText(_column("applicant_phone").max_length)])
    email = forms.EmailField(
        required=False,
        validators=[BoundedText(_column("applicant_email").max_length)],
        max_length=None,
    )
    address = forms.CharField(
        required=False, validators=[BoundedText(_column("applicant_address").max_length)]
    )
