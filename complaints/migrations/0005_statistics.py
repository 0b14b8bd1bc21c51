from tortoise import migrations
from tortoise.migrations import operations as ops
from complaints.states import Channel, Kind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('commitments', '0006_closed_days_to_core'), ('complaints', '0004_matter_started_on'), ('core', '0007_population'), ('problem_areas', '0002_codes_labels_models')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedbackCauseMonth',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback_cause_months', on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
                ('unit_id', fields.IntField(null=True)),
                ('service_id', fields.IntField(null=True)),
                ('channel', fields.CharEnumField(description='WEB: web\nPHONE: phone\nVISIT: visit\nLETTER: letter\nEMAIL: email\nOPEN311: open311', enum_type=Channel, max_length=16)),
                ('root_cause_id', fields.IntField(null=True)),
                ('closed', fields.IntField(default=0)),
                ('improvements', fields.IntField(default=0)),
            ],
            options={'table': 'feedback_cause_month', 'app': 'complaints', 'indexes': [Index(fields=['organisation_id', 'month'])], 'pk_attr': 'id', 'table_description': "A month's closed complaints by root cause (a problem area), and how many of them"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackHandlingDays',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback_handling_days', on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
                ('unit_id', fields.IntField(null=True)),
                ('service_id', fields.IntField(null=True)),
                ('channel', fields.CharEnumField(description='WEB: web\nPHONE: phone\nVISIT: visit\nLETTER: letter\nEMAIL: email\nOPEN311: open311', enum_type=Channel, max_length=16)),
                ('days', fields.IntField()),
                ('count', fields.IntField()),
            ],
            options={'table': 'feedback_handling_days', 'app': 'complaints', 'indexes': [Index(fields=['organisation_id', 'month', 'unit_id', 'service_id', 'channel', 'days', 'count'])], 'pk_attr': 'id', 'table_description': "How many of a month's answered records took each number of working days (a"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackMonth',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback_months', on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
                ('unit_id', fields.IntField(null=True)),
                ('service_id', fields.IntField(null=True)),
                ('kind', fields.CharEnumField(description='COMPLAINT: complaint\nSUGGESTION: suggestion\nPRAISE: praise\nQUESTION: question', enum_type=Kind, max_length=16)),
                ('channel', fields.CharEnumField(description='WEB: web\nPHONE: phone\nVISIT: visit\nLETTER: letter\nEMAIL: email\nOPEN311: open311', enum_type=Channel, max_length=16)),
                ('received', fields.IntField(default=0)),
                ('acknowledged', fields.IntField(default=0)),
                ('acknowledged_on_time', fields.IntField(default=0)),
                ('answered', fields.IntField(default=0)),
                ('answered_on_time', fields.IntField(default=0)),
                ('closed', fields.IntField(default=0)),
                ('upheld', fields.IntField(default=0)),
                ('partly_upheld', fields.IntField(default=0)),
                ('not_upheld', fields.IntField(default=0)),
                ('resolved', fields.IntField(default=0)),
                ('reviews', fields.IntField(default=0)),
                ('satisfaction_sum', fields.IntField(default=0)),
                ('satisfaction_count', fields.IntField(default=0)),
                ('improvements', fields.IntField(default=0)),
            ],
            options={'table': 'feedback_month', 'app': 'complaints', 'indexes': [Index(fields=['organisation_id', 'month'])], 'pk_attr': 'id', 'table_description': 'The feedback received in one month, by unit, service, kind and channel.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackStatistics',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback_statistics', on_delete=OnDelete.CASCADE)),
                ('watermark', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refreshed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'feedback_statistics', 'app': 'complaints', 'pk_attr': 'id', 'table_description': "Where an organisation's statistics stand: the latest ``updated_at`` of its records"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Feedback',
            name='acknowledged_on_time',
            field=fields.BooleanField(null=True),
        ),
        ops.AddField(
            model_name='Feedback',
            name='answered_on_time',
            field=fields.BooleanField(null=True),
        ),
        ops.AddField(
            model_name='Feedback',
            name='handling_days',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddIndex(
            model_name='Feedback',
            index=Index(fields=['organisation_id', 'updated_at']),
        ),
        ops.AddIndex(
            model_name='Feedback',
            index=Index(fields=['organisation_id', 'status', 'received_at']),
        ),
        ops.AddIndex(
            model_name='Feedback',
            index=Index(fields=['organisation_id', 'closed_at']),
        ),
    ]
