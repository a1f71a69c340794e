# The calendar's version token moved to core.SnapshotVersion (domain "calendar"), kept by triggers.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workcalendar', '0003_version'),
        ('core', '0001_snapshot_versions'),
    ]

    operations = [
        migrations.DeleteModel(
            name='CalendarVersion',
        ),
    ]
