"""`motcua catalog export|import|verify`: the procedure catalog as a file, and its verifier."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import Procedure
from motcua.catalog.verifier import verify
from motcua.core.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Ngày không hợp lệ: %(value)s (cần YYYY-MM-DD)") % {"value": value}) from None


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Translated when the parser is built, in the language of the run: argparse needs a str.
        self.help = _("Xuất, nhập và kiểm tra danh mục thủ tục hành chính.")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help=_("Xuất danh mục ra YAML."))
        export.add_argument("--output", "-o", help=_("Tệp đích (mặc định: in ra màn hình)."))
        export.add_argument(
            "--code", action="append", default=[], help=_("Chỉ xuất thủ tục có mã này (lặp lại được).")
        )
        export.add_argument("--published-only", action="store_true", help=_("Bỏ qua các phiên bản dự thảo."))
        imp = sub.add_parser("import", help=_("Nhập danh mục từ tệp YAML/JSON (tất cả hoặc không gì cả)."))
        imp.add_argument("path", nargs="?", help=_("Tệp cần nhập; bỏ trống với --sample."))
        imp.add_argument(
            "--publish", action="store_true", help=_("Công bố các phiên bản sau khi kiểm tra đạt.")
        )
        imp.add_argument(
            "--sample", action="store_true", help=_("Nhập danh mục mẫu của Huế kèm theo phần mềm.")
        )
        check = sub.add_parser("verify", help=_("Kiểm tra danh mục vào một ngày."))
        check.add_argument("--date", type=_date, help=_("Ngày kiểm tra (mặc định: hôm nay)."))
        check.add_argument("--province", help=_("Mã tỉnh (mặc định: MOTCUA_PROVINCE_CODE)."))
        check.add_argument("--code", action="append", default=[], help=_("Chỉ kiểm tra thủ tục có mã này."))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self._export(options)
        elif action == "import":
            self._import(options)
        else:
            self._verify(options)

    def _export(self, options: dict[str, Any]) -> None:
        procedures = Procedure.objects.filter(code__in=options["code"]) if options["code"] else None
        text = services.export_catalog(procedures=procedures, published_only=options["published_only"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(
                self.style.SUCCESS(_("Đã xuất danh mục ra %(path)s.") % {"path": options["output"]})
            )
        else:
            self.stdout.write(text, ending="")

    def _import(self, options: dict[str, Any]) -> None:
        if options["sample"]:
            path = services.SAMPLE_CATALOG
            publish = True
        elif options["path"]:
            path = Path(options["path"])
            publish = options["publish"]
        else:
            raise CommandError(_("Cần nêu tệp cần nhập hoặc --sample."))
        try:
            counts = services.import_catalog(
                path=path, publish=publish, progress=lambda m: self.stdout.write(m)
            )
        except CatalogFormatError as exc:
            self.stderr.write(_("%(path)s: không nhập được, không có gì thay đổi:") % {"path": path})
            for problem in exc.problems:
                self.stderr.write(
                    f"  {path}:{problem.line}: {problem.message}"
                    if problem.line
                    else f"  {path}: {problem.message}"
                )
            sys.exit(1)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        summary = ", ".join(f"{k}={v}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(_("Đã nhập %(path)s: %(summary)s") % {"path": path, "summary": summary})
        )

    def _verify(self, options: dict[str, Any]) -> None:
        day = options["date"] or timezone.localdate()
        procedures = Procedure.objects.filter(code__in=options["code"]) if options["code"] else None
        report = verify(on=day, province_code=options["province"], procedures=procedures)
        if report.ok:
            self.stdout.write(report.as_text())
            return
        self.stderr.write(report.as_text())
        sys.exit(1)
