"""`motcua demo`: load the Huế demo world (idempotent) and print the demo accounts."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from motcua.operations.demo import load_demo


class Command(BaseCommand):
    help = "Migrate, load the demo data (geography, Huế organization, sample catalog), print the accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", default=None, help="GSO province code (default: MOTCUA_PROVINCE_CODE)"
        )
        parser.add_argument(
            "--only-province", action="store_true", help="load the geography of this province only"
        )
        parser.add_argument(
            "--signing-keys-for",
            default="",
            help="demo signing keys only for these user-name prefixes (comma-separated: phuvang.,phuxuan.)",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        accounts = load_demo(
            province_code=options["province"],
            all_provinces=not options["only_province"],
            progress=lambda msg: self.stdout.write(msg),
        )
        self.stdout.write(self.style.SUCCESS("Tài khoản cán bộ demo / demo staff accounts:"))
        for row in accounts["accounts"]:
            line = f"  {row['username']:<28} {row['password']:<20} {row['role']:<20} {row['agency']}"
            self.stdout.write(line)
        self._national_portal()
        self._signing_keys([p for p in options["signing_keys_for"].split(",") if p])
        try:  # the reference services are installed beside the product for the demo (make demo), not with it
            from refservices.idp.citizens import CITIZENS, DEMO_PASSWORD
        except ImportError:
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Công dân demo (đăng nhập qua định danh điện tử) / demo citizens (national e-ID login):"
            )
        )
        for citizen in CITIZENS:
            self.stdout.write(f"  {citizen.national_id:<28} {DEMO_PASSWORD:<20} {citizen.full_name}")

    def _signing_keys(self, prefixes: list[str]) -> None:
        """Keys for the demo leaders and agencies from the test PKI that `make demo` set up (refservices.pki);
        without it, signature jobs fail with a message that says no key was issued."""
        from motcua.signing.demo import DEMO_SECRET_ENV, record_demo_keys

        pki_dir = (getattr(settings, "MOTCUA_SIGNING", None) or {}).get("pki_dir", "")
        try:
            from refservices.pki import Pki

            pki = Pki(pki_dir)
        except (ImportError, FileNotFoundError):
            self.stdout.write(
                f"no test PKI in {pki_dir!r}: demo signing keys not issued (make demo sets it up)"
            )
            return
        record_demo_keys(issue=pki.issue, prefixes=prefixes, progress=lambda msg: self.stdout.write(msg))
        self.stdout.write(
            f"  PKCS#12 passphrase for the worker: {DEMO_SECRET_ENV} ({pki.directory}/pkcs12-passphrase)"
        )

    def _national_portal(self) -> None:
        """Where the delivery worker sends status and progress, and where a demo story can begin."""
        url = settings.MOTCUA_NATIONAL_PORTAL_URL.rstrip("/")
        if not url:
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Cổng Dịch vụ công quốc gia (bản tham chiếu, make demo chạy sẵn) / "
                "reference national public service portal (started by make demo):"
            )
        )
        for path, what in (
            ("/", "công dân nộp hồ sơ / a citizen submits a dossier"),
            ("/ho-so/", "mọi hồ sơ, trạng thái và tiến độ / every dossier, its statuses and progress"),
            ("/ho-so/<mã hồ sơ>/", "một hồ sơ / one dossier"),
        ):
            self.stdout.write(f"  {url + path:<46} {what}")
        self.stdout.write(
            f"  tài khoản kết nối / motcua's account: {settings.MOTCUA_NATIONAL_PORTAL_USERNAME}; "
            "`motcua worker` nhận hồ sơ mới, gửi trạng thái / pulls new dossiers, sends statuses"
        )
