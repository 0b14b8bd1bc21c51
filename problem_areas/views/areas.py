"""The list of areas and its governance: add, rename, retire, merge and split."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from problem_areas.models import Label, ProblemArea
from problem_areas.permissions import MANAGE
from problem_areas.services import merge, reassign, save_area, set_active
from problem_areas.splitting import suggestions
from servicedialog import audit
from servicedialog.auth import current_organisation
from servicedialog.bounds import parse_int
from servicedialog.forms import Form, done, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.orgs.services import DomainError
from servicedialog.permissions import requires

managers = requires(MANAGE)
SPLIT_PAGE = 100


def _values(form: Form) -> tuple[str, str, str, str]:
    return (
        form.require("name_sv", 120),
        form.get("name_en")[:120],
        form.get("description_sv")[:2000],
        form.get("description_en")[:2000],
    )


def _parent(form: Form) -> int | None:
    return form.integer("parent", 1)


async def _form_context(request: Request, area: ProblemArea | None) -> dict[str, object]:
    org = current_organisation(request)
    parents = await ProblemArea.filter(organisation_id=org.id, active=True)
    return {
        "parent_options": [
            (str(p.id), p.name_sv) for p in parents if area is None or p.id != area.id
        ]
    }


@managers
async def area_list(request: Request) -> Response:
    org = current_organisation(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        values = _values(form)
        code, parent = form.get("code")[:63], _parent(form)
        if form.ok:
            try:
                await save_area(org, *values, code=code, parent_id=parent, actor=request.state.user)
            except DomainError as error:
                form.error(error.field, error.message)
            else:
                return done(
                    request,
                    request.app.url_path_for("problem_areas:list"),
                    _("The problem area is added."),
                )
    areas = await ProblemArea.filter(organisation_id=org.id).order_by("-active", "name_sv")
    by_id = {a.id: a for a in areas}
    return render(
        request,
        "problem_areas/list.html",
        {"form": form, "areas": areas, "by_id": by_id, **await _form_context(request, None)},
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
            "parent": str(area.parent_id or ""),
        }
    )
    if request.method == "POST":
        form = await read_form(request)
        values = _values(form)
        parent = _parent(form)
        if form.ok:
            try:
                await save_area(org, *values, area=area, parent_id=parent, actor=request.state.user)
            except DomainError as error:
                form.error(error.field, error.message)
            else:
                return done(
                    request,
                    request.app.url_path_for("problem_areas:list"),
                    _("The problem area is saved."),
                )
    labels = await Label.filter(organisation_id=org.id, area_id=area.id).count()
    targets = await ProblemArea.filter(organisation_id=org.id, active=True).exclude(id=area.id)
    return render(
        request,
        "problem_areas/edit.html",
        {
            "form": form,
            "area": area,
            "labels": labels,
            "targets": targets,
            **await _form_context(request, area),
        },
        status_code=400 if form.errors else 200,
    )


@managers
async def area_active(request: Request) -> Response:
    """Retire an area (it stays on the cases that used it) or bring it back."""
    area = await _area(request)
    try:
        await set_active(area, not area.active, actor=request.state.user)
    except DomainError as error:
        return done(request, request.app.url_path_for("problem_areas:list"), error.message)
    message = (
        _("The problem area is in use again.") if area.active else _("The problem area is retired.")
    )
    return done(request, request.app.url_path_for("problem_areas:list"), message)


@managers
async def area_merge(request: Request) -> Response:
    """Every label of this area becomes the chosen one's; this one is retired."""
    org = current_organisation(request)
    area = await _area(request)
    form = await read_form(request)
    target_id = form.integer("target", 1)
    target = (
        await ProblemArea.get_or_none(id=target_id, organisation_id=org.id) if target_id else None
    )
    back = request.app.url_path_for("problem_areas:edit", id=area.id)
    if target is None:
        return done(request, back, _("Choose the area to merge into."))
    try:
        moved = await merge(area, target, actor=request.state.user)
    except DomainError as error:
        return done(request, back, error.message)
    from problem_areas.views.model import start_training

    start_training(request, org)
    return done(
        request,
        request.app.url_path_for("problem_areas:list"),
        _("Merged: %(count)s texts moved. The model is being retrained."),
        count=str(moved),
    )


@managers
async def area_split(request: Request) -> Response:
    """Split an area: its texts are reassigned, a page at a time, to areas the reviewer
    chose (new ones are added on the list first); the model suggests one for each."""
    org = current_organisation(request)
    area = await _area(request)
    language = request.state.language
    candidates = await ProblemArea.filter(organisation_id=org.id, active=True).exclude(id=area.id)
    chosen_ids = {
        value
        for raw in request.query_params.getlist("into")[:20]
        if (value := parse_int(raw, 1)) is not None
    }
    targets = [c for c in candidates if c.id in chosen_ids]
    if request.method == "POST":
        data = await request.form()
        moved = 0
        by_id = {t.id: t for t in targets}
        for key, raw in list(data.items())[: 2 * SPLIT_PAGE + 10]:
            if not key.startswith("label-") or not isinstance(raw, str):
                continue
            label_id, target_id = parse_int(key[6:], 1), parse_int(raw, 1)
            target = by_id.get(target_id or 0)
            if label_id is not None and target is not None:
                moved += await reassign(
                    org.id, [label_id], target, actor=request.state.user, kind="split"
                )
        left = await Label.filter(organisation_id=org.id, area_id=area.id).count()
        if moved:
            await audit.record(
                "problem_area.split",
                request=request,
                target=area,
                organisation=org,
                moved=moved,
                left=left,
            )
        if moved and not left:
            from problem_areas.views.model import start_training

            start_training(request, org)
        return done(
            request,
            str(request.url),
            _("%(count)s texts moved. %(left)s are left in this area."),
            count=str(moved),
            left=str(left),
        )
    labels = list(
        await Label.filter(organisation_id=org.id, area_id=area.id)
        .order_by("-received_at")
        .limit(SPLIT_PAGE)
    )
    suggested = await suggestions(org.id, labels, targets) if targets else {}
    total = await Label.filter(organisation_id=org.id, area_id=area.id).count()
    return render(
        request,
        "problem_areas/split.html",
        {
            "area": area,
            "candidates": candidates,
            "targets": targets,
            "labels": labels,
            "suggested": suggested,
            "total": total,
            "language": language,
        },
    )
