"""Seed the default office hours (Mon–Fri 07:00–11:30 and 13:30–17:00) so administrators can edit them."""

import datetime as dt

from django.db import migrations

MORNING = (dt.time(7, 0), dt.time(11, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))


def seed(apps, schema_editor):
    OfficeHours = apps.get_model("workcalendar", "OfficeHours")
    OfficeInterval = apps.get_model("workcalendar", "OfficeInterval")
    if OfficeHours.objects.filter(agency__isnull=True).exists():
        return
    hours = OfficeHours.objects.create(
        agency=None, valid_from=dt.date(2000, 1, 1), note="Giờ làm việc mặc định (thứ Hai đến thứ Sáu)"
    )
    OfficeInterval.objects.bulk_create(
        OfficeInterval(office_hours=hours, weekday=weekday, start=start, end=end)
        for weekday in range(5)
        for start, end in (MORNING, AFTERNOON)
    )


def unseed(apps, schema_editor):
    apps.get_model("workcalendar", "OfficeHours").objects.filter(
        agency__isnull=True, valid_from=dt.date(2000, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
