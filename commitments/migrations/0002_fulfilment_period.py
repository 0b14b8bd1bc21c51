from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('commitments', '0001_initial'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FulfilmentPeriod',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('commitments.CommitmentVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='periods', on_delete=OnDelete.CASCADE)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('total_volume', fields.IntField()),
                ('volume_meeting_target', fields.IntField()),
                ('performance', fields.FloatField(null=True)),
                ('target_met', fields.BooleanField(null=True)),
                ('too_few_cases', fields.BooleanField()),
                ('median_elapsed', fields.FloatField(null=True)),
                ('p90_elapsed', fields.FloatField(null=True)),
                ('wilson_low', fields.FloatField(null=True)),
                ('wilson_high', fields.FloatField(null=True)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'commitments_fulfilment', 'app': 'commitments', 'unique_together': (('version', 'period_start'),), 'pk_attr': 'id', 'table_description': 'Precomputed fulfilment of one commitment version in one reporting period.'},
            bases=['Model'],
        ),
    ]
