"""Discovery: candidates for new areas among the texts the areas cover badly."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from problem_areas import discovery
from problem_areas.models import Candidate, CandidateStatus, Label
from problem_areas.permissions import MANAGE
from servicedialog.auth import current_organisation
from servicedialog.forms import Form, done, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.orgs.services import DomainError
from servicedialog.permissions import requires

managers = requires(MANAGE)


async def _context(request: Request) -> dict[str, object]:
    org = current_organisation(request)
    candidates = await discovery.open_candidates(org)
    wanted = {i for c in candidates for i in c.representative_ids}
    examples = {
        label.id: label for label in await Label.filter(organisation_id=org.id, id__in=wanted)
    }
    return {"candidates": candidates, "examples": examples}


@managers
async def discovery_page(request: Request) -> Response:
    return render(request, "problem_areas/discovery.html", await _context(request))


@managers
async def discovery_run(request: Request) -> Response:
    org = current_organisation(request)
    found = await discovery.run(org, actor=request.state.user)
    return done(
        request,
        request.app.url_path_for("problem_areas:discovery"),
        _("Discovery found %(count)s candidates."),
        count=str(len(found)),
    )


async def _candidate(request: Request) -> Candidate:
    org = current_organisation(request)
    candidate = await Candidate.get_or_none(
        id=request.path_params["id"], organisation_id=org.id, status=CandidateStatus.OPEN
    )
    if candidate is None:
        raise HTTPException(404)
    return candidate


@managers
async def candidate_accept(request: Request) -> Response:
    """The candidate as a new area: its name, then its texts are labelled with it."""
    org = current_organisation(request)
    candidate = await _candidate(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        name_sv = form.require("name_sv", 120)
        if form.ok:
            try:
                area = await discovery.accept(
                    candidate,
                    org,
                    name_sv=name_sv,
                    name_en=form.get("name_en")[:120],
                    description_sv=form.get("description_sv")[:2000],
                    description_en=form.get("description_en")[:2000],
                    code=form.get("code")[:63],
                    actor=request.state.user,
                )
            except DomainError as error:
                form.error(error.field, error.message)
            else:
                from problem_areas.views.model import start_training

                start_training(request, org)
                return done(
                    request,
                    request.app.url_path_for("problem_areas:edit", id=area.id),
                    _("The area is added with %(count)s texts. The model is being retrained."),
                    count=str(candidate.size),
                )
    examples = {
        label.id: label
        for label in await Label.filter(organisation_id=org.id, id__in=candidate.representative_ids)
    }
    return render(
        request,
        "problem_areas/discovery_accept.html",
        {"form": form, "candidate": candidate, "examples": examples},
        status_code=400 if form.errors else 200,
    )


@managers
async def candidate_dismiss(request: Request) -> Response:
    candidate = await _candidate(request)
    await discovery.dismiss(candidate, actor=request.state.user)
    return done(
        request,
        request.app.url_path_for("problem_areas:discovery"),
        _("The candidate is dismissed."),
    )
