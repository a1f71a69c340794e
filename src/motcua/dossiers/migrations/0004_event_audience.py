"""Events carry an audience; existing events get the audience their kind has (dossiers.models.event_audience)."""

from django.db import migrations, models

# Frozen copy of the table in dossiers.models.event_audience at the time of this migration.
APPLICANT_KINDS = [
    "submitted",
    "received",
    "reception_supplement",
    "refused_at_reception",
    "supplement_requested",
    "supplement_provided",
    "apology_signed",
    "withdrawn",
    "rated",
]
APPLICANT_STEP_ACTIONS = ["refuse", "return_result"]


def set_audience(apps, schema_editor):
    events = apps.get_model("dossiers", "DossierEvent").objects
    events.update(audience="staff")
    events.filter(kind__in=APPLICANT_KINDS).update(audience="applicant")
    steps = events.filter(kind="step_action")
    steps.filter(action__in=APPLICANT_STEP_ACTIONS).update(audience="applicant")
    steps.filter(data__state="result_ready").update(audience="applicant")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0003_inbox_step_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierevent",
            name="audience",
            field=models.CharField(
                choices=[("applicant", "người nộp hồ sơ"), ("staff", "chỉ cán bộ")],
                default="staff",
                help_text="Người nộp hồ sơ chỉ thấy các sự kiện dành cho mình; lý do nội bộ chỉ cán bộ thấy.",
                max_length=12,
                verbose_name="dành cho",
            ),
        ),
        migrations.RunPython(set_audience, migrations.RunPython.noop),
    ]
