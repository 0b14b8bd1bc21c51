from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0007_population'), ('problem_areas', '0002_codes_labels_models')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AreaMonth',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='area_months', on_delete=OnDelete.CASCADE)),
                ('area', fields.ForeignKeyField('problem_areas.ProblemArea', source_field='area_id', db_constraint=True, to_field='id', related_name='months', on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
                ('texts', fields.IntField()),
            ],
            options={'table': 'problem_areas_area_month', 'app': 'problem_areas', 'unique_together': (('organisation', 'month', 'area'),), 'pk_attr': 'id', 'table_description': 'Texts of one problem area received in one local month of its organisation.'},
            bases=['Model'],
        ),
    ]
