from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0004_sessions_and_throttle')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ClosedDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='calendar_days', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('reason', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'core_closed_day', 'app': 'core', 'unique_together': (('organisation', 'day'),), 'pk_attr': 'id', 'table_description': "A local day off (e.g. a municipality's bridge day): not a working day for any of the"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Organisation',
            name='time_zone',
            field=fields.CharField(default='Europe/Stockholm', db_default='Europe/Stockholm', max_length=64),
        ),
        # Finnish organisations that existed before the setting keep Finnish time.
        ops.RunSQL(
            "UPDATE core_organisation SET time_zone = 'Europe/Helsinki' WHERE country = 'FI'",
            reverse_sql="SELECT 1",
        ),
    ]
