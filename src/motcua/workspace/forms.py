"""Forms of the officer workspace: what an officer types is parsed and bounded here, before any service."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.eforms import read_date
from motcua.core.errors import FieldError
from motcua.core.form_fields import ManyValues, TypedText
from motcua.core.text import BoundedText
from motcua.dossiers.lookups import TZ
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
    """A date typed day/month/year (27/03/2024; ISO 8601 is read too, for links and old bookmarks) inside
    ``date_range()``: 0001-01-01 or 9999-12-31 is a field error, not a crash later."""

    input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]

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


def refusal(form: forms.Form) -> FieldError:
    """The first field error of a refused form, as the FieldError the pages already show beside an input."""
    name, errors = next(iter(form.errors.items()))
    return FieldError("form.invalid", errors[0], field=name)


# HH:MM (or HH:MM:SS, which a time input with a step under a minute posts), 00:00 to 23:59.
TYPED_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


class ApologyDraftForm(forms.Form):
    """Dự thảo văn bản xin lỗi: the reason and the new appointment (a date and a time, Vietnam time)."""

    reason = TypedText()
    new_date = TypedText(strip=True)
    new_time = TypedText(strip=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            day = dt.date.fromisoformat(read_date(cleaned.get("new_date", "")))  # typed 27/03/2026 or ISO
        except ValueError:
            self.add_error(
                "new_date", _("Vui lòng nhập ngày hẹn trả kết quả mới hợp lệ, theo ngày/tháng/năm.")
            )
            return cleaned
        # The time input (type="time") posts HH:MM; the server reads only that, whatever the browser sent.
        time = cleaned.get("new_time", "")
        if not TYPED_TIME.match(time):
            self.add_error(
                "new_time", _("Vui lòng nhập giờ hẹn trả kết quả mới hợp lệ, theo giờ:phút (ví dụ 14:30).")
            )
            return cleaned
        cleaned["new_appointment_at"] = dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=TZ)
        return cleaned


class ExtensionForm(forms.Form):
    """Gia hạn: the reason and the number of working days (the service checks the catalog's maximum)."""

    reason = TypedText()
    days = TypedText(strip=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        days = cleaned.get("days", "")
        if not days.isdigit() or len(days) > 3:
            self.add_error("days", _("Vui lòng nhập số ngày làm việc gia hạn (số nguyên dương)."))
        else:
            cleaned["days"] = int(days)
        return cleaned


class ResultForm(forms.Form):
    """Đính kèm kết quả: its name (the file itself is checked by the service, as every upload is)."""

    name = TypedText()


class ReasonForm(forms.Form):
    """An act that needs only a reason (removing a wrongly attached result)."""

    reason = TypedText()


class DossierActionForm(forms.Form):
    """A step of the workflow posted from the dossier page, with the version of the dossier it showed."""

    action = TypedText(strip=True)
    version = TypedText(strip=True)
    reason = TypedText(strip=True)
    explanation = TypedText(strip=True)
    missing = TypedText()
    missing_code = ManyValues()
    agency = TypedText(strip=True)
    target_step = TypedText(strip=True)
    consultation = TypedText(strip=True)
    answer = TypedText()
    # The authenticator's code, asked again when the leader signs digitally (``signing.services.sign``).
    token = TypedText(strip=True)
    # "yes" from the confirmation page of a refusal (``views.actions``): without it nothing changes.
    confirm = TypedText(strip=True)

    def missing_documents(self) -> list[str]:
        """The documents asked for: one a line typed, plus the codes ticked."""
        lines = [line.strip() for line in self.cleaned_data["missing"].splitlines() if line.strip()]
        return lines + self.cleaned_data["missing_code"]


class CounterReceptionForm(forms.Form):
    """Tiếp nhận tại quầy: the point, the procedure and place, the documents handed over and the decision
    (the applicant is ``ApplicantForm``, the fee values are the procedure's own fields)."""

    point = TypedText(strip=True)
    # Codes the page looks rows up by: Django's CharField refuses a NUL (PostgreSQL could not compare it).
    procedure = forms.CharField(required=False, max_length=100)
    place = forms.CharField(required=False, max_length=20)
    # A commune of another province (GSO code or name): the dossier is received and forwarded.
    other_place = forms.CharField(required=False, max_length=120)
    other_province = forms.CharField(required=False, max_length=2)
    document = ManyValues()
    cccd_qr = TypedText(strip=True)
    idempotency_key = TypedText(strip=True)
    reason = TypedText()
    decision = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("accept", "accept"), ("supplement", "supplement"), ("refuse", "refuse")],
    )

    def value(self, name: str) -> Any:
        """The cleaned value, or the field's empty value when the form refused it."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name, [] if name == "document" else "")


class AssistedSubmissionForm(forms.Form):
    """Hỗ trợ nộp hồ sơ trực tuyến (Directive 24/CT-TTg): the point, procedure and place, how the citizen
    confirms, and whether the officer declares the online path down (the applicant is ``ApplicantForm``, the
    e-form is the procedure's own fields, read by ``catalog.eforms``)."""

    point = TypedText(strip=True)
    procedure = forms.CharField(required=False, max_length=100)
    place = forms.CharField(required=False, max_length=20)
    cccd_qr = TypedText(strip=True)
    idempotency_key = TypedText(strip=True)
    confirmation = forms.ChoiceField(
        required=False, choices=[("", ""), ("on_the_spot", "on_the_spot"), ("e_id", "e_id")]
    )
    citizen_confirmed = forms.BooleanField(required=False)
    offline_declared = forms.BooleanField(required=False)
    submit = forms.BooleanField(required=False)

    def value(self, name: str) -> Any:
        """The cleaned value, or the field's empty value when the form refused it."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name, False if name in ("citizen_confirmed", "offline_declared") else "")


class StopDecisionForm(forms.Form):
    """The leader's decision on a stop proposal (form 05): sign it (the reasons as proposed or rewritten) or
    decline it with a note."""

    SIGN = "sign"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        choices=[(SIGN, SIGN), (DECLINE, DECLINE)],
        error_messages={"required": _("Vui lòng chọn ký thông báo hoặc không đồng ý dừng.")},
    )
    reasons = TypedText()
    note = TypedText()
    # The authenticator's code, asked again when the leader signs the notice (``signing.services.sign_stop``).
    token = TypedText(strip=True)


class SignatureCodeForm(forms.Form):
    """A signature posted with only the authenticator's code (an apology: ``signing.sign_apology``)."""

    token = TypedText(strip=True)


class WithdrawalDecisionForm(forms.Form):
    """The competent agency's decision on a withdrawal request: accept (originals returned, fee handling) or
    decline with a reason."""

    ACCEPT = "accept"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, ACCEPT), (DECLINE, DECLINE)],
        error_messages={"required": _("Vui lòng chọn chấp nhận hoặc không chấp nhận yêu cầu rút hồ sơ.")},
    )
    originals_returned = TypedText()
    fee_refunded = forms.TypedChoiceField(
        choices=[("", ""), ("yes", "yes"), ("no", "no")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    fee_note = TypedText()
    reason = TypedText()
