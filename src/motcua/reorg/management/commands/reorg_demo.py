"""`motcua reorg_demo before-2025|plan`: Huế before 1 July 2025, and its 2025 plan built from the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reorg import hue2025


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = _(
            "Kịch bản trước ngày 01/7/2025 của Huế và kế hoạch sắp xếp năm 2025 (docs/reorg-hue-2025.md)."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        before = sub.add_parser(
            "before-2025",
            help=_(
                "Tạo tổ chức, danh mục và hồ sơ đang giải quyết trước ngày 01/7/2025 "
                "(chạy lại không tạo thêm)."
            ),
        )
        before.add_argument(
            "--dossiers", type=int, default=hue2025.DOSSIERS, help=_("Số hồ sơ đang giải quyết cần có.")
        )
        before.add_argument(
            "--communes", type=int, help=_("Chỉ đặt hồ sơ ở N xã, phường, thị trấn cũ đầu tiên (theo mã).")
        )
        plan = sub.add_parser("plan", help=_("Ghi kế hoạch sắp xếp năm 2025 (định dạng motcua-reorg/1)."))
        plan.add_argument("--out", help=_("Tệp đích (mặc định: in ra màn hình)."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "before-2025":
                if options["dossiers"] < 0 or (options["communes"] is not None and options["communes"] < 1):
                    raise CommandError(_("Số hồ sơ phải không âm và số xã phải từ 1 trở lên."))
                counts = hue2025.build_before_2025(
                    dossiers=options["dossiers"], communes=options["communes"], progress=self._say
                )
                self._say(
                    _("Xong: %(counts)s") % {"counts": ", ".join(f"{k} {v}" for k, v in counts.items())}
                )
            else:
                text = hue2025.plan_yaml()
                if options.get("out"):
                    Path(options["out"]).write_text(text, encoding="utf-8")
                    self._say(_("Đã ghi kế hoạch vào %(path)s") % {"path": options["out"]})
                else:
                    self.stdout.write(text, ending="")
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _say(self, message: str) -> None:
        self.stdout.write(message)
