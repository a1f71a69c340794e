"""`motcua demo`: load the Huế demo world (idempotent) and print the demo accounts."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from motcua.core.demo import load_demo


class Command(BaseCommand):
    help = "Migrate and load the demo data (geography, Huế organization, sample catalog); print demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--province", default=None, help="GSO province code (default: MOTCUA_PROVINCE_CODE)")
        parser.add_argument("--only-province", action="store_true", help="load geography of this province only")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        accounts = load_demo(
            province_code=options["province"],
            all_provinces=not options["only_province"],
            progress=lambda msg: self.stdout.write(msg),
        )
        self.stdout.write(self.style.SUCCESS("Tài khoản demo / demo accounts:"))
        for row in accounts["accounts"]:
            self.stdout.write(f"  {row['username']:<28} {row['password']:<20} {row['role']:<20} {row['agency']}")
