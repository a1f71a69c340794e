"""`motcua worker`: the background worker (django-tasks database backend)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (db_worker)."

    def handle(self, *args, **options):
        call_command("db_worker")
