from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0005_time_zone_and_closed_days')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('held_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result', fields.CharField(default='', max_length=500)),
                ('failed', fields.BooleanField(default=False)),
            ],
            options={'table': 'core_job_run', 'app': 'core', 'pk_attr': 'name', 'table_description': 'When each scheduled job (servicedialog.jobs) is due, and who holds it now: the'},
            bases=['Model'],
        ),
    ]
