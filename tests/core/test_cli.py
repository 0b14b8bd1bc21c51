"""The command line: every command honours DATABASE_URL, fails with one line, never prompts."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from servicedialog.cli import main
from tests.conftest import database_url, migrated_database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path, monkeypatch):
    values = {
        "DATABASE_URL": database_url(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        "ENVIRONMENT": "test",
        "SECRET_KEY": "cli-test-secret-" + "y" * 32,
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def migrated_env(env, tmp_path, request, monkeypatch):
    """``env`` naming a migrated, empty database (as the ``settings`` fixture gives one), for
    the tests of commands other than ``migrate``: migrating from nothing takes 2-3 s, and
    test_migrate_then_check and the demo test do it through the command line."""
    url = migrated_database_url(tmp_path, request)
    monkeypatch.setenv("DATABASE_URL", url)
    return {**env, "DATABASE_URL": url}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, prog_name="servicedialog")


def all_commands(group: click.Group, prefix=()):
    """Every command path, the features' commands included (the main group lists them)."""
    context = click.Context(group)
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_the_command_list_holds_the_features_commands_too():
    paths = set(all_commands(main))
    assert {("retention",), ("catalogue", "import"), ("orgs", "list"), ("users", "list")} <= paths


@pytest.mark.parametrize("path", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_migrate_then_check(env):
    result = invoke("check")
    assert result.exit_code == 1
    # SQLite: the file is not there yet; PostgreSQL: an empty schema.
    assert "does not exist" in result.output or "not applied" in result.output
    assert "servicedialog migrate" in result.output
    assert invoke("migrate").exit_code == 0
    result = invoke("check")
    assert result.exit_code == 0, result.output
    assert "database ok" in result.output


def test_orgs_and_users_create(migrated_env):
    result = invoke("orgs", "create", "exempelkommun", "--name", "Exempelkommun")
    assert result.exit_code == 0, result.output
    result = invoke(
        "users", "create", "Kim@Example.se", "--org", "exempelkommun", "--role", "quality_manager"
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    assert len(password) >= 16
    assert verify_login(migrated_env, "kim@example.se", password)
    again = invoke(
        "users", "create", "kim@example.se", "--org", "exempelkommun", "--role", "handler"
    )
    assert "already existed" in again.output
    assert "password" not in again.output


def verify_login(env, email, password):
    from tortoise.context import TortoiseContext

    from servicedialog.auth import verify_password
    from servicedialog.db import tortoise_config
    from servicedialog.models import User
    from servicedialog.settings import load_settings

    async def check():
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(load_settings(env)))
            user = await User.get(email=email)
            return verify_password(user.password_hash, password)

    return asyncio.run(check())


@pytest.mark.parametrize(
    "args,reason",
    [
        (("orgs", "create", "Bad Slug", "--name", "X"), "SLUG must be"),
        (("orgs", "create", "ok-slug", "--name", "X", "--country", "NO"), "Invalid value"),
        (
            ("users", "create", "a@example.se", "--org", "nowhere", "--role", "handler"),
            "no organisation with slug",
        ),
        (("users", "create", "not-an-email", "--org", "x", "--role", "handler"), "not an e-mail"),
        (("users", "create", "a@example.se", "--org", "x", "--role", "boss"), "Invalid value"),
    ],
)
def test_errors_exit_non_zero_with_a_reason(migrated_env, args, reason):
    result = invoke(*args)
    assert result.exit_code != 0
    assert reason in result.output


def test_duplicate_organisation_is_an_error(migrated_env):
    invoke("orgs", "create", "dup", "--name", "Dup")
    result = invoke("orgs", "create", "dup", "--name", "Dup")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_short_password_is_refused(migrated_env):
    invoke("orgs", "create", "org", "--name", "Org")
    result = invoke(
        "users", "create", "a@example.se", "--org", "org", "--role", "admin", "--password", "short"
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_production_without_secret_key_refuses_to_start(env, monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY")
    result = invoke("check")
    assert result.exit_code == 1
    assert "SECRET_KEY is required" in result.output


def test_demo_seed_only_is_idempotent_and_prints_credentials(env):
    first = invoke("demo", "--seed-only")
    assert first.exit_code == 0, first.output
    assert "admin@exempelkommun.se" in first.output
    assert "demo-servicedialog" in first.output
    second = invoke("demo", "--seed-only")
    assert second.exit_code == 0
    assert verify_login(env, "ledning@exempelkommun.se", "demo-servicedialog")


def in_database(env, work):
    """Run ``work`` (an async function) against the CLI's database."""
    from tortoise.context import TortoiseContext

    from servicedialog.db import tortoise_config
    from servicedialog.settings import load_settings

    async def main():
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(load_settings(env)))
            return await work()

    return asyncio.run(main())


def test_mail_send_delivers_the_outbox_over_smtp(migrated_env, monkeypatch, smtp_server):
    from servicedialog.mail import queue_mail
    from servicedialog.models import OutboxMessage

    in_database(
        migrated_env, lambda: queue_mail("anna@example.se", "Kvitto på din synpunkt", "Tack!")
    )
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("MAIL_FROM", "noreply@exempelkommun.se")

    result = invoke("mail", "send")

    assert result.exit_code == 0, result.output
    assert "sent 1, to retry 0, failed 0" in result.output
    [email] = smtp_server.messages
    assert (email["To"], email["Subject"]) == ("anna@example.se", "Kvitto på din synpunkt")
    statuses = in_database(
        migrated_env, lambda: OutboxMessage.all().values_list("status", flat=True)
    )
    assert list(statuses) == ["sent"]


def test_mail_send_loop_keeps_sending_until_interrupted(migrated_env, monkeypatch, smtp_server):
    from servicedialog.mail import queue_mail

    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("MAIL_SEND_INTERVAL", "1")
    process = subprocess.Popen(
        [sys.executable, "-m", "servicedialog", "mail", "send", "--loop"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        in_database(migrated_env, lambda: queue_mail("anna@example.se", "Kvitto", "Tack!"))
        deadline = time.monotonic() + 30
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [m["To"] for m in smtp_server.messages] == ["anna@example.se"]
    finally:
        # SIGTERM, as a supervisor stops it: SIGINT is ignored in a background job.
        process.send_signal(signal.SIGTERM)
        try:
            out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # never leave the child behind
            out, err = process.communicate()
    assert process.returncode == 0, err
    assert "stopped" in out


def test_mail_send_loop_stops_on_ctrl_c_even_when_started_in_the_background(
    migrated_env, monkeypatch
):
    """A shell's background job inherits SIGINT as ignored; the loop stops on it anyway."""
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", "1")
    monkeypatch.setenv("MAIL_SEND_INTERVAL", "1")
    process = subprocess.Popen(
        [sys.executable, "-m", "servicedialog", "mail", "send", "--loop"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # as `cmd &` does
    )
    try:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            if "sending through" in (process.stdout.readline() or ""):
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "stopped" in out


def test_mail_send_without_a_mail_server_is_an_error(migrated_env):
    result = invoke("mail", "send")
    assert result.exit_code == 1
    assert "SMTP_HOST is not set" in result.output


def test_mail_purge_deletes_old_sent_mail(migrated_env):
    from datetime import UTC, datetime, timedelta

    from servicedialog.mail import queue_mail
    from servicedialog.models import OutboxMessage

    async def old_sent_message():
        message = await queue_mail("anna@example.se", "Kvitto", "Tack!")
        long_ago = datetime.now(UTC) - timedelta(days=10)
        await OutboxMessage.filter(id=message.id).update(status="sent", sent_at=long_ago)

    in_database(migrated_env, old_sent_message)
    assert "deleted 0 sent message(s) older than 30 days" in invoke("mail", "purge").output
    assert (
        "deleted 1 sent message(s) older than 7 days"
        in invoke("mail", "purge", "--days", "7").output
    )
    assert in_database(migrated_env, lambda: OutboxMessage.all().count()) == 0


def test_command_line_runs_as_a_real_process_without_a_terminal(env):
    result = subprocess.run(
        [sys.executable, "-m", "servicedialog", "orgs", "create", "x y", "--name", "N"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("Error: SLUG must be")


def test_cli_reference_in_docs_is_in_sync():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path in all_commands(main):
        help_text = invoke(*path, "--help").output.strip()
        assert help_text in doc, f"docs/cli.md is out of date for: servicedialog {' '.join(path)}"


@pytest.mark.parametrize(
    "url,words",
    [
        ("postgres://app:app@127.0.0.1:1/app", "cannot connect to the database"),
        ("sqlite:///{tmp}/no/such/folder/db.sqlite3", "does not exist"),
        ("sqlite:////{tmp}/four/slashes/db.sqlite3", "does not exist"),
    ],
)
def test_check_says_it_cannot_connect_and_creates_nothing(env, monkeypatch, tmp_path, url, words):
    monkeypatch.setenv("DATABASE_URL", url.format(tmp=str(tmp_path).lstrip("/")))
    started = time.monotonic()
    result = invoke("check")
    assert result.exit_code == 1 and words in result.output, result.output
    assert "not applied" not in result.output
    assert time.monotonic() - started < 20
    assert not (tmp_path / "no").exists() and not (tmp_path / "four").exists()


def test_sqlalchemy_style_four_slash_urls_work(env, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/four.sqlite3")
    assert invoke("migrate").exit_code == 0
    result = invoke("check")
    assert result.exit_code == 0, result.output


def test_orgs_list_and_users_list(migrated_env):
    invoke("orgs", "create", "exempelkommun", "--name", "Exempelkommun")
    invoke("orgs", "create", "grannkommun", "--name", "Grannkommun", "--country", "FI")
    invoke("users", "create", "kim@example.se", "--org", "exempelkommun", "--role", "handler",
           "--password", "long enough pw")  # fmt: skip
    invoke("users", "create", "kim@example.se", "--org", "grannkommun", "--role", "admin")
    orgs = invoke("orgs", "list").output
    assert re.search(r"exempelkommun\s+SE\s+municipality\s+0\s+1\s+Exempelkommun", orgs)
    assert "grannkommun" in orgs and "2 organisation(s)" in orgs
    users = invoke("users", "list").output
    assert "kim@example.se  exempelkommun:handler grannkommun:admin" in users
    only = invoke("users", "list", "--org", "grannkommun").output
    assert "grannkommun:admin" in only and "exempelkommun" not in only
    unknown = invoke("users", "list", "--org", "atlantis")
    assert unknown.exit_code == 1 and "no organisation" in unknown.output
