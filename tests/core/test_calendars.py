"""An organisation's day: its time zone from its country, its "today", and its working
calendar with its own closed days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from servicedialog.calendars import calendar_for, today_for, zone_of
from servicedialog.models import ClosedDay
from tests.conftest import create_org, run


def test_a_new_organisation_takes_its_countrys_time_zone(client):
    swedish = run(client, create_org, "sverige", "SE")
    finnish = run(client, create_org, "suomi", "FI")
    assert (swedish.time_zone, finnish.time_zone) == ("Europe/Stockholm", "Europe/Helsinki")
    assert zone_of(finnish).key == "Europe/Helsinki"


def test_today_is_the_organisations_day_not_the_servers(client):
    swedish = run(client, create_org, "sverige", "SE")
    finnish = run(client, create_org, "suomi", "FI")
    late = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Stockholm, 00:30 in Helsinki
    assert today_for(swedish, late) == date(2026, 12, 1)
    assert today_for(finnish, late) == date(2026, 12, 2)


def test_the_calendar_has_the_countrys_holidays_and_the_organisations_closed_days(client):
    org = run(client, create_org, "sverige", "SE")
    run(client, ClosedDay.create, organisation=org, day=date(2026, 12, 23), reason="Klämdag")
    calendar = run(client, calendar_for, org)
    days = np.array(["2026-12-22", "2026-12-23", "2026-12-24", "2026-12-28"], "datetime64[D]")
    # A Tuesday, the closed day, Christmas Eve (de facto a holiday in Sweden), a Monday.
    assert calendar.is_working_day(days).tolist() == [True, False, False, True]
    other = run(client, create_org, "annan", "SE")
    assert run(client, calendar_for, other).is_working_day(days[1:2]).tolist() == [True]
