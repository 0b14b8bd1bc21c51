from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from servicedialog.roles import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(max_length=254)),
                ('ip', fields.CharField(max_length=45)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'core_login_attempt', 'app': 'core', 'indexes': [Index(fields=['email', 'at']), Index(fields=['ip', 'at'])], 'pk_attr': 'id', 'table_description': 'Failed logins, counted in the database so throttling holds across worker processes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Organisation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('name_sv', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('country', fields.CharField(default='SE', max_length=2)),
                ('kind', fields.CharField(default='municipality', max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'core_organisation', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Unit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='units', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=32)),
                ('name_sv', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'core_unit', 'app': 'core', 'unique_together': (('organisation', 'code'),), 'pk_attr': 'id', 'table_description': 'A förvaltning or enhet inside an organisation.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('display_name', fields.CharField(default='', max_length=200)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('is_superuser', fields.BooleanField(default=False)),
                ('session_epoch', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'core_user', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor', fields.ForeignKeyField('core.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('actor_email', fields.CharField(default='', max_length=254)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('object_type', fields.CharField(default='', max_length=64)),
                ('object_id', fields.CharField(default='', max_length=64)),
                ('ip', fields.CharField(default='', max_length=45)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'core_audit_event', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Who did what to which record, when, from where. Never updated, never deleted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('core.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.SET_NULL)),
                ('role', fields.CharEnumField(description='ADMIN: admin\nQUALITY_MANAGER: quality_manager\nHANDLER: handler\nCONTACT_CENTRE: contact_centre\nLEADERSHIP: leadership', enum_type=Role, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'core_membership', 'app': 'core', 'unique_together': (('user', 'organisation', 'role'),), 'pk_attr': 'id', 'table_description': 'One role for one user in one organisation (optionally tied to a unit).'},
            bases=['Model'],
        ),
    ]
