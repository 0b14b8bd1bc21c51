from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('commitments', '0003_closed_day'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CommitmentSummary',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('commitment', fields.OneToOneField('commitments.Commitment', source_field='commitment_id', db_constraint=True, to_field='id', related_name='summary', on_delete=OnDelete.CASCADE)),
                ('cases', fields.IntField()),
                ('median_elapsed', fields.FloatField(null=True)),
                ('p90_elapsed', fields.FloatField(null=True)),
                ('computed_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'commitments_summary', 'app': 'commitments', 'pk_attr': 'id', 'table_description': 'Measured times of a commitment over the last twelve months, for the permit guide.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServicePackage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('owner', fields.ForeignKeyField('core.Organisation', source_field='owner_id', db_constraint=True, to_field='id', related_name='service_packages', on_delete=OnDelete.CASCADE)),
                ('name_sv', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('description_sv', fields.TextField(default='', unique=False)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('published', fields.BooleanField(default=True)),
            ],
            options={'table': 'commitments_package', 'app': 'commitments', 'pk_attr': 'id', 'table_description': 'A service package (servicehelhet) spanning the services of several organisations.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PackageQuestion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('package', fields.ForeignKeyField('commitments.ServicePackage', source_field='package_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=32)),
                ('position', fields.IntField(default=0)),
                ('text_sv', fields.CharField(max_length=300)),
                ('text_en', fields.CharField(max_length=300)),
            ],
            options={'table': 'commitments_package_question', 'app': 'commitments', 'unique_together': (('package', 'key'),), 'pk_attr': 'id', 'table_description': 'A yes or no question that decides whether some steps of a package apply.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PackageStep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('package', fields.ForeignKeyField('commitments.ServicePackage', source_field='package_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('service', fields.ForeignKeyField('commitments.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='package_steps', on_delete=OnDelete.CASCADE)),
                ('question', fields.ForeignKeyField('commitments.PackageQuestion', source_field='question_id', null=True, db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'commitments_package_step', 'app': 'commitments', 'pk_attr': 'id', 'table_description': 'One service in a package, in order, that applies always or when its question is yes.'},
            bases=['Model'],
        ),
    ]
