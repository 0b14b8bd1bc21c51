"""Scheduled jobs: each runs when due and once across processes; a failure is kept and
tried again; the command line lists and runs them."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from servicedialog import jobs
from servicedialog.jobs import Job, claim, run_due
from servicedialog.models import JobRun
from tests.conftest import run

CALLS: list[str] = []


async def _count(settings):
    CALLS.append("ran")
    return f"ran {len(CALLS)} times"


async def _fail(settings):
    raise RuntimeError("the mail server said no")


COUNTING = Job("test.count", timedelta(hours=1), _count, "Counts")
FAILING = Job("test.fail", timedelta(hours=1), _fail, "Fails")


def test_a_job_runs_when_due_and_then_not_until_its_period_has_passed(client, settings):
    CALLS.clear()
    first = run(client, run_due, [COUNTING], settings)
    second = run(client, run_due, [COUNTING], settings)
    assert [o.ran for o in first + second] == [True, False]
    assert CALLS == ["ran"]
    row = run(client, JobRun.get, name="test.count")
    assert row.result == "ran 1 times" and not row.failed
    assert row.due_at - row.finished_at == timedelta(hours=1)
    # Named, it runs now even though it is not due.
    assert run(client, run_due, [COUNTING], settings, ["test.count"])[0].ran
    assert CALLS == ["ran", "ran"]


def test_only_one_claim_wins_and_a_dead_runs_claim_ends_with_its_lease(client):
    now = datetime.now(UTC)
    assert run(client, claim, COUNTING, now) is True
    assert run(client, claim, COUNTING, now) is False  # held by the first
    after_lease = now + COUNTING.lease + timedelta(seconds=1)
    assert run(client, claim, COUNTING, after_lease) is True


def test_a_failure_is_recorded_and_tried_again_next_time(client, settings):
    outcome = run(client, run_due, [FAILING], settings)[0]
    assert outcome.failed and "said no" in outcome.result
    row = run(client, JobRun.get, name="test.fail")
    assert row.failed and row.held_until < datetime.now(UTC)
    assert run(client, run_due, [FAILING], settings)[0].ran  # due again at once


def test_every_feature_declares_its_jobs_with_unique_names():
    from tests.conftest import FEATURES

    names = [job.name for job in jobs.all_jobs(FEATURES)]
    assert len(names) == len(set(names))
    assert {"mail.send", "complaints.warnings", "complaints.retention"} <= set(names)
    assert "commitments.recompute" in names


def test_the_command_line_lists_and_runs_the_jobs(client, settings, tmp_path):
    env = {
        "DATABASE_URL": settings.database_url,
        "VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": settings.secret_key,
        "ENVIRONMENT": "test",
    }

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "servicedialog", "jobs", *args],
            capture_output=True,
            text=True,
            env={**__import__("os").environ, **env},
            timeout=120,
        )

    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "complaints.retention" in listed.stdout and "never run" in listed.stdout
    ran = cli("run")
    assert ran.returncode == 0, ran.stderr
    assert "complaints.retention: 0 records anonymised" in ran.stdout
    assert "mail.send: SMTP_HOST is not set" in ran.stdout
    again = cli("run")
    assert again.stdout == ""  # nothing is due any more
    assert "ok " in cli("list").stdout
    unknown = cli("run", "no.such.job")
    assert unknown.returncode != 0 and "no job named no.such.job" in unknown.stderr
