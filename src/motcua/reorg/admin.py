"""Admin for reorganization plans: the plan's YAML in a textarea, validated on the way in (the same checks
as `motcua reorg load`), its dry-run report as a page, and cancelling a plan before it applies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError

from . import plans, services
from .dry_run import dry_run
from .models import AgencySuccession, Plan, PlanRun, PlanStatus


class PlanForm(forms.ModelForm):
    text = forms.CharField(
        label=_("Phương án (YAML, định dạng motcua-reorg/1)"),
        widget=forms.Textarea(attrs={"rows": 40, "cols": 120, "spellcheck": "false"}),
        help_text=_("Xem docs/reorg.md. Phương án được kiểm tra khi lưu; có lỗi thì không có gì được lưu."),
    )

    class Meta:
        model = Plan
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["text"] = plans.dump(self.instance.document)

    def clean_text(self) -> dict[str, Any]:
        try:
            return plans.read(self.cleaned_data["text"])
        except plans.PlanError as exc:
            raise forms.ValidationError([str(problem) for problem in exc.problems]) from None


class RunInline(admin.TabularInline):
    model = PlanRun
    extra = 0
    can_delete = False
    fields = ("started_at", "finished_at", "state", "total", "moved", "skipped", "failed", "failures")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuccessionInline(admin.TabularInline):
    model = AgencySuccession
    extra = 0
    can_delete = False
    fields = ("predecessor", "successor", "share", "units", "procedures")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ("code", "name", "effective_at", "province_code", "status", "dry_run_link")
    list_filter = ("status", "province_code")
    search_fields = ("code", "name")
    readonly_fields = ("code", "name", "effective_at", "province_code", "status", "dry_run_link")
    inlines = (SuccessionInline, RunInline)
    actions = ("cancel",)

    def get_inlines(self, request: HttpRequest, obj: Plan | None = None) -> Any:
        return self.inlines if obj is not None else ()  # successions and runs exist once the plan does

    def get_fields(self, request: HttpRequest, obj: Plan | None = None) -> Any:
        shown = ["text"] if obj is None or obj.status == PlanStatus.DRAFT else []
        return [*self.readonly_fields, *shown] if obj is not None else shown

    def has_change_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.status == PlanStatus.DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == PlanStatus.DRAFT)

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        saved = services.save_plan(document=form.cleaned_data["text"], plan=obj if change else None)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.display(description=_("Chạy thử"))
    def dry_run_link(self, obj: Plan) -> str:
        if obj.pk is None or obj.status == PlanStatus.CANCELLED:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:reorg_plan_dry_run", args=[obj.pk]), _("Chạy thử")
        )

    @admin.action(description=_("Hủy phương án (chưa áp dụng)"))
    def cancel(self, request: HttpRequest, queryset: Any) -> None:
        for plan in queryset:
            try:
                services.cancel_plan(plan=plan)
            except DomainError as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
            else:
                self.message_user(request, _("Đã hủy phương án %(code)s.") % {"code": plan.code})

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/dry-run/", self.admin_site.admin_view(self.dry_run_view), name="reorg_plan_dry_run"
            ),
            *super().get_urls(),
        ]

    def dry_run_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The dry-run report: the same as `motcua reorg dry-run CODE`; nothing is written."""
        plan = get_object_or_404(Plan, pk=pk)
        report = dry_run(plan=plan)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chạy thử phương án %(code)s") % {"code": plan.code},
            "plan": plan,
            "report": report,
            "report_html": report.as_html(),  # rendered by reorg/dry_run.html, escaped there
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reorg/dry_run.html", context)
