"""`motcua enrolment_link USERNAME [--base-url URL]`: a one-time link to set a password and enrol TOTP."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.accounts import services
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue a one-time enrolment link for an officer: the officer opens it, sets a password and registers "
        "the authenticator app. Valid MOTCUA_ENROLMENT_LINK_HOURS; an earlier unused link is revoked."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default="",
            help="site address officers use, e.g. https://motcua.hue.gov.vn (default: the path only)",
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"unknown username {options['username']!r}")
        try:
            issued = services.issue_enrolment_link(user=user)
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{options['base_url'].rstrip('/')}{issued.path}")
        expires = timezone.localtime(issued.expires_at)
        self.stderr.write(f"{user.username}: single use, expires {expires:%Y-%m-%d %H:%M %Z}")
