"""``servicedialog dashboards …``: bring the precomputed figures up to date."""

from __future__ import annotations

import click

from servicedialog.cli import run_with_db, settings_or_exit


@click.group("dashboards")
def dashboards_group() -> None:
    """The dashboards' figures."""


@dashboards_group.command("refresh")
@click.option("--org", "slug", default="", help="One organisation's slug (default: every one).")
@click.option("--full", is_flag=True, help="Rebuild the tables from the records.")
def refresh_command(slug: str, full: bool) -> None:
    """Bring the features' period tables (what the dashboards read) up to date. The job
    dashboards.refresh does this every minute; use --full after importing old records."""
    from dashboards.refresh import refresh
    from servicedialog.models import Organisation

    settings = settings_or_exit()

    async def work() -> list[str]:
        query = Organisation.filter(slug=slug) if slug else Organisation.all()
        found = await query
        if slug and not found:
            raise click.BadParameter(f"no organisation with the slug {slug!r}", param_hint="--org")
        lines = []
        for organisation in found:
            names = await refresh(organisation, full=full)
            lines.append(f"{organisation.slug}: {', '.join(names) or 'nothing to refresh'}")
        return lines

    for line in run_with_db(settings, work):
        click.echo(line)
