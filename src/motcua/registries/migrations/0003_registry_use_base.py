# State only, no SQL (sqlmigrate: no-op): Consent and Lookup take their dossier foreign key from the abstract
# RegistryUse, whose related_name is written registry_%(class)ss (still registry_consents, registry_lookups).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0017_dossierdocument_stored_document'),
        ('registries', '0002_prefilled_values'),
    ]

    operations = [
        migrations.AlterField(
            model_name='consent',
            name='dossier',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='registry_%(class)ss', to='dossiers.dossier', verbose_name='hồ sơ'),
        ),
        migrations.AlterField(
            model_name='lookup',
            name='dossier',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='registry_%(class)ss', to='dossiers.dossier', verbose_name='hồ sơ'),
        ),
    ]
