from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('commitments', '0006_closed_days_to_core'), ('core', '0007_population')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CaseMonth',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.ForeignKeyField('commitments.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='case_months', on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
                ('channel', fields.CharField(default='', max_length=10)),
                ('cases', fields.IntField()),
            ],
            options={'table': 'commitments_case_month', 'app': 'commitments', 'unique_together': (('service', 'month', 'channel'),), 'pk_attr': 'id', 'table_description': 'Cases of one service received in one local month through one channel.'},
            bases=['Model'],
        ),
        ops.RemoveIndex(
            model_name='CaseRecord',
            name=None,
            fields=['service_id', 'received_at', 'completed_at', 'pauses'],
        ),
        ops.AddIndex(
            model_name='CaseRecord',
            index=Index(fields=['service_id', 'received_at', 'completed_at', 'pauses', 'channel']),
        ),
    ]
