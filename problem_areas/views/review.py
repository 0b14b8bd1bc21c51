"""The review queue: confirm with one click (or a key), correct, or relabel a selection."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from problem_areas import review
from problem_areas.models import ProblemArea
from problem_areas.permissions import REVIEW
from problem_areas.services import reassign
from servicedialog.auth import current_organisation
from servicedialog.bounds import parse_int
from servicedialog.forms import done, render
from servicedialog.i18n import lazy as _
from servicedialog.orgs.services import DomainError
from servicedialog.permissions import requires

reviewers = requires(REVIEW)
MAX_SELECTED = 200


def _view(request: Request) -> tuple[str, int | None]:
    view = request.query_params.get("view", "uncertain")
    area = parse_int(request.query_params.get("area", ""), 1)
    return (view if view in review.VIEWS else "uncertain"), area


@reviewers
async def queue_page(request: Request) -> Response:
    org = current_organisation(request)
    view, area_id = _view(request)
    labels, waiting = await review.queue(org.id, view, area_id)
    areas = await ProblemArea.filter(organisation_id=org.id)
    return render(
        request,
        "problem_areas/review.html",
        {
            "labels": labels,
            "waiting": waiting,
            "max_counted": review.MAX_COUNTED,
            "view": view,
            "area_id": area_id,
            "areas": {a.id: a for a in areas},
            "active_areas": [a for a in areas if a.active],
        },
    )


@reviewers
async def queue_action(request: Request) -> Response:
    """One of: confirm one text, correct one, or relabel the selected ones."""
    org = current_organisation(request)
    data = await request.form()
    back = _back(request, data.get("view"), data.get("filter_area"))
    action = data.get("action", "")
    if not isinstance(action, str):
        action = ""
    kind, _sep, raw_id = action.partition(":")
    user = request.state.user
    try:
        if kind == "confirm" and (label_id := parse_int(raw_id, 1)) is not None:
            count = await review.confirm(org.id, [label_id], user)
            if not count:
                return done(request, back, _("Choose the right area first."))
            return done(request, back, _("Confirmed."))
        if kind == "correct" and (label_id := parse_int(raw_id, 1)) is not None:
            area = await _area(org.id, data.get(f"area-{label_id}"))
            if area is None:
                return done(request, back, _("Choose the right area first."))
            await reassign(org.id, [label_id], area, actor=user)
            return done(
                request, back, _("Corrected to %(area)s."), area=area.name(request.state.language)
            )
        if kind == "bulk":
            selected = [
                value
                for raw in data.getlist("selected")[:MAX_SELECTED]
                if isinstance(raw, str) and (value := parse_int(raw, 1)) is not None
            ]
            if not selected:
                return done(request, back, _("Select the texts to relabel first."))
            if data.get("bulk_area") == "confirm":
                count = await review.confirm(org.id, selected, user)
                return done(request, back, _("%(count)s texts confirmed."), count=str(count))
            area = await _area(org.id, data.get("bulk_area"))
            if area is None:
                return done(request, back, _("Choose the area for the selected texts."))
            count = await reassign(org.id, selected, area, actor=user)
            return done(request, back, _("%(count)s texts relabelled."), count=str(count))
    except DomainError as error:
        return done(request, back, error.message)
    return done(request, back, _("Choose one of the options."))


def _back(request: Request, view: object, area: object) -> str:
    """The queue again, in the view and with the filter the reviewer had."""
    query = {}
    if isinstance(view, str) and view in review.VIEWS:
        query["view"] = view
    if (area_id := parse_int(area, 1)) is not None:
        query["area"] = str(area_id)
    url = str(request.app.url_path_for("problem_areas:review"))
    return url + ("?" + urlencode(query) if query else "")


async def _area(organisation_id: int, raw: object) -> ProblemArea | None:
    area_id = parse_int(raw, 1) if isinstance(raw, str) else None
    if area_id is None:
        return None
    return await ProblemArea.get_or_none(id=area_id, organisation_id=organisation_id, active=True)
