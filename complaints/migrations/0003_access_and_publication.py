from tortoise import migrations
from tortoise.migrations import operations as ops
from complaints.states import EventKind, Publication
from tortoise.fields.base import OnDelete
from tortoise import fields



async def mask_existing_texts(apps, schema_editor):
    """Fill masked_text of the records made before it existed."""
    from servicedialog.identity import mask

    client = schema_editor.client
    rows = await client.execute_query_dict("SELECT id, text FROM feedback")
    if not rows:
        return
    postgres = client.capabilities.dialect == "postgres"
    sql = "UPDATE feedback SET masked_text = " + ("$1 WHERE id = $2" if postgres else "? WHERE id = ?")
    await client.execute_many(sql, [[mask(row["text"]), row["id"]] for row in rows])


class Migration(migrations.Migration):
    dependencies = [('commitments', '0001_initial'), ('commitments', '0002_fulfilment_period'), ('commitments', '0003_closed_day'), ('commitments', '0004_packages_and_summary'), ('commitments', '0005_covering_case_index'), ('complaints', '0002_unit_inbox_index'), ('core', '0004_sessions_and_throttle'), ('problem_areas', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedbackSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('core.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='feedback_settings', on_delete=OnDelete.CASCADE)),
                ('publication', fields.CharEnumField(default=Publication.RELEASED, description='NEVER: never\nRELEASED: released\nAT_ONCE: at_once', enum_type=Publication, max_length=10)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'feedback_settings', 'app': 'complaints', 'pk_attr': 'id', 'table_description': "An organisation's choices for its feedback (without a row: the defaults)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Feedback',
            name='masked_text',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Feedback',
            name='published_answer',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Feedback',
            name='published_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Feedback',
            name='published_text',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AlterField(
            model_name='FeedbackEvent',
            name='kind',
            field=fields.CharEnumField(description='REGISTERED: registered\nNOTE: note\nREPLY: reply\nINFO_FROM_PERSON: info_from_person\nASSIGNED: assigned\nACKNOWLEDGED: acknowledged\nPAUSED: paused\nRESUMED: resumed\nEXTENDED: extended\nREVIEW_REQUESTED: review_requested\nCLOSED: closed\nSATISFACTION: satisfaction\nSECRECY: secrecy\nANONYMISED: anonymised\nROUTED: routed\nPUBLISHED: published\nUNPUBLISHED: unpublished', enum_type=EventKind, max_length=20),
        ),
        ops.RunPython(mask_existing_texts, ops.RunPython.noop),
    ]
