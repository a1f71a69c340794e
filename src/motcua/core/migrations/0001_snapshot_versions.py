"""The snapshot version table and the triggers that keep it in step with the org, catalog, calendar and geo
tables (``motcua.core.snapshot_triggers``: SQLite row triggers, PostgreSQL statement triggers)."""

from django.db import migrations, models

from motcua.core import snapshot_triggers

DOMAINS = ("org", "catalog", "calendar", "geo")


def install(apps, schema_editor):
    snapshot_triggers.bump_all(schema_editor.connection, DOMAINS)
    snapshot_triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    snapshot_triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("accounts", "0003_enrolment_link"),
        ("catalog", "0007_national_pull"),
        ("geo", "0001_initial"),
        ("org", "0002_reception_point_code_help"),
        ("workcalendar", "0003_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="SnapshotVersion",
            fields=[
                ("domain", models.CharField(max_length=16, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "phiên bản dữ liệu dùng chung",
                "verbose_name_plural": "phiên bản dữ liệu dùng chung",
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
