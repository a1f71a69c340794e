"""Admin pages for the calendar: overrides of single days and office hours."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from motcua.calendar import services
from motcua.calendar.models import CalendarOverride, OfficeHours, OfficeInterval
from motcua.core.admin_forms import ServiceCheckedForm, adopt
from motcua.core.errors import DomainError

OVERRIDE_FIELDS = ("date", "kind", "part", "reason", "legal_basis", "agency", "province_code")


class CalendarOverrideForm(ServiceCheckedForm):
    error_fields = {
        "calendar.override_kind": "kind",
        "calendar.override_part": "part",
        "calendar.override_reason": "reason",
        "calendar.override_province": "province_code",
        "calendar.override_taken": "date",
    }

    class Meta:
        model = CalendarOverride
        fields = OVERRIDE_FIELDS

    def check(self, data: dict[str, Any]) -> None:
        services.check_override(**_arguments(data), override=self.instance if self.instance.pk else None)

    def validate_unique(self) -> None:
        if not self.errors:  # the service already named the override the day has: say it once
            super().validate_unique()


def _arguments(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "day": data["date"],
        "kind": data["kind"],
        "part": data["part"],
        "reason": data["reason"],
        "agency": data.get("agency"),
        "province_code": data.get("province_code") or "",
    }


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ["date", "kind", "part", "reason", "agency", "province_code"]
    list_filter = ["kind", "part", "province_code"]
    search_fields = ["reason", "legal_basis", "agency__name", "agency__code"]
    date_hierarchy = "date"
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj: CalendarOverride, form, change: bool) -> None:
        arguments = _arguments(form.cleaned_data)
        legal_basis = form.cleaned_data.get("legal_basis") or ""
        if change:
            services.change_override(override=obj, legal_basis=legal_basis, **arguments)
        else:
            adopt(obj, services.declare_override(legal_basis=legal_basis, **arguments))
        obj.refresh_from_db()

    def delete_model(self, request, obj: CalendarOverride) -> None:
        services.withdraw_override(override=obj)

    def delete_queryset(self, request, queryset) -> None:
        for override in queryset:
            services.withdraw_override(override=override)


class OfficeIntervalFormSet(BaseInlineFormSet):
    """The week a schedule's rows describe must pass ``services.check_week`` (no overlapping intervals)."""

    def week(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        """Weekday -> intervals, as the rows of the form describe them (deleted rows left out)."""
        week: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or not all(data.get(k) is not None for k in ("weekday", "start", "end"))
            ):
                continue
            week[data["weekday"]].append((data["start"], data["end"]))
        return week

    def clean(self) -> None:
        super().clean()
        try:
            services.check_week(week=self.week())
        except DomainError as error:
            raise ValidationError(str(error), code=error.code) from error


class OfficeIntervalInline(admin.TabularInline):
    model = OfficeInterval
    formset = OfficeIntervalFormSet
    extra = 0


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agency", "valid_from", "valid_to", "note"]
    list_filter = ["valid_to"]
    search_fields = ["agency__name", "agency__code", "note"]
    autocomplete_fields = ["agency"]
    inlines = [OfficeIntervalInline]
    # A schedule ends where the next one starts (services.set_office_hours), never by hand.
    readonly_fields = ["valid_to", "updated_at"]

    def save_model(self, request, obj: OfficeHours, form, change: bool) -> None:
        """Nothing yet: the schedule is saved with its intervals in ``save_related``, by the service."""

    def save_related(self, request, form, formsets, change: bool) -> None:
        (intervals,) = [f for f in formsets if isinstance(f, OfficeIntervalFormSet)]
        saved = services.set_office_hours(
            agency=form.cleaned_data.get("agency"),
            week=intervals.week(),
            valid_from=form.cleaned_data["valid_from"],
            note=form.cleaned_data.get("note") or "",
        )
        adopt(form.instance, saved)

    def construct_change_message(self, request, form, formsets, add=False):
        return construct_change_message(form, [], add)  # the service replaces the intervals as a whole
