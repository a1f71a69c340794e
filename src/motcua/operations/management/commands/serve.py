"""`motcua serve`: the web application behind gunicorn (WSGI)."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (WSGI) on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("MOTCUA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))

    def handle(self, *args, **options):
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "motcua.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        os.execvp(argv[0], argv)
