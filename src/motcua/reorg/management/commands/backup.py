"""`motcua backup [--out FILE] [--encrypt] [--passphrase-file FILE] [--database-url URL]`: one archive of the
database and every stored file, with its manifest and checksums (motcua.reorg.backup, docs/backup.md).

Progress goes to stderr, the archive's path to stdout. Exit codes: docs/backup.md, "Exit codes".
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reorg import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và mọi tệp đã lưu vào một tệp lưu trữ (docs/backup.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, help="the archive to write (default var/backups/motcua-<time>.tar)"
        )
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help="AES-256-GCM with MOTCUA_BACKUP_KEY (base64 of 32 bytes) or --passphrase-file",
        )
        parser.add_argument(
            "--passphrase-file", help="a file holding the passphrase (scrypt); implies --encrypt"
        )
        parser.add_argument("--database-url", help="back up this database instead of the configured one")
        parser.add_argument(
            "--timeout", type=float, default=None, help="seconds pg_dump may take (default: no limit)"
        )

    def handle(self, *args, **options):
        try:
            key = (
                backup.Key.from_env(options["passphrase_file"])
                if options["encrypt"] or options["passphrase_file"]
                else None
            )
            if (options["encrypt"] or options["passphrase_file"]) and key is None:
                raise DomainError(
                    backup.KEY_REFUSED, _("--encrypt cần MOTCUA_BACKUP_KEY hoặc --passphrase-file.")
                )
            report = backup.create_backup(
                out=options["out"],
                key=key,
                database_url=options["database_url"],
                progress=lambda message: self.stderr.write(message),
                tool_timeout=options["timeout"],
            )
        except DomainError as error:
            raise CommandError(str(error), returncode=backup.EXIT_CODES.get(error.code, 1)) from error
        self.stderr.write(
            _("Xong: %(engine)s, %(tables)s bảng, %(rows)s dòng, %(files)s tệp%(encrypted)s.")
            % {
                "engine": report.engine,
                "tables": report.tables,
                "rows": report.rows,
                "files": report.files,
                "encrypted": _(", đã mã hóa") if report.encrypted else "",
            }
        )
        self.stdout.write(str(report.path))
