"""Admin for result documents: templates (with a PDF preview filled with sample data) and the outgoing-
document registers, which only the issuing transaction writes (read-only here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from motcua.core.errors import DomainError

from .documents import fill, render, sample_context
from .models import DocumentTemplate, OutgoingDocumentRegister


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["version", "kind", "name", "title", "symbol", "body", "recipients", "legal_basis"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "cols": 110, "spellcheck": "false"}),
            "recipients": forms.Textarea(attrs={"rows": 4, "cols": 80}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        probe = DocumentTemplate(**{k: v for k, v in data.items() if k in self.Meta.fields})
        try:
            fill(template=probe, context=sample_context(template=probe))
        except DomainError as exc:
            raise forms.ValidationError(str(exc), code=exc.code) from None
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ("name", "kind", "version", "symbol", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "title", "symbol", "version__procedure__code", "version__procedure__name")
    list_select_related = ("version__procedure",)
    autocomplete_fields = ("version",)
    readonly_fields = ("updated_at",)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="signing_documenttemplate_preview",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra = dict(extra_context or {})
        if object_id.isdigit():
            extra["preview_url"] = reverse("admin:signing_documenttemplate_preview", args=[int(object_id)])
        return super().change_view(request, object_id, form_url, extra)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Xem trước: the template as the PDF a citizen would receive, filled with sample data."""
        template = get_object_or_404(DocumentTemplate.objects.select_related("version__procedure"), pk=pk)
        if not self.has_view_or_change_permission(request, template):
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            rendered = render(template=template, context=sample_context(template=template))
        except DomainError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("admin:signing_documenttemplate_change", args=[pk]))
        response = HttpResponse(rendered.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="xem-truoc-{template.symbol}.pdf"'
        return response


@admin.register(OutgoingDocumentRegister)
class OutgoingDocumentRegisterAdmin(admin.ModelAdmin):
    """Sổ đăng ký văn bản đi: numbers are taken only by issuing a document (signing.registers)."""

    list_display = ("agency", "year", "symbol", "last_number")
    list_filter = ("year",)
    search_fields = ("agency__name", "symbol")
    list_select_related = ("agency",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
