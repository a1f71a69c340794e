"""`motcua documents export|import`: the result-document templates as a file (signing/interchange.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.signing import interchange


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = _("Xuất, nhập mẫu văn bản kết quả (thông báo dừng, xin lỗi, kết quả giải quyết).")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help=_("Xuất mẫu văn bản ra YAML."))
        export.add_argument("--output", "-o", help=_("Tệp đích (mặc định: in ra màn hình)."))
        imported = sub.add_parser("import", help=_("Nhập mẫu văn bản từ YAML (tất cả hoặc không)."))
        imported.add_argument("path", nargs="?", help=_("Tệp nguồn (mặc định: mẫu của dữ liệu Huế)."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            text = interchange.export_templates()
            if options.get("output"):
                Path(options["output"]).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return
        path = options.get("path") or interchange.SAMPLE_TEMPLATES
        try:
            counts = interchange.import_templates(path=path)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Đã nhập: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi.") % counts
        )
