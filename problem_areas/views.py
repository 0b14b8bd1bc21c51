"""Staff pages: the problem-area list of the current organisation (quality managers)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from problem_areas.models import ProblemArea
from problem_areas.permissions import MANAGE
from problem_areas.services import save_area
from servicedialog import audit
from servicedialog.auth import current_organisation
from servicedialog.forms import Form, done, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.orgs.services import DomainError
from servicedialog.permissions import requires

managers = requires(MANAGE)


def _values(form: Form) -> tuple[str, str, str, str]:
    return (
        form.require("name_sv", 120),
        form.get("name_en")[:120],
        form.get("description_sv"),
        form.get("description_en"),
    )


@managers
async def area_list(request: Request) -> Response:
    org = current_organisation(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        values = _values(form)
        if form.ok:
            try:
                area = await save_area(org, *values)
            except DomainError as error:
                form.error(error.field, error.message)
            else:
                await audit.record(
                    "problem_area.created", request=request, target=area, organisation=org
                )
                return done(
                    request,
                    request.app.url_path_for("problem_areas:list"),
                    _("The problem area is added."),
                )
    areas = await ProblemArea.filter(organisation_id=org.id).order_by("-active", "name_sv")
    return render(
        request,
        "problem_areas/list.html",
        {"form": form, "areas": areas},
        status_code=400 if form.errors else 200,
    )


async def _area(request: Request) -> ProblemArea:
    org = current_organisation(request)
    area = await ProblemArea.get_or_none(id=request.path_params["id"], organisation_id=org.id)
    if area is None:
        raise HTTPException(404)
    return area


@managers
async def area_edit(request: Request) -> Response:
    org = current_organisation(request)
    area = await _area(request)
    form = Form(
        {
            "name_sv": area.name_sv,
            "name_en": area.name_en,
            "description_sv": area.description_sv,
            "description_en": area.description_en,
        }
    )
    if request.method == "POST":
        form = await read_form(request)
        values = _values(form)
        if form.ok:
            try:
                await save_area(org, *values, area=area)
            except DomainError as error:
                form.error(error.field, error.message)
            else:
                await audit.record(
                    "problem_area.changed", request=request, target=area, organisation=org
                )
                return done(
                    request,
                    request.app.url_path_for("problem_areas:list"),
                    _("The problem area is saved."),
                )
    return render(
        request,
        "problem_areas/edit.html",
        {"form": form, "area": area},
        status_code=400 if form.errors else 200,
    )


@managers
async def area_active(request: Request) -> Response:
    """Retire an area (it stays on the cases that used it) or bring it back."""
    org = current_organisation(request)
    area = await _area(request)
    area.active = not area.active
    await area.save(update_fields=["active"])
    await audit.record(
        "problem_area.activated" if area.active else "problem_area.retired",
        request=request,
        target=area,
        organisation=org,
    )
    message = (
        _("The problem area is in use again.") if area.active else _("The problem area is retired.")
    )
    return done(request, request.app.url_path_for("problem_areas:list"), message)
