"""Keeping the features' precomputed period tables up to date, and leadership's weekly digest."""

from __future__ import annotations

from typing import Any

from servicedialog.features import Feature, discover
from servicedialog.models import Organisation


async def refresh(
    organisation: Organisation, *, full: bool = False, features: list[Feature] | None = None
) -> list[str]:
    """Run every feature's ``statistics`` hook for ``organisation``; the names of the
    features that have one."""
    done = []
    for feature in features if features is not None else discover():
        if feature.statistics is not None:
            await feature.statistics(organisation, full)
            done.append(feature.name)
    return done


async def refresh_all(settings: Any = None, *, full: bool = False) -> str:
    """The job: every organisation's tables brought up to date."""
    count = 0
    for organisation in await Organisation.all():
        await refresh(organisation, full=full)
        count += 1
    return f"statistics brought up to date for {count} organisation(s)"
