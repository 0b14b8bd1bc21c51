"""Read-side queries for organisations."""

from __future__ import annotations

from starlette.requests import Request

from servicedialog.models import Organisation

PUBLIC_ORGANISATIONS = "orgs:public"
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


def organisations_changed(request: Request) -> None:
    request.app.state.cache.invalidate(PUBLIC_ORGANISATIONS)
