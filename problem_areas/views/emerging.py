"""Rising problems: the areas whose count this week is above their own history."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from problem_areas import emerging
from problem_areas.permissions import REVIEW
from servicedialog.auth import current_organisation
from servicedialog.forms import render
from servicedialog.permissions import requires

reviewers = requires(REVIEW)


@reviewers
async def emerging_page(request: Request) -> Response:
    org = current_organisation(request)
    flags = await emerging.area_flags(org)
    flagged = [f for f in flags if f.flag.level != "none"]
    texts = {f.area.id: await emerging.texts_behind(org, f, limit=10) for f in flagged}
    return render(
        request,
        "problem_areas/emerging.html",
        {"flags": flags, "flagged": flagged, "texts": texts},
    )
