"""The payments' admin: the agencies' beneficiary accounts, and the daily reconciliations with their
mismatches (read-only: they are made by the payments adapter's daily job)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from motcua.payments.models import PaymentAccount, Reconciliation

MISMATCH_LABELS = {
    "paid_without_transfer": _("Đã ghi nhận thanh toán nhưng không có giao dịch"),
    "transfer_without_payment": _("Giao dịch không khớp khoản phí nào"),
    "amount_mismatch": _("Số tiền ghi nhận khác tổng giao dịch"),
}


@admin.register(PaymentAccount)
class PaymentAccountAdmin(admin.ModelAdmin):
    list_display = ("agency", "bank_bin", "account_number", "account_name")
    search_fields = ("agency__name", "account_number")
    autocomplete_fields = ("agency",)


def _describe(mismatch: dict[str, Any]) -> str:
    details = ", ".join(f"{key}: {value}" for key, value in mismatch.items() if key != "kind")
    return f"{MISMATCH_LABELS.get(str(mismatch.get('kind')), mismatch.get('kind'))} ({details})"


@admin.register(Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    """Đối soát thanh toán: one row a day, the newest first; the mismatches listed on the row's page."""

    list_display = (
        "day",
        "payments_paid",
        "amount_paid",
        "transfers",
        "amount_transferred",
        "mismatch_count",
        "ran_at",
    )
    list_filter = ("day",)
    date_hierarchy = "day"
    fields = (
        "day",
        "ran_at",
        "payments_paid",
        "amount_paid",
        "transfers",
        "amount_transferred",
        "mismatch_count",
        "mismatch_list",
    )
    readonly_fields = fields

    @admin.display(description=_("chênh lệch"))
    def mismatch_list(self, obj: Reconciliation) -> SafeString | str:
        if not obj.mismatches:
            return str(_("Không có chênh lệch."))
        return format_html_join("", "<p>{}</p>", ((_describe(m),) for m in obj.mismatches))

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
