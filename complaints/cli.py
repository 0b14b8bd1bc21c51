"""Command line of feedback handling: ``servicedialog retention``."""

from __future__ import annotations

import click

from servicedialog.cli import run_with_db, settings_or_exit


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only list what would be anonymised.")
def retention_command(dry_run: bool) -> None:
    """Anonymise feedback whose retention period has ended (run it daily)."""
    from complaints.retention import anonymise_due

    settings = settings_or_exit()
    due = run_with_db(settings, lambda: anonymise_due(settings.var_dir, dry_run))
    for item in due:
        click.echo(f"{item.number}\tclosed {item.closed_at:%Y-%m-%d}\t{item.retention_class}")
    verb = "would be anonymised" if dry_run else "anonymised"
    click.echo(f"{len(due)} records {verb}")


@click.group("feedback")
def feedback_group() -> None:
    """Scheduled work of feedback handling."""


@feedback_group.command("warnings")
def warnings_command() -> None:
    """E-mail each handler their feedback due within two working days or overdue."""
    from complaints.warnings import queue_warnings

    settings = settings_or_exit()
    count = run_with_db(settings, lambda: queue_warnings(None, settings.base_url))
    click.echo(f"warnings queued for {count} handlers")
