from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('commitments', '0005_covering_case_index'), ('core', '0005_time_zone_and_closed_days')]

    initial = False

    # Closed days are the organisation's calendar (servicedialog.calendars), used by every
    # feature's clocks: they move to the core, with the days already entered.
    operations = [
        ops.RunSQL(
            "INSERT INTO core_closed_day (organisation_id, day, reason) "
            "SELECT organisation_id, day, reason FROM commitments_closed_day",
            reverse_sql="SELECT 1",
        ),
        ops.DeleteModel(name='ClosedDay'),
    ]
