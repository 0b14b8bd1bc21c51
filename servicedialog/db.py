"""Database configuration: one Tortoise config built from settings, SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from servicedialog.features import Feature
from servicedialog.settings import Settings, load_settings

CORE_APP = "core"

# WAL and foreign keys are Tortoise's SQLite defaults; a busy timeout lets several
# worker processes write without "database is locked", and NORMAL synchronous is safe
# under WAL (see docs/operators.md).
SQLITE_PRAGMAS = {"busy_timeout": "10000", "synchronous": "NORMAL"}


def normalise_url(url: str) -> str:
    """Add our SQLite pragmas and create the SQLite file's folder."""
    if not url.startswith("sqlite:"):
        return url
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for key, value in SQLITE_PRAGMAS.items():
        params.setdefault(key, value)
    path = parts.netloc + parts.path
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def tortoise_config(settings: Settings, features: Sequence[Feature] = ()) -> dict[str, Any]:
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
        "connections": {"default": normalise_url(settings.database_url)},
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


async def pending_migrations(settings: Settings, features: Sequence[Feature] = ()) -> list[str]:
    """Names (``app.migration``) of migrations not yet applied to the database."""
    from tortoise import Tortoise
    from tortoise.connection import get_connection
    from tortoise.context import TortoiseContext
    from tortoise.migrations.executor import MigrationExecutor

    config = tortoise_config(settings, features)
    async with TortoiseContext():
        await Tortoise.init(config=config, init_connections=False)
        executor = MigrationExecutor(get_connection("default"), config["apps"])
        steps = await executor.plan(None)
        return [f"{s.migration.app_label}.{s.migration.name}" for s in steps if not s.backward]


def __getattr__(name: str) -> Any:
    # `tortoise makemigrations` reads TORTOISE_ORM (pyproject [tool.tortoise]); built
    # lazily so that importing this module has no side effects.
    if name == "TORTOISE_ORM":
        from servicedialog.features import discover

        return tortoise_config(load_settings(), discover())
    raise AttributeError(name)
