from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0003_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject', fields.CharField(unique=True, max_length=300)),
                ('hits', fields.IntField(default=0)),
                ('window_start', fields.BigIntField()),
            ],
            options={'table': 'core_login_throttle', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Sign-in attempts per account (subject ``account:<e-mail>``) and failures per client'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(default='', max_length=45)),
            ],
            options={'table': 'core_staff_session', 'app': 'core', 'indexes': [Index(fields=['user_id', 'ended_at'])], 'pk_attr': 'id', 'table_description': 'A signed-in staff session, kept on the server: the session cookie carries only a'},
            bases=['Model'],
        ),
        ops.RemoveField(model_name='User', name='session_epoch'),
        ops.DeleteModel(name='LoginAttempt'),
    ]
