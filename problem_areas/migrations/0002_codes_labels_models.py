from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from problem_areas.models import CandidateStatus, LabelState, ModelStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('core', '0006_job_run'), ('problem_areas', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Candidate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='area_candidates', on_delete=OnDelete.CASCADE)),
                ('terms', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('label_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('representative_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('size', fields.IntField()),
                ('status', fields.CharEnumField(default=CandidateStatus.OPEN, description='OPEN: open\nACCEPTED: accepted\nDISMISSED: dismissed', enum_type=CandidateStatus, max_length=10)),
                ('area_id', fields.IntField(null=True)),
                ('found_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by_id', fields.IntField(null=True)),
            ],
            options={'table': 'problem_areas_candidate', 'app': 'problem_areas', 'pk_attr': 'id', 'table_description': 'A group of texts the areas cover badly, found by discovery: a possible new area.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClassifierModel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='classifier_models', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('status', fields.CharEnumField(description='ACTIVE: active\nCANDIDATE: candidate\nSUPERSEDED: superseded', enum_type=ModelStatus, max_length=10)),
                ('starter', fields.BooleanField(default=False)),
                ('reason', fields.TextField(default='', unique=False)),
                ('training_size', fields.IntField()),
                ('data_hash', fields.CharField(max_length=64)),
                ('settings', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('metrics', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('top_terms', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('versions', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('blob', fields.BinaryField()),
                ('trained_by', fields.ForeignKeyField('core.User', source_field='trained_by_id', null=True, db_constraint=True, to_field='id', related_name='trained_models', on_delete=OnDelete.SET_NULL)),
                ('trained_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'problem_areas_model', 'app': 'problem_areas', 'unique_together': (('organisation', 'number'),), 'pk_attr': 'id', 'table_description': 'A trained model of one organisation: its skops bytes and what it was trained on.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Label',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='labels', on_delete=OnDelete.CASCADE)),
                ('source', fields.CharField(max_length=32)),
                ('source_id', fields.IntField()),
                ('text', fields.TextField(unique=False)),
                ('language', fields.CharField(default='sv', max_length=2)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('area', fields.ForeignKeyField('problem_areas.ProblemArea', source_field='area_id', null=True, db_constraint=True, to_field='id', related_name='labels', on_delete=OnDelete.SET_NULL)),
                ('confidence', fields.FloatField(default=0.0)),
                ('predicted_area_id', fields.IntField(null=True)),
                ('model_version', fields.CharField(default='', max_length=40)),
                ('state', fields.CharEnumField(default=LabelState.PREDICTED, description='PREDICTED: predicted\nCONFIRMED: confirmed\nCORRECTED: corrected', enum_type=LabelState, max_length=10)),
                ('hint_area_id', fields.IntField(null=True)),
                ('hidden', fields.BooleanField(default=False)),
                ('set_by', fields.ForeignKeyField('core.User', source_field='set_by_id', null=True, db_constraint=True, to_field='id', related_name='labels_set', on_delete=OnDelete.SET_NULL)),
                ('set_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'problem_areas_label', 'app': 'problem_areas', 'unique_together': (('organisation', 'source', 'source_id'),), 'indexes': [Index(fields=['organisation_id', 'state', 'hidden', 'confidence']), Index(fields=['organisation_id', 'area_id', 'received_at'])], 'pk_attr': 'id', 'table_description': 'One classified text of a source (feedback now, survey answers and dialogue notes'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LabelChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('label', fields.ForeignKeyField('problem_areas.Label', source_field='label_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('area_id', fields.IntField(null=True)),
                ('previous_area_id', fields.IntField(null=True)),
                ('kind', fields.CharField(max_length=16)),
                ('by_user', fields.ForeignKeyField('core.User', source_field='by_user_id', null=True, db_constraint=True, to_field='id', related_name='label_changes', on_delete=OnDelete.SET_NULL)),
                ('model_version', fields.CharField(default='', max_length=40)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'problem_areas_label_change', 'app': 'problem_areas', 'pk_attr': 'id', 'table_description': 'The history of a label: who (a person) or what (a model version) set which area.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ProblemArea',
            name='code',
            field=fields.CharField(db_default='', max_length=64),
        ),
        # Areas made before codes existed get one from their id; new ones get a slug.
        ops.RunSQL(
            "UPDATE problem_areas_area SET code = 'area_' || CAST(id AS VARCHAR(20))",
            reverse_sql="SELECT 1",
        ),
        ops.AddField(
            model_name='ProblemArea',
            name='parent',
            field=fields.ForeignKeyField('problem_areas.ProblemArea', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='ProblemArea',
            name='successor',
            field=fields.ForeignKeyField('problem_areas.ProblemArea', source_field='successor_id', null=True, db_constraint=True, to_field='id', related_name='predecessors', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddConstraint(
            model_name='ProblemArea',
            constraint=UniqueConstraint(fields=('organisation', 'code'), name=None),
        ),
    ]
