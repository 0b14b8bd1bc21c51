from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from servicedialog.clock import ClockUnit
from commitments.states import Channel, CommitmentKind, CommitmentStatus, EServiceLevel, Period
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Service',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='services', on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('core.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='services', on_delete=OnDelete.SET_NULL)),
                ('code', fields.CharField(max_length=32)),
                ('name_sv', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('description_sv', fields.TextField(default='', unique=False)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('target_group', fields.CharField(default='', max_length=200)),
                ('channels', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('eservice_level', fields.CharEnumField(default=EServiceLevel.INFORMATION, description='INFORMATION: information\nINTERACTION: interaction\nTRANSACTION: transaction\nINTEGRATION: integration', enum_type=EServiceLevel, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'commitments_service', 'app': 'commitments', 'unique_together': (('organisation', 'code'),), 'pk_attr': 'id', 'table_description': 'Something an organisation does for people, e.g. building permits.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.ForeignKeyField('commitments.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.CASCADE)),
                ('case_ref', fields.CharField(max_length=64)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('pauses', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('channel', fields.CharEnumField(null=True, description='WEB: web\nPHONE: phone\nVISIT: visit\nEMAIL: email\nLETTER: letter', enum_type=Channel, max_length=10)),
            ],
            options={'table': 'commitments_case', 'app': 'commitments', 'unique_together': (('service', 'case_ref'),), 'indexes': [Index(fields=['service_id', 'completed_at']), Index(fields=['service_id', 'received_at'])], 'pk_attr': 'id', 'table_description': 'One case (ärende) of a service: what the measurement of its commitments is made of.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Commitment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.ForeignKeyField('commitments.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='commitments', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(default=CommitmentStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nRETIRED: retired', enum_type=CommitmentStatus, max_length=12)),
                ('owner', fields.ForeignKeyField('core.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'commitments_commitment', 'app': 'commitments', 'unique_together': (('service', 'key'),), 'pk_attr': 'id', 'table_description': 'A promise (serviceåtagande). Its terms live in versions: changing the target makes a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommitmentVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('commitment', fields.ForeignKeyField('commitments.Commitment', source_field='commitment_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('kind', fields.CharEnumField(default=CommitmentKind.TIMELINESS, description='TIMELINESS: timeliness\nACCESSIBILITY: accessibility\nQUALITY: quality', enum_type=CommitmentKind, max_length=16)),
                ('promise_sv', fields.TextField(unique=False)),
                ('promise_en', fields.TextField(default='', unique=False)),
                ('needs_sv', fields.TextField(default='', unique=False)),
                ('needs_en', fields.TextField(default='', unique=False)),
                ('conditions_sv', fields.TextField(default='', unique=False)),
                ('conditions_en', fields.TextField(default='', unique=False)),
                ('start_event', fields.CharField(default='', max_length=200)),
                ('stop_event', fields.CharField(default='', max_length=200)),
                ('pause_reasons', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('unit', fields.CharEnumField(default=ClockUnit.WORKING_DAYS, description='WORKING_DAYS: working_days\nCALENDAR_DAYS: calendar_days\nWEEKS: weeks\nHOURS: hours', enum_type=ClockUnit, max_length=16)),
                ('threshold', fields.IntField()),
                ('target_share', fields.FloatField(default=0.9)),
                ('period', fields.CharEnumField(default=Period.MONTH, description='MONTH: month\nQUARTER: quarter\nYEAR: year', enum_type=Period, max_length=8)),
                ('remedy_sv', fields.TextField(default='', unique=False)),
                ('remedy_en', fields.TextField(default='', unique=False)),
                ('compensation_sv', fields.TextField(default='', unique=False)),
                ('compensation_en', fields.TextField(default='', unique=False)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_to', fields.DateField(null=True)),
                ('review_date', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'commitments_version', 'app': 'commitments', 'unique_together': (('commitment', 'version'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
