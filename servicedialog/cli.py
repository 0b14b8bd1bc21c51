"""The ``servicedialog`` command line.

Every command reads the same settings as the web app (``DATABASE_URL`` and friends),
exits non-zero with a one-line reason on error, and never prompts.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from servicedialog.features import discover
from servicedialog.roles import Role
from servicedialog.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def settings_or_exit() -> Settings:
    return _settings()


def run_with_db(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` with the ORM connected, turning database failures into one-line errors."""
    from tortoise.context import TortoiseContext
    from tortoise.exceptions import BaseORMException

    from servicedialog import writes
    from servicedialog.db import tortoise_config

    async def main() -> T:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(settings, discover()))
            try:
                return await work()
            finally:
                writes.close()

    try:
        return asyncio.run(main())
    except (BaseORMException, OSError) as error:
        raise click.ClickException(f"database error: {error}") from None


def _migrate(settings: Settings, quiet: bool = False) -> None:
    from servicedialog.db import migrate

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done" and not quiet:
            click.echo(f"  applied {app_label}.{name}")

    try:
        asyncio.run(migrate(settings, discover(), progress=progress))
    except Exception as error:  # surface any migration failure as one line
        raise click.ClickException(f"migration failed: {error}") from None


class ServicedialogGroup(click.Group):
    """The top-level group: the core's commands plus those each installed feature brings,
    looked up when needed so that importing this module loads no feature."""

    def _feature_commands(self) -> dict[str, click.Command]:
        return {c.name: c for f in discover() for c in f.commands if c.name}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._feature_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._feature_commands().get(cmd_name)


@click.group(
    cls=ServicedialogGroup,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "terminal_width": 100,
        "max_content_width": 100,
    },
)
@click.version_option(package_name="servicedialog")
def main() -> None:
    """Servicedialog: service dialogue, service commitments and complaint handling."""


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    settings = _settings()
    _migrate(settings)
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (use 2 or more in production).",
)
@click.option(
    "--migrate/--no-migrate",
    "run_migrations",
    default=True,
    show_default=True,
    help="Apply pending migrations before starting.",
)
def serve(host: str, port: int, workers: int, run_migrations: bool) -> None:
    """Serve the web app with uvicorn."""
    settings = _settings()
    if run_migrations:
        _migrate(settings, quiet=True)
    _serve(settings, host, port, workers)


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    from servicedialog.serving import serve as run_server

    run_server(host, port, workers, trusted_proxies=settings.trusted_proxies)


CHECK_TIMEOUT = 15


@main.command()
def check() -> None:
    """Verify the configuration, and that the database is reachable and migrated."""
    from servicedialog.db import DatabaseUnreachable, missing_sqlite_file, pending_migrations

    settings = _settings()
    missing = missing_sqlite_file(settings)
    if missing:
        raise click.ClickException(
            f"cannot connect to the database: the file {missing} does not exist "
            "(`servicedialog migrate` creates it)"
        )

    async def work() -> list[str]:
        return await asyncio.wait_for(pending_migrations(settings, discover()), CHECK_TIMEOUT)

    try:
        pending = asyncio.run(work())
    except DatabaseUnreachable as error:
        raise click.ClickException(f"cannot connect to the database: {error}") from None
    except TimeoutError:
        raise click.ClickException(
            f"cannot connect to the database: no answer within {CHECK_TIMEOUT} seconds"
        ) from None
    except Exception as error:  # any other failure is the one-line reason
        raise click.ClickException(f"database error: {error}") from None
    if pending:
        raise click.ClickException(
            f"{len(pending)} migration(s) not applied ({', '.join(pending)}); "
            "run `servicedialog migrate`"
        )
    scheme = settings.database_url.split(":", 1)[0]
    click.echo(f"configuration ok ({settings.environment}); database ok ({scheme}, migrated)")


@main.group()
def orgs() -> None:
    """Manage organisations."""


@orgs.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Name in Swedish (Finnish organisations: as used).")
@click.option("--name-en", default="", help="Name in English (default: the same as --name).")
@click.option("--country", type=click.Choice(["SE", "FI"]), default="SE", show_default=True)
@click.option(
    "--kind",
    type=click.Choice(["municipality", "region", "agency"]),
    default="municipality",
    show_default=True,
)
def orgs_create(slug: str, name: str, name_en: str, country: str, kind: str) -> None:
    """Create the organisation SLUG."""
    from servicedialog import audit
    from servicedialog.forms import SLUG_RE
    from servicedialog.orgs.services import DomainError, create_organisation

    if not SLUG_RE.match(slug):
        raise click.ClickException("SLUG must be 2–63 lower-case letters, digits and hyphens")

    async def work() -> Any:
        org = await create_organisation(slug, name, name_en, country, kind)
        await audit.record("organisation.created", target=org, via="cli")
        return org

    try:
        org = run_with_db(_settings(), work)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created organisation {org.slug} ({org.name_sv}, {org.country})")


@orgs.command("list")
def orgs_list() -> None:
    """List the organisations: short name, country, kind, units, members, name."""
    from tortoise.functions import Count

    from servicedialog.models import Organisation

    async def work() -> list[Any]:
        return list(
            await Organisation.all()
            .annotate(units_count=Count("units", distinct=True))
            .annotate(members=Count("memberships__user_id", distinct=True))
            .order_by("slug")
        )

    rows = run_with_db(_settings(), work)
    click.echo(f"{'SLUG':<24} {'COUNTRY':<7} {'KIND':<12} {'UNITS':>5} {'MEMBERS':>7}  NAME")
    for org in rows:
        click.echo(
            f"{org.slug:<24} {org.country:<7} {org.kind:<12} {org.units_count:>5} "
            f"{org.members:>7}  {org.name_sv}"
        )
    click.echo(f"{len(rows)} organisation(s)")


@main.group()
def users() -> None:
    """Manage staff users."""


@users.command("list")
@click.option("--org", "org_slug", default=None, help="Only the members of this organisation.")
def users_list(org_slug: str | None) -> None:
    """List staff users with their roles per organisation (and whether they are active)."""
    from servicedialog.models import Membership, Organisation

    async def work() -> list[Any]:
        query = Membership.all().select_related("user", "organisation", "unit")
        if org_slug:
            if not await Organisation.exists(slug=org_slug):
                raise click.ClickException(f"no organisation with slug {org_slug!r}")
            query = query.filter(organisation__slug=org_slug)
        return list(await query.order_by("user__email", "organisation__slug", "role"))

    rows = run_with_db(_settings(), work)
    people: dict[str, list[str]] = {}
    flags: dict[str, str] = {}
    for m in rows:
        unit = f"/{m.unit.code}" if m.unit else ""
        people.setdefault(m.user.email, []).append(f"{m.organisation.slug}:{m.role}{unit}")
        marks = [
            *(["superuser"] if m.user.is_superuser else []),
            *([] if m.user.is_active else ["inactive"]),
        ]
        flags[m.user.email] = f" ({', '.join(marks)})" if marks else ""
    for email, roles in people.items():
        click.echo(f"{email}{flags[email]}  {' '.join(roles)}")
    click.echo(f"{len(people)} user(s)")


@users.command("create")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="Slug of the organisation.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", default=None, help="Without it, one is generated and printed once.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--superuser", is_flag=True, help="Also an installation administrator.")
def users_create(
    email: str,
    org_slug: str,
    role: str,
    password: str | None,
    display_name: str,
    superuser: bool,
) -> None:
    """Create the user EMAIL (or give an existing one ROLE) in an organisation."""
    from servicedialog import audit
    from servicedialog.forms import EMAIL_RE
    from servicedialog.models import Organisation, User
    from servicedialog.orgs.services import DomainError, create_user, generate_password, grant_role

    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise click.ClickException(f"{email!r} is not an e-mail address")
    generated = password is None
    secret = password or generate_password()

    async def work() -> tuple[Any, bool]:
        org = await Organisation.get_or_none(slug=org_slug)
        if org is None:
            raise click.ClickException(f"no organisation with slug {org_slug!r}")
        user = await User.get_or_none(email=email)
        created = user is None
        if user is None:
            user = await create_user(email, secret, display_name, is_superuser=superuser)
        await grant_role(user, org, Role(role))
        await audit.record("user.roles_set", target=user, organisation=org, roles=[role], via="cli")
        return user, created

    try:
        user, created = run_with_db(_settings(), work)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if created:
        click.echo(f"created user {user.email} with role {role} in {org_slug}")
        if generated:
            click.echo(f"password: {secret}  (shown once; store it safely)")
    else:
        click.echo(f"user {user.email} already existed; granted role {role} in {org_slug}")


@main.group("api-keys")
def api_keys() -> None:
    """Manage API keys of organisations."""


@api_keys.command("create")
@click.option("--org", "org_slug", required=True, help="Slug of the organisation.")
@click.option("--name", required=True, help="What the key is for, e.g. the case system.")
def api_keys_create(org_slug: str, name: str) -> None:
    """Create an API key; it is printed once and only its hash is stored."""
    from servicedialog import audit
    from servicedialog.apikeys import create_key
    from servicedialog.models import Organisation

    async def work() -> str:
        org = await Organisation.get_or_none(slug=org_slug)
        if org is None:
            raise click.ClickException(f"no organisation with slug {org_slug!r}")
        record, key = await create_key(org, name)
        await audit.record("api_key.created", target=record, organisation=org, via="cli")
        return key

    key = run_with_db(_settings(), work)
    click.echo(f"API key for {org_slug} ({name}): {key}")
    click.echo("It is shown only now; store it safely.")


@main.group()
def jobs() -> None:
    """Scheduled work: the outbox, warnings, retention, recomputing the figures."""


@jobs.command("list")
def jobs_list() -> None:
    """Every job, how often it is due, and how its last run went."""
    from servicedialog.jobs import all_jobs
    from servicedialog.models import JobRun

    settings = _settings()
    known = all_jobs(discover())

    async def work() -> dict[str, Any]:
        return {row.name: row for row in await JobRun.all()}

    runs = run_with_db(settings, work)
    for job in known:
        run = runs.get(job.name)
        last = "never run"
        if run is not None and run.finished_at is not None:
            state = "failed" if run.failed else "ok"
            last = f"{state} {run.finished_at:%Y-%m-%d %H:%M} UTC: {run.result}"
        click.echo(f"{job.name}\tevery {job.every}\t{job.description}\t{last}")


@jobs.command("run")
@click.argument("names", nargs=-1)
@click.option("--loop", is_flag=True, help="Keep running, checking every minute what is due.")
def jobs_run(names: tuple[str, ...], loop: bool) -> None:
    """Run the jobs that are due (NAMES: these now, due or not). Each job runs once across
    every process and host that shares the database; run this from cron every minute."""
    from servicedialog.jobs import all_jobs, run_due, run_forever

    settings = _settings()
    known = all_jobs(discover())
    unknown = sorted(set(names) - {job.name for job in known})
    if unknown:
        raise click.ClickException(f"no job named {', '.join(unknown)}")
    if loop:
        try:
            _stop_on_signals()
            click.echo(f"running {len(known)} jobs as they fall due")
            run_with_db(settings, lambda: run_forever(known, settings))
        except KeyboardInterrupt:
            click.echo("stopped")
        return
    outcomes = run_with_db(settings, lambda: run_due(known, settings, names))
    for outcome in outcomes:
        if outcome.ran:
            click.echo(f"{outcome.job}: {'FAILED ' if outcome.failed else ''}{outcome.result}")
    if any(o.failed for o in outcomes):
        raise SystemExit(1)


@main.group()
def mail() -> None:
    """Send and clean up the outbox of outgoing e-mail."""


@mail.command("send")
@click.option(
    "--loop",
    is_flag=True,
    help="Keep sending every MAIL_SEND_INTERVAL seconds until stopped (the web app does this "
    "itself when SMTP_HOST is set).",
)
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Most messages to send in one round.",
)
def mail_send(loop: bool, limit: int) -> None:
    """Send the e-mail that is due, over SMTP_HOST; failures are retried later."""
    from servicedialog.mail import run_sender, send_pending

    settings = _settings()
    if not settings.smtp_host:
        raise click.ClickException("SMTP_HOST is not set: mail stays in the outbox")
    if loop:
        try:
            _stop_on_signals()  # before saying it runs: a signal right after must stop it
            click.echo(
                f"sending through {settings.smtp_host} every {settings.mail_send_interval} s"
            )
            run_with_db(settings, lambda: run_sender(settings))
        except KeyboardInterrupt:
            click.echo("stopped")
        return
    report = run_with_db(settings, lambda: send_pending(settings, limit=limit))
    click.echo(str(report))


def _stop_on_signals() -> None:
    """Stop a long-running command on SIGINT and SIGTERM alike. A process started in the
    background by a shell inherits SIGINT as ignored (and Python then leaves it so), so
    Ctrl+C alone would not reach it; a supervisor stops it with SIGTERM."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)


@mail.command("purge")
@click.option(
    "--days",
    type=click.IntRange(1),
    default=None,
    help="Delete sent mail older than this many days (default: MAIL_KEEP_DAYS).",
)
def mail_purge(days: int | None) -> None:
    """Delete sent e-mail older than MAIL_KEEP_DAYS from the outbox."""
    from servicedialog.mail import purge_sent

    settings = _settings()
    keep = days or settings.mail_keep_days
    deleted = run_with_db(settings, lambda: purge_sent(keep))
    click.echo(f"deleted {deleted} sent message(s) older than {keep} days")


@main.command()
@click.option("--seed-only", is_flag=True, help="Fill the database and exit without serving.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(seed_only: bool, host: str, port: int) -> None:
    """Create the demo organisations and users (idempotent), then serve them. Links in
    e-mails and Open311's discovery follow --host and --port unless BASE_URL is set."""
    import os

    from servicedialog import demo as demo_data

    if not os.environ.get("BASE_URL") and not seed_only:
        # The app is built in uvicorn's process from the environment: tell it its address.
        os.environ["BASE_URL"] = f"http://{host}:{port}"
    settings = _settings()
    _migrate(settings, quiet=True)
    with click.progressbar(length=len(demo_data.ORGANISATIONS), label="Seeding demo data") as bar:
        credentials = run_with_db(settings, lambda: demo_data.seed(bar.update))
    click.echo(f"Demo users (password for all: {demo_data.DEMO_PASSWORD}):")
    for email, org, role in credentials:
        click.echo(f"  {email:<40} {role:<16} {org}")
    if seed_only:
        return
    # The demo runs no jobs' process: its one worker classifies new texts itself (a
    # feature setting, docs/insight.md), so a text sent in the demo shows up in insight.
    os.environ.setdefault("PROBLEM_AREAS_CLASSIFY_ON_ARRIVAL", "true")
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    _serve(settings, host, port, 1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
