from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_api_key')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ProblemArea',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='problem_areas', on_delete=OnDelete.CASCADE)),
                ('name_sv', fields.CharField(max_length=120)),
                ('name_en', fields.CharField(default='', max_length=120)),
                ('description_sv', fields.TextField(default='', unique=False)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'problem_areas_area', 'app': 'problem_areas', 'unique_together': (('organisation', 'name_sv'),), 'pk_attr': 'id', 'table_description': 'A problem area of one organisation, e.g. long waiting times or unclear information.'},
            bases=['Model'],
        ),
    ]
