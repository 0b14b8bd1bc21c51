from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('commitments', '0004_packages_and_summary'), ('core', '0002_api_key')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='CaseRecord',
            name=None,
            fields=['service_id', 'received_at'],
        ),
        ops.AddIndex(
            model_name='CaseRecord',
            index=Index(fields=['service_id', 'received_at', 'completed_at', 'pauses']),
        ),
    ]
