from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('commitments', '0002_fulfilment_period'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ClosedDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='closed_days', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('reason', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'commitments_closed_day', 'app': 'commitments', 'unique_together': (('organisation', 'day'),), 'pk_attr': 'id', 'table_description': "A local day off (e.g. a municipality's bridge day): not a working day for its clocks."},
            bases=['Model'],
        ),
    ]
