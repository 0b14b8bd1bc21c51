from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from complaints.states import Channel, EventKind, Kind, Outcome, RetentionClass, Status
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('commitments', '0005_covering_case_index'), ('core', '0001_initial'), ('core', '0002_api_key'), ('problem_areas', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE)),
                ('number', fields.CharField(max_length=32)),
                ('kind', fields.CharEnumField(description='COMPLAINT: complaint\nSUGGESTION: suggestion\nPRAISE: praise\nQUESTION: question', enum_type=Kind, max_length=16)),
                ('channel', fields.CharEnumField(default=Channel.WEB, description='WEB: web\nPHONE: phone\nVISIT: visit\nLETTER: letter\nEMAIL: email\nOPEN311: open311', enum_type=Channel, max_length=16)),
                ('service', fields.ForeignKeyField('commitments.Service', source_field='service_id', null=True, db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.SET_NULL)),
                ('commitment', fields.ForeignKeyField('commitments.Commitment', source_field='commitment_id', null=True, db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.SET_NULL)),
                ('unit', fields.ForeignKeyField('core.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.SET_NULL)),
                ('text', fields.TextField(unique=False)),
                ('place', fields.CharField(default='', max_length=300)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('anonymous', fields.BooleanField(default=False)),
                ('contact_name', fields.CharField(default='', max_length=200)),
                ('contact_email', fields.CharField(default='', max_length=254)),
                ('contact_phone', fields.CharField(default='', max_length=40)),
                ('language', fields.CharField(default='sv', max_length=2)),
                ('registered_by', fields.ForeignKeyField('core.User', source_field='registered_by_id', null=True, db_constraint=True, to_field='id', related_name='registered_feedback', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=Status.RECEIVED, description='RECEIVED: received\nIN_PROGRESS: in_progress\nWAITING: waiting\nREVIEW: review\nCLOSED: closed', enum_type=Status, max_length=16)),
                ('stage', fields.SmallIntField(default=1)),
                ('assigned_to', fields.ForeignKeyField('core.User', source_field='assigned_to_id', null=True, db_constraint=True, to_field='id', related_name='assigned_feedback', on_delete=OnDelete.SET_NULL)),
                ('stage1_handler_id', fields.IntField(null=True)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('acknowledge_due', fields.DateField(null=True)),
                ('answer_due', fields.DateField(null=True)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paused_since', fields.DateField(null=True)),
                ('pause_reason', fields.CharField(default='', max_length=300)),
                ('pauses', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('extended', fields.BooleanField(default=False)),
                ('outcome', fields.CharEnumField(null=True, description='UPHELD: upheld\nPARTLY_UPHELD: partly_upheld\nNOT_UPHELD: not_upheld\nRESOLVED: resolved', enum_type=Outcome, max_length=16)),
                ('remedy', fields.TextField(default='', unique=False)),
                ('root_cause', fields.ForeignKeyField('problem_areas.ProblemArea', source_field='root_cause_id', null=True, db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.SET_NULL)),
                ('improvement', fields.TextField(default='', unique=False)),
                ('improvement_ref', fields.CharField(default='', max_length=64)),
                ('satisfaction', fields.SmallIntField(null=True)),
                ('satisfaction_comment', fields.TextField(default='', unique=False)),
                ('secret', fields.BooleanField(default=False)),
                ('public_summary', fields.CharField(default='', max_length=300)),
                ('retention_class', fields.CharEnumField(default=RetentionClass.STANDARD, description='SHORT: short\nSTANDARD: standard\nLONG: long', enum_type=RetentionClass, max_length=10)),
                ('anonymised_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tracking_hash', fields.CharField(unique=True, max_length=64)),
                ('open311_token', fields.CharField(null=True, unique=True, max_length=40)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'feedback', 'app': 'complaints', 'unique_together': (('organisation', 'number'),), 'indexes': [Index(fields=['organisation_id', 'status', 'answer_due']), Index(fields=['unit_id', 'status', 'answer_due']), Index(fields=['organisation_id', 'received_at'])], 'pk_attr': 'id', 'table_description': 'One piece of feedback with its handling: a public document unless marked secret.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('feedback', fields.ForeignKeyField('complaints.Feedback', source_field='feedback_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=200)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_name', fields.CharField(unique=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feedback_attachment', 'app': 'complaints', 'pk_attr': 'id', 'table_description': 'A file given with feedback, stored outside the web root under VAR_DIR.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('feedback', fields.ForeignKeyField('complaints.Feedback', source_field='feedback_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REGISTERED: registered\nNOTE: note\nREPLY: reply\nINFO_FROM_PERSON: info_from_person\nASSIGNED: assigned\nACKNOWLEDGED: acknowledged\nPAUSED: paused\nRESUMED: resumed\nEXTENDED: extended\nREVIEW_REQUESTED: review_requested\nCLOSED: closed\nSATISFACTION: satisfaction\nSECRECY: secrecy\nANONYMISED: anonymised', enum_type=EventKind, max_length=20)),
                ('author', fields.ForeignKeyField('core.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='feedback_events', on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(default='', unique=False)),
                ('visible_to_person', fields.BooleanField(default=False)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feedback_event', 'app': 'complaints', 'pk_attr': 'id', 'table_description': 'Something that happened to a feedback record: notes, replies, status changes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegistrationCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback_counters', on_delete=OnDelete.CASCADE)),
                ('year', fields.IntField()),
                ('last_number', fields.IntField(default=0)),
            ],
            options={'table': 'feedback_counter', 'app': 'complaints', 'unique_together': (('organisation', 'year'),), 'pk_attr': 'id', 'table_description': 'The last registration number given per organisation and year.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReplyTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='reply_templates', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('body_sv', fields.TextField(unique=False)),
                ('body_en', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'feedback_reply_template', 'app': 'complaints', 'pk_attr': 'id', 'table_description': 'A reusable answer text of an organisation, in both languages.'},
            bases=['Model'],
        ),
    ]
