"""`motcua calendar show --year 2026 [--agency CODE]` prints the non-working days of a year."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from motcua.calendar import selectors
from motcua.org.models import Agency

# Weekday abbreviations, Monday first (lazy: read in the language of the run).
WEEKDAYS = (
    pgettext_lazy("weekday", "T2"),
    pgettext_lazy("weekday", "T3"),
    pgettext_lazy("weekday", "T4"),
    pgettext_lazy("weekday", "T5"),
    pgettext_lazy("weekday", "T6"),
    pgettext_lazy("weekday", "T7"),
    pgettext_lazy("weekday", "CN"),
)


class Command(BaseCommand):
    help = "Working-time calendar: `calendar show --year YYYY [--agency CODE] [--weekends]`."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        show = subcommands.add_parser("show", help="list the days without office hours of a year")
        show.add_argument("--year", type=int, default=dt.date.today().year)
        show.add_argument("--agency", metavar="CODE", help="agency code (default: the default calendar)")
        show.add_argument("--weekends", action="store_true", help="also list ordinary Saturdays and Sundays")

    def handle(self, *args, **options):
        agency_id = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).order_by("-valid_from").first()
            if agency is None:
                raise CommandError(f"unknown agency code {options['agency']!r}")
            agency_id = agency.pk
        days = selectors.non_working_days(year=options["year"], agency_id=agency_id)
        shown = 0
        for day, reason in days:
            ordinary_weekend = day.weekday() >= 5 and reason == str(selectors.WEEKLY_REST)
            if ordinary_weekend and not options["weekends"]:
                continue
            self.stdout.write(f"{day:%Y-%m-%d} {WEEKDAYS[day.weekday()]}  {reason}")
            shown += 1
        for day, reason in selectors.make_up_days(year=options["year"], agency_id=agency_id):
            working = _("làm việc: %(reason)s") % {"reason": reason}
            self.stdout.write(f"{day:%Y-%m-%d} {WEEKDAYS[day.weekday()]}  {working}")
        self.stdout.write(
            _("%(shown)s ngày nghỉ được liệt kê, %(days)s ngày không làm việc trong năm %(year)s.")
            % {"shown": shown, "days": len(days), "year": options["year"]}
        )
