from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('commitments', '0001_initial'), ('commitments', '0002_fulfilment_period'), ('commitments', '0003_closed_day'), ('commitments', '0004_packages_and_summary'), ('commitments', '0005_covering_case_index'), ('complaints', '0003_access_and_publication'), ('core', '0001_initial'), ('core', '0002_api_key'), ('core', '0003_outbox'), ('core', '0004_sessions_and_throttle'), ('problem_areas', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Feedback',
            name='matter_started_on',
            field=fields.DateField(null=True),
        ),
    ]
