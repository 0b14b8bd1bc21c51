"""Public pages of the commitments feature: catalogue, one commitment, open data."""

from __future__ import annotations

import csv
import io

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from commitments import queries
from commitments.models import Commitment
from commitments.states import PERIOD_LABELS, UNIT_LABELS
from servicedialog.auth import public
from servicedialog.forms import render
from servicedialog.models import Organisation

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


async def _organisation(request: Request) -> Organisation:
    org = await Organisation.get_or_none(slug=request.path_params["org"])
    if org is None:
        raise HTTPException(404)
    return org


@public
async def catalogue(request: Request) -> Response:
    org = await _organisation(request)
    items = await queries.published_commitments(org)
    return render(request, "commitments/catalogue.html", {"org": org, "items": items})


@public
async def detail(request: Request) -> Response:
    org = await _organisation(request)
    commitment = await Commitment.get_or_none(
        id=request.path_params["id"], service__organisation_id=org.id, status="published"
    ).select_related("service")
    if commitment is None:
        raise HTTPException(404)
    history = await queries.commitment_history(commitment)
    versions = await commitment.versions.all().order_by("version")
    return render(
        request,
        "commitments/detail.html",
        {
            "org": org,
            "commitment": commitment,
            "service": commitment.service,
            "version": versions[-1],
            "versions": versions,
            "history": history,
            "period_labels": PERIOD_LABELS,
            "unit_labels": UNIT_LABELS,
        },
    )


@public
async def open_data_json(request: Request) -> Response:
    rows = await queries.open_data_rows(await _organisation(request))
    return JSONResponse(rows, headers={"Access-Control-Allow-Origin": "*"})


@public
async def open_data_csv(request: Request) -> Response:
    rows = await queries.open_data_rows(await _organisation(request))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_DATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    filename = f"{request.path_params['org']}-commitments.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Access-Control-Allow-Origin": "*",
        },
    )
