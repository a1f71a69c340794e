"""The working-time calendar: administrator overrides of the public holidays, and office hours."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Validity


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("ngày nghỉ")
    WORKING_DAY = "working_day", _("ngày làm việc")


class DayPart(models.TextChoices):
    WHOLE = "whole", _("cả ngày")
    MORNING = "morning", _("buổi sáng")
    AFTERNOON = "afternoon", _("buổi chiều")


class CalendarOverride(models.Model):
    """Ngày nghỉ bù / ngày làm bù: an administrator's decision about one day, winning over the package.

    Scope, most specific first: one agency; every agency of a province (``province_code``); the whole
    country (no agency, no province code).
    """

    date = models.DateField(_("ngày"), db_index=True)
    kind = models.CharField(_("loại"), max_length=16, choices=OverrideKind.choices)
    part = models.CharField(
        _("buổi"),
        max_length=16,
        choices=DayPart.choices,
        default=DayPart.WHOLE,
        help_text=_("Nghỉ (hoặc làm việc) cả ngày, chỉ buổi sáng hoặc chỉ buổi chiều."),
    )
    reason = models.CharField(_("lý do"), max_length=255)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("Để trống: áp dụng cho mọi cơ quan của tỉnh (hoặc cả nước nếu không ghi mã tỉnh)."),
    )
    province_code = models.CharField(
        _("mã tỉnh"),
        max_length=2,
        blank=True,
        db_index=True,
        help_text=_("Để trống cùng với cơ quan: áp dụng cả nước."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=Q(agency__isnull=False),
                name="workcalendar_override_agency",
            ),
            models.UniqueConstraint(
                fields=["date", "province_code"],
                condition=Q(agency__isnull=True),
                name="workcalendar_override_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} ({self.get_part_display()})"

    def clean(self) -> None:
        agency = self.agency if self.agency_id is not None else None
        if agency is None:
            return
        if self.province_code and agency.province_code != self.province_code:
            raise ValidationError({"province_code": _("Mã tỉnh không khớp với tỉnh của cơ quan.")})
        self.province_code = agency.province_code


class OfficeHours(Validity):
    """Giờ làm việc: the weekly office hours of one agency (or, without an agency, of every agency).

    An agency's schedule only lists the weekdays where it differs from the default schedule: a
    weekday it does not list falls back to the default (an agency adds Saturday morning by listing
    only Saturday).
    """

    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="office_hours",
        help_text=_("Để trống: giờ làm việc mặc định của mọi cơ quan."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["agency_id", "-valid_from"]

    def __str__(self) -> str:
        who = str(self.agency) if self.agency_id else str(_("mặc định"))
        return f"{who} ({self.valid_from:%d/%m/%Y})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ nhật")


class OfficeInterval(models.Model):
    """One opening interval of a weekday (e.g. Monday 07:00–11:30)."""

    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    start = models.TimeField(_("từ"))
    end = models.TimeField(_("đến"))

    class Meta:
        verbose_name = _("khoảng giờ làm việc")
        verbose_name_plural = _("khoảng giờ làm việc")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="workcalendar_interval_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("Giờ kết thúc phải sau giờ bắt đầu.")})
