from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_api_key'), ('core', '0003_outbox'), ('core', '0004_sessions_and_throttle'), ('core', '0005_time_zone_and_closed_days'), ('core', '0006_job_run'), ('core', '0007_population'), ('problem_areas', '0002_codes_labels_models')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AreaDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='area_days', on_delete=OnDelete.CASCADE)),
                ('area', fields.ForeignKeyField('problem_areas.ProblemArea', source_field='area_id', db_constraint=True, to_field='id', related_name='days', on_delete=OnDelete.CASCADE)),
                ('day', fields.IntField()),
                ('texts', fields.IntField()),
            ],
            options={'table': 'problem_areas_area_day', 'app': 'problem_areas', 'unique_together': (('organisation', 'day', 'area'),), 'pk_attr': 'id', 'table_description': 'Texts of one problem area received on one local day of its organisation.'},
            bases=['Model'],
        ),
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
