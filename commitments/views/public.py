"""Public pages of the commitments feature: catalogue, one commitment, a service, open
data."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from commitments import queries
from commitments.charts import history_chart
from commitments.models import (
    Commitment,
    Service,
)
from commitments.queries import CATALOGUE_TTL_SECONDS, catalogue_cache_key
from commitments.states import (
    CHANNEL_LABELS,
    ESERVICE_LABELS,
    PERIOD_LABELS,
    UNIT_AMOUNTS,
    UNIT_LABELS,
)
from commitments.views.common import cached_catalogue
from servicedialog.auth import public
from servicedialog.exports import csv_response
from servicedialog.forms import render
from servicedialog.orgs.queries import organisation_or_404

OPEN_DATA_COLUMNS = (
    "organisation",
    "service_code",
    "commitment_id",
    "version",
    "promise",
    "unit",
    "threshold",
    "target_share",
    "period_start",
    "period_end",
    "total_volume",
    "volume_meeting_target",
    "performance",
    "target_met",
)


@public
async def catalogue(request: Request) -> Response:
    org = await organisation_or_404(request)

    async def page() -> bytes:
        items = await cached_catalogue(request, org)
        return bytes(
            render(request, "commitments/catalogue.html", {"org": org, "items": items}).body
        )

    if request.state.user is not None or request.session.get("_flashes"):
        return Response(await page(), media_type="text/html")
    # Anonymous visitors all see the same page per language: keep it rendered.
    key = f"{catalogue_cache_key(org)}html:{request.state.language}"
    body = await request.app.state.cache.get_or_set(key, CATALOGUE_TTL_SECONDS, page)
    return Response(body, media_type="text/html")


@public
async def detail(request: Request) -> Response:
    org = await organisation_or_404(request)
    commitment = await Commitment.get_or_none(
        id=request.path_params["id"], service__organisation_id=org.id, status="published"
    ).select_related("service")
    if commitment is None:
        raise HTTPException(404)
    history = await queries.commitment_history(commitment)
    versions = await commitment.versions.all().order_by("version")
    measured = any(not p.too_few_cases for p in history)
    return render(
        request,
        "commitments/detail.html",
        {
            "chart": history_chart(history, request.state.language) if measured else None,
            "org": org,
            "commitment": commitment,
            "service": commitment.service,
            "version": versions[-1],
            "versions": versions,
            "history": history,
            "period_labels": PERIOD_LABELS,
            "unit_labels": UNIT_LABELS,
            "unit_amounts": UNIT_AMOUNTS,
        },
    )


@public
async def service_page(request: Request) -> Response:
    """A service with its published promises: where the catalogue's service names lead."""
    org = await organisation_or_404(request)
    service = await Service.get_or_none(organisation_id=org.id, code=request.path_params["code"])
    if service is None:
        raise HTTPException(404)
    items = [i for i in await cached_catalogue(request, org) if i.service.id == service.id]
    return render(
        request,
        "commitments/service_page.html",
        {
            "org": org,
            "service": service,
            "items": items,
            "channel_labels": CHANNEL_LABELS,
            "eservice_labels": ESERVICE_LABELS,
        },
    )


@public
async def open_data_json(request: Request) -> Response:
    rows = await queries.open_data_rows(await organisation_or_404(request))
    return JSONResponse(rows, headers={"Access-Control-Allow-Origin": "*"})


@public
async def open_data_csv(request: Request) -> Response:
    rows = await queries.open_data_rows(await organisation_or_404(request))
    filename = f"{request.path_params['org']}-commitments.csv"
    response = csv_response(
        OPEN_DATA_COLUMNS,
        ([row.get(column) for column in OPEN_DATA_COLUMNS] for row in rows),
        filename,
        private=False,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
