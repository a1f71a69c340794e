from django.db import migrations, models


class Migration(migrations.Migration):
    # Issue 18: the integrator chains this after dossiers 0023 (the reorganization event kind) if it exists.
    dependencies = [("dossiers", "0023_reorganized_event")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="legacy_code",
            field=models.CharField(
                blank=True, db_index=True, default="", max_length=80, verbose_name="mã hồ sơ ở hệ thống cũ"
            ),
        ),
    ]
