"""`motcua restore FILE [--yes [--force-empty]] [--passphrase-file FILE] [--database-url URL]`: check an
archive of `motcua backup` and restore it into an empty database and the storages (motcua.reorg.backup).

Without ``--yes`` the archive is only checked (every checksum, the engine, the migrations, the target's
emptiness) and nothing changes. ``--yes --force-empty`` restores over a database that holds data (its tables
are replaced) and over stored files with other content. Exit codes: docs/backup.md, "Exit codes".
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reorg import backup


class Command(BaseCommand):
    help = "Kiểm tra và phục hồi một tệp sao lưu vào cơ sở dữ liệu trống (docs/backup.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive written by `motcua backup`")
        parser.add_argument(
            "--yes", action="store_true", help="restore (without it: check only, change nothing)"
        )
        parser.add_argument(
            "--force-empty",
            action="store_true",
            help="with --yes: replace a database that holds data and stored files with other content",
        )
        parser.add_argument("--passphrase-file", help="the passphrase file of an archive encrypted with one")
        parser.add_argument("--database-url", help="restore into this database instead of the configured one")
        parser.add_argument(
            "--work-dir", type=Path, help="where the archive is unpacked and checked (default /tmp)"
        )
        parser.add_argument("--timeout", type=float, default=None, help="seconds pg_restore may take")

    def handle(self, *args, **options):
        if options["force_empty"] and not options["yes"]:
            raise CommandError(_("--force-empty chỉ dùng cùng --yes."), returncode=2)
        archive = options["file"]
        try:
            encrypted = archive.is_file() and backup.is_encrypted(archive)
            report = backup.restore_backup(
                path=archive,
                key=backup.Key.from_env(options["passphrase_file"]) if encrypted else None,
                database_url=options["database_url"],
                write=options["yes"],
                force=options["force_empty"],
                progress=lambda message: self.stderr.write(message),
                work_dir=options["work_dir"],
                tool_timeout=options["timeout"],
            )
        except DomainError as error:
            raise CommandError(str(error), returncode=backup.EXIT_CODES.get(error.code, 1)) from error
        values = {
            "created": report.created_at,
            "engine": report.engine,
            "tables": report.tables,
            "rows": report.rows,
            "files": report.files,
            "kept": report.files_kept,
        }
        if report.restored:
            message = _(
                "Đã phục hồi bản sao lưu lúc %(created)s (%(engine)s): %(tables)s bảng, %(rows)s dòng, "
                "%(files)s tệp (%(kept)s tệp đã có sẵn)."
            )
        else:
            message = _(
                "Tệp sao lưu lúc %(created)s (%(engine)s) nguyên vẹn: %(tables)s bảng, %(rows)s dòng, "
                "%(files)s tệp sẽ ghi (%(kept)s đã có). Chưa thay đổi gì: thêm --yes để phục hồi."
            )
        self.stdout.write(message % values)
        if report.migrations_behind:
            self.stdout.write(
                _("Mã nguồn có migration mới hơn cho %(apps)s: chạy `motcua migrate` sau khi phục hồi.")
                % {"apps": ", ".join(report.migrations_behind)}
            )
