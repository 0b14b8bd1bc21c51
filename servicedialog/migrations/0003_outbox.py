from tortoise import migrations
from tortoise.migrations import operations as ops
from servicedialog.models import OutboxStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0002_api_key')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('to_address', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=500)),
                ('body_text', fields.TextField(unique=False)),
                ('language', fields.CharField(default='sv', max_length=2)),
                ('reference', fields.CharField(default='', db_index=True, max_length=100)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed', enum_type=OutboxStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('message_id', fields.CharField(default='', max_length=255)),
            ],
            options={'table': 'core_outbox_message', 'app': 'core', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['organisation_id', 'status'])], 'pk_attr': 'id', 'table_description': 'One outgoing e-mail, queued with the change that caused it, sent by servicedialog.mail.'},
            bases=['Model'],
        ),
    ]
