"""`motcua submit_offline`: submit the dossiers the counter recorded while the online path was down."""

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.tasks import submit_offline_now


class Command(BaseCommand):
    help = (
        "Submit the dossiers recorded offline at the counter if the national e-ID answers "
        "(exit status 1 when it does not)."
    )

    def handle(self, *args, **options):
        done = submit_offline_now()
        if done is None:
            raise CommandError("Hệ thống định danh điện tử chưa phản hồi; hồ sơ vẫn chờ nộp.")
        self.stdout.write(f"Đã nộp {done} hồ sơ ghi nhận ngoại tuyến.")
