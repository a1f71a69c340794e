"""Agency.successors: the full set of an ended agency's successors (the main one, ``successor``, included),
so that every successor of a split body reads its archive. Filled from ``successor`` and from the
reorganization plans' ``reorg.AgencySuccession`` rows (read through the historical models: org imports no
reorg code; reorg 0001 depends on org 0002 only, so depending on it here makes no cycle)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_successors(apps, schema_editor):
    Agency = apps.get_model("org", "Agency")
    AgencySuccession = apps.get_model("reorg", "AgencySuccession")
    Link = Agency.successors.through
    pairs = set(Agency.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    pairs |= set(AgencySuccession.objects.values_list("predecessor_id", "successor_id"))
    Link.objects.bulk_create(
        [Link(from_agency_id=p, to_agency_id=s) for p, s in sorted(pairs) if p != s],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_agency_district_level"),
        ("reorg", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agency",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="main_predecessors",
                to="org.agency",
                verbose_name="cơ quan kế thừa chính",
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="successors",
            field=models.ManyToManyField(
                blank=True,
                help_text="Mọi cơ quan tiếp nhận chức năng của cơ quan đã kết thúc, kể cả cơ quan kế thừa chính.",
                related_name="predecessors",
                to="org.agency",
                verbose_name="các cơ quan kế thừa",
            ),
        ),
        migrations.RunPython(fill_successors, migrations.RunPython.noop, elidable=True),
    ]
