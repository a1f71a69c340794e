"""`motcua geo load [--province 46]` loads administrative units (idempotent); `motcua geo compare`
prints where the two data packages disagree (see docs/geo.md)."""

from __future__ import annotations

from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.geo.services import load_units
from motcua.geo.sources import Disagreement, read_dataset


class Command(BaseCommand):
    help = "Administrative geography: `geo load [--province CODE ...]`, `geo compare`."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        load = subcommands.add_parser("load", help="load units and successions from the data packages")
        load.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="GSO code of a 2025 province (repeatable); default: the whole country",
        )
        compare = subcommands.add_parser(
            "compare", help="list where vietnam-provinces and vietnamadminunits differ"
        )
        compare.add_argument("--examples", type=int, default=3, help="examples shown per kind of difference")

    def handle(self, *args, **options):
        if options["action"] == "compare":
            self._compare(examples=options["examples"])
            return
        try:
            counts = load_units(provinces=options["provinces"], progress=self.stdout.write)
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(" ".join(f"{name}={value}" for name, value in counts.items())))

    def _compare(self, *, examples: int) -> None:
        _dataset, disagreements, abolished = read_dataset()
        groups: dict[tuple[str, str, str], list[Disagreement]] = defaultdict(list)
        for item in disagreements:
            groups[(item.period, item.level, item.kind)].append(item)
        for (period, level, kind), items in sorted(groups.items()):
            self.stdout.write(f"{period} {level} {kind}: {len(items)}")
            for item in items[:examples]:
                self.stdout.write(
                    f"    {item.code}  GSO: {item.gso or '-'}  |  vietnamadminunits: {item.other or '-'}"
                )
        self.stdout.write(
            f"legacy communes in GSO's January 2025 list, gone by 30 June 2025: {len(abolished)}"
        )
