"""Service packages and the permit-needs guide (public, no JavaScript)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from commitments.models import (
    PackageQuestion,
    ServicePackage,
)
from commitments.packages import build_guide, parse_answers
from commitments.states import (
    UNIT_AMOUNTS,
    UNIT_LABELS,
)
from servicedialog.auth import public
from servicedialog.forms import render


@public
async def packages(request: Request) -> Response:
    listing = await ServicePackage.filter(published=True).select_related("owner")
    return render(request, "commitments/packages.html", {"packages": listing})


@public
async def guide(request: Request) -> Response:
    package = await ServicePackage.get_or_none(
        slug=request.path_params["slug"], published=True
    ).select_related("owner")
    if package is None:
        raise HTTPException(404)
    questions = list(await PackageQuestion.filter(package_id=package.id).order_by("position"))
    params = dict(request.query_params)
    answers = parse_answers(questions, params)
    result = await build_guide(package, answers) if "answered" in params else None
    unanswered = [q.key for q in questions if q.key not in answers] if result else []
    return render(
        request,
        "commitments/guide.html",
        {
            "package": package,
            "questions": questions,
            "answers": answers,
            "result": result,
            "unanswered": unanswered,
            "unit_labels": UNIT_LABELS,
            "unit_amounts": UNIT_AMOUNTS,
        },
    )
