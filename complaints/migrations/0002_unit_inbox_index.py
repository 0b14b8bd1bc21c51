from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('complaints', '0001_initial')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Feedback',
            name=None,
            fields=['unit_id', 'status', 'answer_due'],
        ),
        ops.AddIndex(
            model_name='Feedback',
            index=Index(fields=['organisation_id', 'unit_id', 'status', 'answer_due']),
        ),
    ]
