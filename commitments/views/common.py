"""What the commitments' pages share: who may use the staff pages, the cached public
catalogue, recomputing the figures after a change."""

from __future__ import annotations

from starlette.requests import Request

from commitments import queries
from commitments.permissions import MANAGE, VIEW
from commitments.queries import CATALOGUE_TTL_SECONDS, catalogue_cache_key
from servicedialog.models import Organisation
from servicedialog.permissions import requires


async def cached_catalogue(
    request: Request, org: Organisation
) -> list[queries.PublishedCommitment]:
    """The public catalogue's data, cached per worker: every visitor reads it, and it
    changes only when cases are imported or commitments change (which invalidate it here;
    other workers follow within a minute)."""

    async def load() -> list[queries.PublishedCommitment]:
        return await queries.published_commitments(org)

    cache = request.app.state.cache
    items: list[queries.PublishedCommitment] = await cache.get_or_set(
        catalogue_cache_key(org) + "data", CATALOGUE_TTL_SECONDS, load
    )
    return items


async def recompute(request: Request, org: Organisation) -> int:
    """Recompute the organisation's fulfilment and drop this worker's cached catalogue."""
    rows = await queries.recompute_organisation(org)
    request.app.state.cache.invalidate_prefix(catalogue_cache_key(org))
    return rows


managers = requires(MANAGE)
watchers = requires(VIEW)
