"""`motcua uploads cleanup [--dry-run] [--grace-hours 24] [--draft-days N]`: delete the files citizens
uploaded that nothing refers to any more (replaced draft files, failed submissions, abandoned drafts).

Run it daily, e.g. from cron: ``30 2 * * * motcua uploads cleanup``.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.portal import uploads


class Command(BaseCommand):
    help = "Citizens' uploads: `uploads cleanup [--dry-run] [--grace-hours H] [--draft-days N]`."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        cleanup = subcommands.add_parser("cleanup", help="delete uploads no draft or dossier refers to")
        cleanup.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
        )
        cleanup.add_argument(
            "--grace-hours",
            type=float,
            default=uploads.GRACE.total_seconds() / 3600,
            help="keep uploads younger than this (a submission may still be in flight; default 24)",
        )
        cleanup.add_argument(
            "--draft-days",
            type=int,
            default=None,
            help="delete drafts not saved for this many days (default MOTCUA_DRAFT_MAX_AGE_DAYS)",
        )
        cleanup.add_argument("--list", action="store_true", help="print each file deleted")

    def handle(self, *args, **options):
        summary = uploads.cleanup_uploads(
            grace=dt.timedelta(hours=options["grace_hours"]),
            draft_days=options["draft_days"],
            dry_run=options["dry_run"],
        )
        if options["list"] or options["dry_run"]:
            for ref in summary.refs:
                self.stdout.write(ref)
        values = {
            "files": summary.files,
            "mb": round(summary.bytes / uploads.MB, 1),
            "drafts": summary.drafts,
            "kept": summary.kept,
        }
        if options["dry_run"]:
            message = _(
                "Chạy thử: Sẽ xóa %(files)s tệp (%(mb)s MB) và %(drafts)s bản nháp bỏ dở; "
                "giữ %(kept)s tệp còn được bản nháp hoặc hồ sơ dùng."
            )
        else:
            message = _(
                "Đã xóa %(files)s tệp (%(mb)s MB) và %(drafts)s bản nháp bỏ dở; "
                "giữ %(kept)s tệp còn được bản nháp hoặc hồ sơ dùng."
            )
        self.stdout.write(message % values)
