"""`motcua national_portal intake` / `motcua national_portal pull-catalog CODE...`: the national public
service portal from the command line (docs/integrations.md "National public service portal")."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from motcua.catalog import services as catalog_services
from motcua.catalog.national import shown
from motcua.core.errors import DomainError
from motcua.integrations.national_portal import catalog_pull
from motcua.integrations.national_portal.adapter import NationalPortalAdapter
from motcua.integrations.national_portal.client import NationalPortalError
from motcua.outbox import registry


def _adapter() -> NationalPortalAdapter:
    adapter = registry.adapter_for("national_portal")
    if not isinstance(adapter, NationalPortalAdapter):
        raise CommandError("Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia (MOTCUA_NATIONAL_PORTAL_URL).")
    return adapter


class Command(BaseCommand):
    help = (
        "intake: pull new submissions from the national portal now; pull-catalog CODE...: build catalog "
        "drafts from the national procedure database with their difference from the published version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("intake", help="pull new submissions (LayHoSoMoi) once")
        pull = commands.add_parser("pull-catalog", help="LayThuTuc into a draft version, never published")
        pull.add_argument("codes", nargs="+", metavar="CODE", help="procedure codes (mã TTHC)")
        pull.add_argument("--json", action="store_true", help="print the differences as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        adapter = _adapter()
        try:
            if options["action"] == "intake":
                self.stdout.write(str(adapter.pull_intake()))
            else:
                self._pull_catalog(adapter, options["codes"], as_json=options["json"])
        except DomainError as error:
            raise CommandError(str(error)) from error
        except NationalPortalError as error:
            raise CommandError(f"Cổng Dịch vụ công quốc gia: {error}") from error
        finally:
            adapter.close()

    def _pull_catalog(self, adapter: NationalPortalAdapter, codes: list[str], *, as_json: bool) -> None:
        client = adapter.client("pull-catalog")
        records = [catalog_pull.fetch(client, code) for code in codes]  # every code known before any write
        with transaction.atomic():
            drafts = [catalog_services.pull_national_draft(national=record) for record in records]
        if as_json:
            self.stdout.write(
                json.dumps(
                    {str(d.procedure.code): d.national_diff for d in drafts}, ensure_ascii=False, indent=2
                )
            )
            return
        for draft in drafts:
            self.stdout.write(f"{draft.procedure.code}: dự thảo phiên bản {draft.number} (chưa công bố)")
            if not draft.national_diff:
                self.stdout.write("  không có khác biệt so với phiên bản đã công bố")
            for change in draft.national_diff:
                self.stdout.write(f"  {change.get('label')} [{change.get('field')}]")
                self.stdout.write(f"    - đã công bố: {shown(change.get('published'))}")
                self.stdout.write(f"    + CSDL quốc gia: {shown(change.get('national'))}")
