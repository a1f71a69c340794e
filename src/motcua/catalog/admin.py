"""Admin for the catalog: procedures, competence, versions with their documents and workflows.

A published version is read-only here (the model refuses changes anyway). A draft shows the
verifier's result on its page, and the "Công bố" button publishes it only when that result is clean.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from motcua.catalog.national import shown
from motcua.core.errors import DomainError

from . import services
from .models import (
    CompetenceRule,
    Field,
    LegalDocument,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Transition,
    Workflow,
    WorkflowStep,
)
from .verifier import verify


def _version_of(obj: Any) -> ProcedureVersion | None:
    if isinstance(obj, ProcedureVersion):
        return obj
    if isinstance(obj, Workflow):
        return obj.version
    if isinstance(obj, WorkflowStep):
        return obj.workflow.version
    return None


class FrozenWhenPublished:
    """Admins of version content: no change or delete once the version is published."""

    def _frozen(self, obj: Any) -> bool:
        version = _version_of(obj)
        return bool(version and version.is_published)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    """Legal documents the catalog cites, with their dates: the verifier's list of superseded documents."""

    list_display = ("number", "title", "in_force_from", "in_force_to", "replaced_by")
    search_fields = ("number", "title")
    list_filter = ("in_force_to",)
    raw_id_fields = ("replaced_by",)


class CompetenceRuleInline(admin.TabularInline):
    model = CompetenceRule
    extra = 0
    raw_id_fields = ("scope", "agency")
    fields = (
        "place_basis",
        "place_fields",
        "scope",
        "agency_rule",
        "agency",
        "valid_from",
        "valid_to",
        "legal_basis",
    )


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ("number", "status", "valid_from", "valid_to", "online_level", "published_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "at_province", "at_commune", "target", "featured")
    list_filter = ("field", "at_province", "at_commune", "target", "featured")
    search_fields = ("code", "search_key", "name", "name_en")
    inlines = (CompetenceRuleInline, VersionInline)
    actions = ("new_draft",)

    @admin.action(description=_("Tạo phiên bản dự thảo mới từ phiên bản gần nhất"))
    def new_draft(self, request: HttpRequest, queryset: Any) -> None:
        for procedure in queryset:
            draft = services.create_draft_version(procedure=procedure)
            self.message_user(request, _("Đã tạo %(version)s (dự thảo).") % {"version": draft})

    def get_urls(self) -> list[Any]:
        return [
            path("verify/", self.admin_site.admin_view(self.verify_view), name="catalog_verify"),
            *super().get_urls(),
        ]

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        """The verifier's report for a date (default today): the same as `motcua catalog verify`."""
        try:
            day = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
        except ValueError:
            day = None
            messages.error(request, _("Ngày không hợp lệ, dùng ngày hôm nay."))
        day = day or timezone.localdate()
        report = verify(on=day)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kiểm tra danh mục thủ tục"),
            "report": report,
            "day": day,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/verify.html", context)


class FrozenInline(FrozenWhenPublished):
    """Inlines of version content: nothing added either once the version is published."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]


class DocumentInline(FrozenInline, admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "originals",
        "copies",
        "mandatory",
        "condition",
        "reuse",
        "reuse_key",
        "form_field",
    )


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("__str__", "status", "valid_from", "valid_to", "online_level", "published_at")
    list_filter = ("status", "online_level", "procedure__field")
    search_fields = ("procedure__code", "procedure__name")
    list_select_related = ("procedure",)
    inlines = (DocumentInline,)
    readonly_fields = (
        "status",
        "published_at",
        "published_by",
        "workflow_link",
        "verification",
        "national_pulled_at",
        "national_changes",
    )

    class Media:
        css = {"all": ["catalog/admin.css"]}

    fieldsets = (
        (
            None,
            {
                "fields": (
                    "procedure",
                    "number",
                    "status",
                    "valid_from",
                    "valid_to",
                    "published_at",
                    "published_by",
                )
            },
        ),
        (
            _("Giải quyết"),
            {
                "fields": (
                    "time_limit_amount",
                    "time_limit_unit",
                    "same_day_cutoff",
                    "extension_max",
                    "extension_basis",
                    "apologies_allowed",
                    "online_level",
                    "location_independent",
                    "supplement_clock",
                    "supplement_request_days",
                    "legal_basis",
                    "source",
                )
            },
        ),
        (_("Kết quả"), {"fields": ("result_name", "result_template", "result_validity", "result_kind")}),
        (_("Phí, lệ phí và biểu mẫu"), {"fields": ("fee_rules", "form_schema", "ui_schema", "notes")}),
        (_("Quy trình và kiểm tra"), {"fields": ("workflow_link", "verification")}),
        (
            _("Cơ sở dữ liệu quốc gia về thủ tục hành chính"),
            {"fields": ("national_pulled_at", "national_changes")},
        ),
    )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="catalog_version_publish",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Quy trình nội bộ"))
    def workflow_link(self, obj: ProcedureVersion) -> str:
        workflow = Workflow.objects.filter(version=obj).first()
        if workflow is None:
            return "—"
        url = reverse("admin:catalog_workflow_change", args=[workflow.pk])
        return format_html('<a href="{}">{}</a>', url, workflow)

    @admin.display(description=_("Khác biệt so với phiên bản đã công bố"))
    def national_changes(self, obj: ProcedureVersion) -> str:
        """The difference stored by ``motcua national_portal pull-catalog``, read-only."""
        if not obj.national_pulled_at:
            return "—"
        if not obj.national_diff:
            return str(_("Không có khác biệt."))
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (change.get("label", change.get("field", "")), shown(change.get("published")),
                 shown(change.get("national")))
                for change in obj.national_diff
            ),
        )  # fmt: skip
        head = format_html(
            "<tr><th></th><th>{}</th><th>{}</th></tr>", _("Phiên bản đã công bố"), _("CSDL quốc gia")
        )
        return format_html("<table>{}{}</table>", head, rows)

    @admin.display(description=_("Kết quả kiểm tra"))
    def verification(self, obj: ProcedureVersion) -> str:
        if not obj.pk:
            return "—"
        findings = [f for report in services.verify_version(version=obj) for f in report.findings]
        if not findings:
            return format_html('<strong class="verify-pass">{}</strong>', _("Đạt: không có lỗi."))
        items = format_html_join("", "<li>{}</li>", ((str(f),) for f in findings))
        return format_html('<ul class="verify-fail">{}</ul>', items)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        version = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if version is not None and not version.is_published:
            extra["publish_url"] = reverse("admin:catalog_version_publish", args=[version.pk])
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(ProcedureVersion, pk=pk)
        change_url = reverse("admin:catalog_procedureversion_change", args=[pk])
        if request.method != "POST" or not self.has_change_permission(request, version):
            return HttpResponseRedirect(change_url)
        try:
            services.publish_version(version=version, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã công bố %(version)s.") % {"version": version})
        return HttpResponseRedirect(change_url)


class StepInline(FrozenInline, admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "role",
        "performer",
        "performer_agency",
        "allotment_hours",
        "actions",
        "is_initial",
    )
    raw_id_fields = ("performer_agency",)
    show_change_link = True


@admin.register(Workflow)
class WorkflowAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("__str__", "version")
    search_fields = ("version__procedure__code", "name")
    inlines = (StepInline,)


class TransitionInline(admin.TabularInline):
    model = Transition
    fk_name = "source"
    extra = 0
    fields = ("action", "target", "requires_reason")

    def _frozen(self, obj: Any) -> bool:
        return bool(obj is not None and obj.workflow.version.is_published)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(WorkflowStep)
class WorkflowStepAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("__str__", "workflow", "role", "performer", "allotment_hours")
    search_fields = ("workflow__version__procedure__code", "name", "code")
    inlines = (TransitionInline,)
