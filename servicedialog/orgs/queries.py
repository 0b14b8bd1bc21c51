"""Read-side queries for organisations."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from servicedialog.models import Organisation

PUBLIC_ORGANISATIONS = "orgs:public"
BY_SLUG = "orgs:slug:"
PUBLIC_TTL_SECONDS = 30.0


async def public_organisations(request: Request) -> list[Organisation]:
    """Every organisation, by Swedish name; cached because every visitor's start page
    lists them and they change a few times a year."""

    async def load() -> list[Organisation]:
        return await Organisation.all().order_by("name_sv")

    cache = request.app.state.cache
    result: list[Organisation] = await cache.get_or_set(
        PUBLIC_ORGANISATIONS, PUBLIC_TTL_SECONDS, load
    )
    return result


async def organisation_or_404(request: Request) -> Organisation:
    """The organisation named by the ``org`` path parameter (its slug), or 404. Cached per
    worker like the list above: every public page of an organisation starts here."""
    slug = request.path_params["org"]

    async def load() -> Organisation | None:
        return await Organisation.get_or_none(slug=slug)

    cache = request.app.state.cache
    org: Organisation | None = await cache.get_or_set(f"{BY_SLUG}{slug}", PUBLIC_TTL_SECONDS, load)
    if org is None:
        cache.invalidate(f"{BY_SLUG}{slug}")  # unknown slugs are not kept
        raise HTTPException(404)
    return org


def organisations_changed(request: Request) -> None:
    request.app.state.cache.invalidate(PUBLIC_ORGANISATIONS)
    request.app.state.cache.invalidate_prefix(BY_SLUG)
