"""``motcua payments reconcile --date YYYY-MM-DD``: the daily reconciliation (đối soát) of payments against
transfers: paid payments without a transfer, transfers without a payment, amounts that do not add up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.payments import selectors, services


class Command(BaseCommand):
    help = "Payments: the daily reconciliation (reconcile --date YYYY-MM-DD, default yesterday)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reconcile"])
        parser.add_argument("--date", help="the day (local time), YYYY-MM-DD; default: yesterday")
        parser.add_argument(
            "--record",
            action="store_true",
            help="store the day's reconciliation as the daily job does (a day already stored is not redone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                dt.date.fromisoformat(options["date"])
                if options.get("date")
                else timezone.localdate() - dt.timedelta(days=1)
            )
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        found = selectors.reconcile(day=day, tz=timezone.get_current_timezone())
        write = self.stdout.write
        if options["record"]:
            row, made = services.reconcile_day(day=day)
            state = "đã lưu" if made else "đã có từ trước, không làm lại"
            write(f"Đối soát ngày {day.isoformat()} {state}: {row.mismatch_count} chênh lệch")
        write(f"Đối soát thanh toán ngày {day.isoformat()}")
        write(f"- Khoản đã thanh toán không có giao dịch: {len(found.paid_without_transfer)}")
        for payment in found.paid_without_transfer:
            write(f"  {payment.reference}\t{payment.dossier.code}\t{payment.amount_paid}")
        write(f"- Giao dịch không khớp khoản phí nào: {len(found.transfers_without_payment)}")
        for transfer in found.transfers_without_payment:
            write(f"  {transfer.provider}:{transfer.event_id}\t{transfer.amount}\t{transfer.content}")
        write(f"- Số tiền không khớp: {len(found.amount_mismatches)}")
        for payment, total in found.amount_mismatches:
            code, paid = payment.dossier.code, payment.amount_paid
            write(f"  {payment.reference}\t{code}\tghi nhận {paid}\tgiao dịch {total}")
