"""`motcua reorg load|show|dry-run|apply|cancel`: reorganization plans (docs/reorg.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reorg import plans, selectors, services
from motcua.reorg.dry_run import AT_RISK_DAYS, HISTORY_MONTHS, dry_run
from motcua.reorg.plans import PlanError


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = _("Phương án sắp xếp tổ chức: nạp, chạy thử, áp dụng, hủy.")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help=_("Nạp (hoặc thay bản dự thảo) phương án từ tệp YAML, có kiểm tra.")
        )
        load.add_argument("path")
        show = sub.add_parser("show", help=_("In phương án dưới dạng YAML và các lần áp dụng."))
        show.add_argument("code")
        check = sub.add_parser("dry-run", help=_("Chạy thử: báo cáo những gì sẽ thay đổi, không ghi gì."))
        check.add_argument("code")
        check.add_argument(
            "--at-risk-days",
            type=int,
            default=AT_RISK_DAYS,
            help=_(
                "Hồ sơ đến hạn trong số ngày làm việc này kể từ ngày hiệu lực được báo có nguy cơ trễ hạn."
            ),
        )
        check.add_argument(
            "--history-months",
            type=int,
            default=HISTORY_MONTHS,
            help=_("Số tháng lịch sử dùng cho dự báo khối lượng công việc (0: không dự báo)."),
        )
        apply = sub.add_parser("apply", help=_("Áp dụng phương án (từ thời điểm có hiệu lực), theo từng lô."))
        apply.add_argument("code")
        apply.add_argument("--batch", type=int, default=services.DEFAULT_BATCH, help=_("Số hồ sơ mỗi lô."))
        cancel = sub.add_parser("cancel", help=_("Hủy phương án chưa áp dụng."))
        cancel.add_argument("code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except PlanError as exc:
            self.stderr.write(_("Phương án không hợp lệ, không có gì được lưu:"))
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            sys.exit(1)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def _load(self, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("Không đọc được %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from None
        plan = services.load_plan(text=text)
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nạp phương án %(code)s, hiệu lực %(day)s.")
                % {"code": plan.code, "day": plans.effective_date(plan.document).strftime("%d/%m/%Y")}
            )
        )

    def _show(self, options: dict[str, Any]) -> None:
        plan = selectors.plan_by_code(code=options["code"])
        self.stdout.write(plans.dump(plan.document), ending="")
        self.stdout.write(f"# {plan.get_status_display()}")
        for run in selectors.runs_of(plan=plan):
            self.stdout.write(
                f"# {run.started_at:%Y-%m-%d %H:%M} {run.get_state_display()}: "
                f"{run.moved}/{run.total} moved, {run.skipped} skipped, {run.failed} failed"
            )

    def _dry_run(self, options: dict[str, Any]) -> None:
        plan = selectors.plan_by_code(code=options["code"])
        if not 0 <= options["history_months"] <= 120:
            raise CommandError(_("--history-months phải từ 0 đến 120."))
        report = dry_run(
            plan=plan,
            at_risk_days=options["at_risk_days"],
            history_months=options["history_months"] or None,
        )
        self.stdout.write(report.as_text())
        if not report.ok:
            sys.exit(2)

    def _progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // total if total else width
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stderr.flush()

    def _apply(self, options: dict[str, Any]) -> None:
        if options["batch"] < 1:
            raise CommandError(_("--batch phải lớn hơn 0."))
        plan = selectors.plan_by_code(code=options["code"])
        run = services.apply_plan(plan=plan, batch=options["batch"], progress=self._progress)
        self.stderr.write("")
        for failure in run.failures:
            self.stderr.write(f"  {failure['dossier']}: {failure['problem']}")
        summary = _(
            "Phương án %(code)s: đã chuyển %(moved)s hồ sơ, bỏ qua %(skipped)s, không chuyển được %(failed)s."
        ) % {"code": plan.code, "moved": run.moved, "skipped": run.skipped, "failed": run.failed}
        self.stdout.write(self.style.SUCCESS(summary) if not run.failed else self.style.WARNING(summary))
        if run.failed:
            sys.exit(2)

    def _cancel(self, options: dict[str, Any]) -> None:
        plan = services.cancel_plan(plan=selectors.plan_by_code(code=options["code"]))
        self.stdout.write(self.style.SUCCESS(_("Đã hủy phương án %(code)s.") % {"code": plan.code}))
