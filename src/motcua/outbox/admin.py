"""The outbox in the admin: what waits, what failed and why, and the operators' way out of a dead letter
(retry one, a stream or a destination; skip). Rows are never added, edited or deleted here: every change goes
through motcua.outbox.services and is written to the admin log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError
from motcua.outbox import selectors, services
from motcua.outbox.models import DeliveryAttempt, OutboxMessage


def may_operate(request: HttpRequest) -> bool:
    """Retry and skip: superusers and holders of the change permission on outbox messages."""
    user: Any = request.user
    return bool(user.is_active and (user.is_superuser or user.has_perm("integrations.change_outboxmessage")))


class SkipForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do bỏ qua"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "worker", "started_at", "finished_at", "outcome", "http_status", "error")
    readonly_fields = fields
    ordering = ("id",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "destination",
        "topic",
        "stream",
        "status",
        "attempts",
        "failures",
        "redeliveries",
        "created_at",
        "available_at",
        "delivered_at",
    ]
    list_filter = ["destination", "status", "topic", "province_code"]
    search_fields = ["key", "aggregate_id", "stream"]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_selected", "skip_selected", "retry_streams"]
    change_list_template = "admin/integrations/outboxmessage/change_list.html"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return may_operate(request)

    def _log(self, request: HttpRequest, ids: list[int], message: str) -> None:
        if ids:
            LogEntry.objects.log_actions(
                user_id=request.user.pk or 0,
                queryset=OutboxMessage.objects.filter(id__in=ids),
                action_flag=CHANGE,
                change_message=message,
            )

    @admin.action(description=_("Gửi lại các thư đã chọn (thư chết hoặc đã bỏ qua)"), permissions=["operate"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        changed = services.retry_messages(ids=list(queryset.values_list("id", flat=True)), by=request.user)
        self._log(request, changed, "retried")
        self.message_user(
            request,
            ngettext("Đã đặt gửi lại %(n)d thư.", "Đã đặt gửi lại %(n)d thư.", len(changed))
            % {"n": len(changed)},
        )

    @admin.action(description=_("Bỏ qua các thư đã chọn (không gửi nữa)"), permissions=["operate"])
    def skip_selected(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> HttpResponse | None:
        form = SkipForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                changed = services.skip_messages(
                    ids=list(queryset.values_list("id", flat=True)),
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self._log(request, changed, f"skipped: {form.cleaned_data['reason']}")
            self.message_user(
                request,
                ngettext("Đã bỏ qua %(n)d thư.", "Đã bỏ qua %(n)d thư.", len(changed)) % {"n": len(changed)},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bỏ qua thư"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/integrations/outboxmessage/skip.html", context)

    @admin.action(description=_("Gửi lại các luồng của thư đã chọn"), permissions=["operate"])
    def retry_streams(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        changed: list[int] = []
        for destination, stream in queryset.values_list("destination", "stream").distinct().order_by():
            changed += services.retry_stream(destination=destination, stream=stream, by=request.user)
        self._log(request, changed, "retried with its stream")
        self.message_user(
            request,
            ngettext("Đã đặt gửi lại %(n)d thư.", "Đã đặt gửi lại %(n)d thư.", len(changed))
            % {"n": len(changed)},
        )

    # --- the blocked streams page ----------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        return [
            path(
                "blocked/",
                self.admin_site.admin_view(self.blocked_view),
                name="integrations_outboxmessage_blocked",
            ),
            path(
                "blocked/act/",
                self.admin_site.admin_view(require_POST(self.blocked_action_view)),
                name="integrations_outboxmessage_blocked_act",
            ),
            *super().get_urls(),
        ]

    def blocked_view(self, request: HttpRequest) -> HttpResponse:
        """Streams whose head is a dead letter, with the queue statistics per destination."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        destination = request.GET.get("destination", "")[:40]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Luồng thư bị chặn"),
            "opts": self.model._meta,
            "stats": selectors.queue_stats(),
            "streams": selectors.blocked_streams(destination=destination or None),
            "destination": destination,
            "may_operate": may_operate(request),
            "skip_form": SkipForm(),
        }
        return TemplateResponse(request, "admin/integrations/outboxmessage/blocked_streams.html", context)

    def blocked_action_view(self, request: HttpRequest) -> HttpResponse:
        if not may_operate(request):
            raise PermissionDenied
        action = request.POST.get("action", "")
        destination = request.POST.get("destination", "")[:40]
        changed: list[int] = []
        if action == "retry_stream":
            stream = request.POST.get("stream", "")[:100]
            changed = services.retry_stream(destination=destination, stream=stream, by=request.user)
            self._log(request, changed, "retried with its stream")
        elif action == "retry_destination":
            changed = services.retry_destination(destination=destination, by=request.user)
            self._log(request, changed, "retried with its destination")
        elif action == "skip_head":
            form = SkipForm(request.POST)
            try:
                message_id = int(request.POST.get("message", ""))
            except ValueError:
                message_id = 0
            if not form.is_valid():
                self.message_user(request, _("Cần ghi lý do bỏ qua thư."), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:integrations_outboxmessage_blocked"))
            changed = services.skip_messages(
                ids=[message_id], by=request.user, reason=form.cleaned_data["reason"]
            )
            self._log(request, changed, f"skipped: {form.cleaned_data['reason']}")
        else:
            self.message_user(request, _("Thao tác không hợp lệ."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:integrations_outboxmessage_blocked"))
        if action == "skip_head":
            text = ngettext("Đã bỏ qua %(n)d thư.", "Đã bỏ qua %(n)d thư.", len(changed)) % {
                "n": len(changed)
            }
        else:
            text = ngettext("Đã đặt gửi lại %(n)d thư.", "Đã đặt gửi lại %(n)d thư.", len(changed)) % {
                "n": len(changed)
            }
        self.message_user(request, text)
        return HttpResponseRedirect(reverse("admin:integrations_outboxmessage_blocked"))
