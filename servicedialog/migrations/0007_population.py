from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_api_key'), ('core', '0003_outbox'), ('core', '0004_sessions_and_throttle'), ('core', '0005_time_zone_and_closed_days'), ('core', '0006_job_run')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Organisation',
            name='population',
            field=fields.IntField(null=True),
        ),
    ]
