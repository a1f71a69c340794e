"""Copy the current step's agency, role, assignee and deadline onto the dossier row for the inbox index."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_current_step(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierStep = apps.get_model("dossiers", "DossierStep")

    def of_current(field):
        return Subquery(DossierStep.objects.filter(pk=OuterRef("current_step_id")).values(field)[:1])

    Dossier.objects.filter(current_step__isnull=False).update(
        step_agency_id=of_current("agency_id"),
        step_role=of_current("role"),
        step_assignee_id=of_current("assignee_id"),
        step_deadline=of_current("deadline"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_results_and_ratings"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="step_agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.agency",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="step_assignee",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.staff",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="step_deadline",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dossier",
            name="step_role",
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.RunPython(copy_current_step, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["step_agency", "step_role", "step_deadline", "submitted_at", "id"],
                name="dossier_inbox_step",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["receiving_agency", "state", "submitted_at", "id"], name="dossier_to_receive"
            ),
        ),
    ]
