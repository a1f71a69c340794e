"""`motcua legacy generate|import|reconcile DIR`: an old one-stop system's export (docs/legacy-import.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reorg.legacy.generate import generate
from motcua.reorg.legacy.importer import MERGED, NOTICE, REJECTED, import_export
from motcua.reorg.legacy.reconcile import reconcile


class Command(BaseCommand):
    help = "Legacy data: `legacy generate DIR`, `legacy import DIR`, `legacy reconcile DIR`."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        make = subcommands.add_parser(
            "generate", help="write a synthetic export of Huế's old one-stop system"
        )
        make.add_argument("directory", type=Path)
        make.add_argument("--dossiers", type=int, default=2000)
        make.add_argument("--years", type=int, default=3)
        make.add_argument("--seed", type=int, default=1)
        make.add_argument("--province", default="46", help="GSO code of the province (default 46, Huế)")
        load = subcommands.add_parser(
            "import", help="check every row, report the rejected ones, import the rest"
        )
        load.add_argument("directory", type=Path)
        load.add_argument("--batch-size", type=int, default=200, help="dossiers per transaction")
        load.add_argument(
            "--report", type=Path, help="CSV report of the rows (default under MOTCUA_VAR_DIR/legacy)"
        )
        load.add_argument("--throttle", type=float, default=0.0, help="seconds to pause between batches")
        check = subcommands.add_parser("reconcile", help="counts and checksums, export against imported")
        check.add_argument("directory", type=Path)

    def handle(self, *args, **options):
        directory: Path = options["directory"]
        if options["action"] == "generate":
            made = generate(
                directory,
                dossiers=options["dossiers"],
                years=options["years"],
                seed=options["seed"],
                province_code=options["province"],
            )
            rows = " ".join(f"{name}={count}" for name, count in made.counts.items())
            self.stdout.write(
                f"{directory}: {rows}; defects: duplicates={len(made.duplicates)} "
                f"conflicts={len(made.conflicts)} "
                f"missing_files={len(made.missing_files)} bad_checksums={len(made.bad_checksums)}"
            )
            return
        if not directory.is_dir():
            raise CommandError(_("%(directory)s không phải là thư mục.") % {"directory": directory})
        if options["action"] == "import":
            self._import(directory, options)
        else:
            self._reconcile(directory)

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done == total:
            self.stdout.write("")
        self.stdout.flush()

    def _import(self, directory: Path, options) -> None:
        try:
            outcome = import_export(
                directory=directory,
                batch_size=options["batch_size"],
                report_path=options["report"],
                throttle=options["throttle"],
                progress=self._progress,
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        if outcome.already_done:
            self.stdout.write(
                _("Đã nhập xong trước đây: không có gì thay đổi (báo cáo: %(report)s).")
                % {"report": outcome.report_path}
            )
            return
        issues = [kind for kind, _error in outcome.plan.issues]
        self.stdout.write(
            f"rejected={issues.count(REJECTED)} merged={issues.count(MERGED)} notices={issues.count(NOTICE)} "
            f"report={outcome.report_path}"
        )
        if outcome.run is None:
            raise CommandError(_("Dữ liệu xuất không hợp lệ, không nhập gì: xem báo cáo."))
        imported = " ".join(f"{entity}={count}" for entity, count in sorted(outcome.imported.items()))
        self.stdout.write(self.style.SUCCESS(f"imported {imported or 'nothing'}"))

    def _reconcile(self, directory: Path) -> None:
        result = reconcile(directory)
        self.stdout.write(
            f"{'entity':<11}{'status':<16}{'source':>8}{'rejected':>10}{'merged':>8}{'imported':>10}"
        )
        for line in result.counts:
            self.stdout.write(
                f"{line.entity:<11}{line.status:<16}{line.source:>8}{line.rejected:>10}{line.merged:>8}{line.imported:>10}"
            )
        self.stdout.write(
            f"explained: {len(result.explained)} rows left out with their reason (see the import report)"
        )
        for difference in result.unexplained:
            self.stdout.write(f"UNEXPLAINED {difference.entity} {difference.key}: {difference.message}")
        if not result.clean:
            self.stderr.write(f"{len(result.unexplained)} unexplained difference(s)")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("0 unexplained differences"))
