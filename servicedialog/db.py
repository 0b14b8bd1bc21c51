"""Database configuration: one Tortoise config built from settings, SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from servicedialog.features import Feature
from servicedialog.settings import Settings, load_settings

CORE_APP = "core"

# The PRAGMAs of every SQLite connection the app opens: Tortoise's (it runs the URL's
# parameters on connect) and servicedialog.writes's own. WAL lets readers and one writer
# work at once (Tortoise's default too, as are foreign keys); a busy timeout lets several
# worker processes write without "database is locked", and NORMAL synchronous is safe
# under WAL (see docs/operators.md).
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "foreign_keys": "ON",
    "busy_timeout": "10000",
    "synchronous": "NORMAL",
}


def sqlite_path(url: str) -> str:
    """The file of a SQLite URL. ``sqlite:///abs/path`` and SQLAlchemy's
    ``sqlite:////abs/path`` both mean /abs/path (Tortoise hangs on the second)."""
    parts = urlsplit(url)
    path = parts.netloc + parts.path
    while path.startswith("//"):
        path = path[1:]
    return path


def normalise_url(url: str, create_folder: bool = True) -> str:
    """Add our SQLite pragmas and (unless ``create_folder`` is false) create the SQLite
    file's folder."""
    if not url.startswith("sqlite:"):
        return url
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for key, value in SQLITE_PRAGMAS.items():
        params.setdefault(key, value)
    path = sqlite_path(url)
    if create_folder and path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return urlunsplit((parts.scheme, "", path, urlencode(params), ""))


def tortoise_config(
    settings: Settings, features: Sequence[Feature] = (), create_folder: bool = True
) -> dict[str, Any]:
    apps: dict[str, dict[str, Any]] = {
        CORE_APP: {
            "models": ["servicedialog.models"],
            "migrations": "servicedialog.migrations",
            "default_connection": "default",
        }
    }
    for feature in features:
        if feature.models:
            apps[feature.name] = {
                "models": [feature.models],
                "migrations": feature.migrations,
                "default_connection": "default",
            }
    return {
        "connections": {"default": normalise_url(settings.database_url, create_folder)},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate(
    settings: Settings,
    features: Sequence[Feature] = (),
    progress: Callable[[str, str, str], object] | None = None,
) -> None:
    """Apply every pending migration of the core and of the features."""
    from tortoise.context import TortoiseContext
    from tortoise.migrations.api import migrate as migrate_api

    config = tortoise_config(settings, features)
    async with TortoiseContext():
        await migrate_api(config=config, progress=progress)


def missing_sqlite_file(settings: Settings) -> str | None:
    """The path of the SQLite database when that file does not exist (connecting would
    create it, and an empty one); None otherwise."""
    if not settings.is_sqlite:
        return None
    path = sqlite_path(settings.database_url)
    return None if path == ":memory:" or Path(path).is_file() else path


class DatabaseUnreachable(Exception):
    """The database cannot be reached (or, for SQLite, its file does not exist)."""


async def pending_migrations(settings: Settings, features: Sequence[Feature] = ()) -> list[str]:
    """Names (``app.migration``) of migrations not yet applied to the database. Raises
    DatabaseUnreachable first when the database cannot be reached; creates no folder (see
    :func:`missing_sqlite_file` for a file that is not there)."""
    from tortoise import Tortoise
    from tortoise.connection import get_connection
    from tortoise.context import TortoiseContext
    from tortoise.migrations.executor import MigrationExecutor

    config = tortoise_config(settings, features, create_folder=False)
    async with TortoiseContext():
        await Tortoise.init(config=config, init_connections=False)
        connection = get_connection("default")
        try:
            await connection.execute_query("SELECT 1")
        except Exception as error:  # refused, unknown host, bad password, no such database
            raise DatabaseUnreachable(str(error) or type(error).__name__) from error
        executor = MigrationExecutor(connection, config["apps"])
        steps = await executor.plan(None)
        return [f"{s.migration.app_label}.{s.migration.name}" for s in steps if not s.backward]


def __getattr__(name: str) -> Any:
    # `tortoise makemigrations` reads TORTOISE_ORM (pyproject [tool.tortoise]); built
    # lazily so that importing this module has no side effects.
    if name == "TORTOISE_ORM":
        from servicedialog.features import discover

        return tortoise_config(load_settings(), discover())
    raise AttributeError(name)
