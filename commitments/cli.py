"""Command line of the commitments feature: ``servicedialog catalogue import|export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from servicedialog.cli import run_with_db, settings_or_exit


@click.group()
def catalogue() -> None:
    """Import and export services and commitments as JSON (catalogue as code)."""


async def _organisation(slug: str) -> Any:
    from servicedialog.models import Organisation

    org = await Organisation.get_or_none(slug=slug)
    if org is None:
        raise click.ClickException(f"no organisation with slug {slug!r}")
    return org


@catalogue.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Slug of the organisation.")
def import_command(file: Path, org_slug: str) -> None:
    """Import FILE; imported commitments are published. Running it twice changes nothing."""
    from commitments.services import CatalogueError, import_catalogue

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file} is not valid JSON: {error}") from None

    async def work() -> Any:
        return await import_catalogue(await _organisation(org_slug), data)

    try:
        report = run_with_db(settings_or_exit(), work)
    except CatalogueError as error:
        raise click.ClickException(f"{file}: {error}") from None
    if not report.changed:
        click.echo("catalogue unchanged")
        return
    click.echo(
        f"services: {report.services_created} created, {report.services_updated} updated; "
        f"commitments: {report.commitments_created} created; "
        f"versions: {report.versions_created} created"
    )


@catalogue.command("export")
@click.option("--org", "org_slug", required=True, help="Slug of the organisation.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def export_command(org_slug: str, output: Path | None) -> None:
    """Export the organisation's services and commitments in the import format."""
    from commitments.services import export_catalogue

    async def work() -> Any:
        return await export_catalogue(await _organisation(org_slug))

    text = json.dumps(run_with_db(settings_or_exit(), work), ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}")


@click.group()
def packages() -> None:
    """Import and export service packages (the permit guide) as JSON."""


@packages.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def packages_import_command(file: Path) -> None:
    """Create or update the packages in FILE. Running it twice changes nothing."""
    from commitments.package_files import import_packages
    from commitments.services import CatalogueError

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file} is not valid JSON: {error}") from None
    try:
        report = run_with_db(settings_or_exit(), lambda: import_packages(data))
    except CatalogueError as error:
        raise click.ClickException(f"{file}: {error}") from None
    click.echo(
        f"packages: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )


@packages.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def packages_export_command(output: Path | None) -> None:
    """Export every service package in the import format."""
    from commitments.package_files import export_packages

    data = run_with_db(settings_or_exit(), export_packages)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}")


@click.command("import-cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Slug of the organisation.")
@click.option(
    "--recompute/--no-recompute",
    default=True,
    show_default=True,
    help="Recompute fulfilment after the import.",
)
def import_cases_command(file: Path, org_slug: str, recompute: bool) -> None:
    """Import case records from a CSV FILE (service_code, case_ref, received_at,
    completed_at, pauses). Re-importing a file updates the cases it already holds."""
    from commitments.imports import HeaderError, import_cases

    with (
        file.open(encoding="utf-8-sig", newline="") as handle,
        click.progressbar(length=file.stat().st_size, label="Importing cases") as bar,
    ):

        def lines() -> Any:
            for line in handle:
                bar.update(len(line.encode("utf-8")))
                yield line

        async def work() -> Any:
            return await import_cases(await _organisation(org_slug), lines())

        try:
            report = run_with_db(settings_or_exit(), work)
        except HeaderError as error:
            raise click.ClickException(f"{file}: {error}") from None
    click.echo(f"imported {report.imported} case(s); rejected {report.rejected} line(s)")
    if report.imported and recompute:
        rows = _recompute(org_slug)
        click.echo(f"fulfilment recomputed ({rows} period(s))")
    for row_error in report.errors:
        click.echo(f"  line {row_error.line}: {row_error.message}", err=True)
    if report.rejected > len(report.errors):
        click.echo(f"  … and {report.rejected - len(report.errors)} more", err=True)
    if report.rejected:
        raise click.ClickException(f"{report.rejected} line(s) rejected; the others were imported")


def _recompute(org_slug: str | None) -> int:
    from commitments.queries import recompute_organisation
    from servicedialog.models import Organisation

    async def work() -> int:
        if org_slug:
            organisations = [await _organisation(org_slug)]
        else:
            organisations = list(await Organisation.all())
        return sum([await recompute_organisation(org) for org in organisations])

    return run_with_db(settings_or_exit(), work)


@click.group()
def fulfilment() -> None:
    """Measured fulfilment of the published commitments."""


@fulfilment.command("recompute")
@click.option("--org", "org_slug", default=None, help="Only this organisation (default: all).")
def recompute_command(org_slug: str | None) -> None:
    """Recompute fulfilment per commitment and period from the case data."""
    click.echo(f"fulfilment recomputed ({_recompute(org_slug)} period(s))")
