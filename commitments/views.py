"""Public pages of the commitments feature: catalogue, one commitment, open data."""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from commitments import imports, queries
from commitments.charts import history_chart
from commitments.forms import service_input, terms_input, terms_values
from commitments.models import (
    Commitment,
    CommitmentVersion,
    PackageQuestion,
    Service,
    ServicePackage,
)
from commitments.packages import build_guide, parse_answers
from commitments.permissions import MANAGE, VIEW
from commitments.queries import CATALOGUE_TTL_SECONDS, catalogue_cache_key
from commitments.services import (
    CatalogueError,
    change_terms,
    save_service,
    set_status,
    terms_of_version,
)
from commitments.states import (
    CHANNEL_LABELS,
    ESERVICE_LABELS,
    PERIOD_LABELS,
    STATUS_LABELS,
    UNIT_AMOUNTS,
    UNIT_LABELS,
    CommitmentStatus,
)
from servicedialog import audit
from servicedialog.auth import current_organisation, public
from servicedialog.bounds import parse_int
from servicedialog.calendars import today_for
from servicedialog.exports import csv_response
from servicedialog.forms import Form, accepts_files, done, invalid, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import ClosedDay, Organisation, Unit
from servicedialog.orgs.queries import organisation_or_404
from servicedialog.permissions import requires

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


async def cached_catalogue(
    request: Request, org: Organisation
) -> list[queries.PublishedCommitment]:
    """The public catalogue's data, cached per worker: every visitor reads it, and it
    changes only when cases are imported or commitments change (which invalidate it here;
    other workers follow within a minute)."""

    async def load() -> list[queries.PublishedCommitment]:
        return await queries.published_commitments(org)

    cache = request.app.state.cache
    items: list[queries.PublishedCommitment] = await cache.get_or_set(
        catalogue_cache_key(org) + "data", CATALOGUE_TTL_SECONDS, load
    )
    return items


async def recompute(request: Request, org: Organisation) -> int:
    """Recompute the organisation's fulfilment and drop this worker's cached catalogue."""
    rows = await queries.recompute_organisation(org)
    request.app.state.cache.invalidate_prefix(catalogue_cache_key(org))
    return rows


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


# --- staff pages ------------------------------------------------------------------------

managers = requires(MANAGE)
watchers = requires(VIEW)
PREVIEW_LINES = 1000
UPLOAD_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@watchers
async def manage(request: Request) -> Response:
    org = current_organisation(request)
    items = await queries.published_commitments(org)
    return render(request, "commitments/manage.html", {"org": org, "items": items})


@watchers
async def at_risk(request: Request) -> Response:
    org = current_organisation(request)
    raw = request.query_params.get("days", "5")
    days = min(parse_int(raw, 1) or 5, 60)
    risky, breached = await queries.open_cases_by_deadline(org, today_for(org), days)
    return render(
        request,
        "commitments/at_risk.html",
        {
            "org": org,
            "at_risk": risky,
            "breached": breached,
            "days": days,
            "unit_amounts": UNIT_AMOUNTS,
        },
    )


@managers
async def closed_days(request: Request) -> Response:
    org = current_organisation(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        day = _parse_day(form)
        reason = form.require("reason")
        if form.ok and await ClosedDay.exists(organisation_id=org.id, day=day):
            form.error("day", _("This day is already closed."))
        if form.ok:
            closed = await ClosedDay.create(organisation=org, day=day, reason=reason)
            await audit.record(
                "closed_day.added", request=request, target=closed, organisation=org, day=str(day)
            )
            await recompute(request, org)
            return done(
                request,
                request.app.url_path_for("commitments:closed_days"),
                _("The day is added. Deadlines and figures are updated."),
            )
    listing = await ClosedDay.filter(organisation_id=org.id).order_by("day")
    return render(
        request,
        "commitments/closed_days.html",
        {"form": form, "days": listing},
        status_code=400 if form.errors else 200,
    )


def _parse_day(form: Form) -> date | None:
    return form.day("day", required=True)


@managers
async def closed_day_delete(request: Request) -> Response:
    org = current_organisation(request)
    closed = await ClosedDay.get_or_none(id=request.path_params["id"], organisation_id=org.id)
    if closed is None:
        raise HTTPException(404)
    await closed.delete()
    await audit.record("closed_day.removed", request=request, organisation=org, day=str(closed.day))
    await recompute(request, org)
    return done(
        request,
        request.app.url_path_for("commitments:closed_days"),
        _("The day is removed. Deadlines and figures are updated."),
    )


def _upload_path(request: Request, token: str) -> Path:
    folder = Path(request.app.state.settings.var_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"cases-{token}.csv"


@managers
@accepts_files
async def upload(request: Request) -> Response:
    """Step 1: choose a CSV file; step 2: see a preview of its first lines and confirm."""
    if request.method == "GET":
        return render(request, "commitments/upload.html", {"form": Form({})})
    form = Form({})
    token = secrets.token_hex(16)
    path = _upload_path(request, token)
    async with request.form() as form_data:
        file = form_data.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            form.error("file", _("Choose a CSV file."))
            return invalid(request, "commitments/upload.html", form)
        filename = file.filename
        with path.open("wb") as target:
            while chunk := await file.read(1 << 20):
                target.write(chunk)
    preview = await imports.preview(current_organisation(request), path, PREVIEW_LINES)
    if preview.header_error:
        path.unlink(missing_ok=True)
        form.error(
            "file",
            _(
                "The first line must name the columns service_code, case_ref, "
                "received_at, completed_at and pauses."
            ),
        )
        return invalid(request, "commitments/upload.html", form)
    return render(
        request,
        "commitments/upload_preview.html",
        {"preview": preview, "token": token, "filename": filename, "limit": PREVIEW_LINES},
    )


@managers
async def upload_confirm(request: Request) -> Response:
    form = await read_form(request)
    token = form.get("token")
    path = _upload_path(request, token) if UPLOAD_TOKEN.match(token) else None
    if path is None or not path.exists():
        raise HTTPException(400)
    org = current_organisation(request)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        report = await imports.import_cases(org, handle)
    path.unlink(missing_ok=True)
    rows = await recompute(request, org) if report.imported else 0
    await audit.record(
        "cases.imported",
        request=request,
        organisation=org,
        imported=report.imported,
        rejected=report.rejected,
    )
    return render(request, "commitments/upload_report.html", {"report": report, "periods": rows})


# --- service packages and the permit-needs guide (public, no JavaScript) ----------------


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


# --- managing services and commitments (quality managers) -------------------------------

UNIT_CHOICES = tuple(UNIT_LABELS.items())


async def _service_context(org: Organisation) -> dict[str, Any]:
    return {
        "units": await Unit.filter(organisation_id=org.id).order_by("name_sv"),
        "channel_labels": CHANNEL_LABELS,
        "level_labels": ESERVICE_LABELS,
    }


@managers
async def services_list(request: Request) -> Response:
    org = current_organisation(request)
    context = await _service_context(org)
    form = Form({"eservice_level": "information"})
    selected: set[str] = set()
    if request.method == "POST":
        async with request.form() as data:
            form = Form.from_formdata(data)
            selected = {str(v) for v in data.getlist("channels")}
        spec = service_input(form, sorted(selected))
        unit = next((u for u in context["units"] if u.code == spec.unit_code), None)
        if form.ok:
            try:
                service = await save_service(org, spec, unit, None)
            except CatalogueError:
                form.error("code", _("A service with this code already exists."))
            else:
                await audit.record(
                    "service.created", request=request, target=service, organisation=org
                )
                return done(
                    request,
                    request.app.url_path_for("commitments:service", id=service.id),
                    _("The service is created."),
                )
    services = await Service.filter(organisation_id=org.id).select_related("unit").order_by("code")
    return render(
        request,
        "commitments/services.html",
        {**context, "form": form, "services": services, "selected_channels": selected},
        status_code=400 if form.errors else 200,
    )


async def _service_of(request: Request) -> Service:
    service = await Service.get_or_none(
        id=request.path_params["id"], organisation_id=current_organisation(request).id
    ).select_related("unit")
    if service is None:
        raise HTTPException(404)
    return service


@managers
async def service_detail(request: Request) -> Response:
    """The service's commitments, and a form to add a new one (as a draft)."""
    org = current_organisation(request)
    service = await _service_of(request)
    context = await _service_context(org)
    commitments = await Commitment.filter(service_id=service.id).order_by("key")
    versions = {
        v.commitment_id: v
        for v in await CommitmentVersion.filter(commitment__service_id=service.id).order_by(
            "version"
        )
    }
    terms_form = Form(
        {"unit": "working_days", "period": "month", "kind": "timeliness", "target_percent": "90"}
    )
    return render(
        request,
        "commitments/service.html",
        {
            **context,
            "service": service,
            "commitments": commitments,
            "versions": versions,
            "form": Form({}),
            "terms_form": terms_form,
            "unit_choices": UNIT_CHOICES,
            "status_labels": STATUS_LABELS,
            "period_labels": PERIOD_LABELS,
        },
    )


@managers
async def commitment_new(request: Request) -> Response:
    org = current_organisation(request)
    service = await _service_of(request)
    form = await read_form(request)
    terms = terms_input(form)
    if not form.ok:
        context = await _service_context(org)
        return invalid(
            request,
            "commitments/service.html",
            Form({}),
            **context,
            service=service,
            terms_form=form,
            unit_choices=UNIT_CHOICES,
            commitments=await Commitment.filter(service_id=service.id),
            versions={},
            status_labels=STATUS_LABELS,
            period_labels=PERIOD_LABELS,
        )
    key = f"c{await Commitment.filter(service_id=service.id).count() + 1}"
    commitment = await Commitment.create(service=service, key=key, owner=request.state.user)
    await change_terms(commitment, terms)
    await audit.record("commitment.created", request=request, target=commitment, organisation=org)
    return done(
        request,
        request.app.url_path_for("commitments:commitment", id=commitment.id),
        _("The commitment is saved as a draft. Publish it when it is ready."),
    )


async def _commitment_of(request: Request) -> Commitment:
    commitment = await Commitment.get_or_none(
        id=request.path_params["id"], service__organisation_id=current_organisation(request).id
    ).select_related("service")
    if commitment is None:
        raise HTTPException(404)
    return commitment


@managers
async def commitment_detail(request: Request) -> Response:
    org = current_organisation(request)
    commitment = await _commitment_of(request)
    versions = list(await CommitmentVersion.filter(commitment_id=commitment.id).order_by("version"))
    form = Form(terms_values(terms_of_version(versions[-1])))
    if request.method == "POST":
        form = await read_form(request)
        terms = terms_input(form)
        if form.ok:
            version = await change_terms(commitment, terms)
            if version is not None:
                await audit.record(
                    "commitment.version_created",
                    request=request,
                    target=commitment,
                    organisation=org,
                    version=version.version,
                )
                await recompute(request, org)
            message = (
                _("A new version is saved; the earlier one is kept.")
                if version
                else _("Nothing was changed.")
            )
            return done(request, request.url.path, message)
    return render(
        request,
        "commitments/commitment.html",
        {
            "commitment": commitment,
            "versions": versions,
            "form": form,
            "unit_choices": UNIT_CHOICES,
            "unit_amounts": UNIT_AMOUNTS,
            "status_labels": STATUS_LABELS,
            "period_labels": PERIOD_LABELS,
            "org": org,
        },
        status_code=400 if form.errors else 200,
    )


@managers
async def commitment_status(request: Request) -> Response:
    org = current_organisation(request)
    commitment = await _commitment_of(request)
    form = await read_form(request)
    allowed = {
        CommitmentStatus.DRAFT: {CommitmentStatus.PUBLISHED},
        CommitmentStatus.PUBLISHED: {CommitmentStatus.RETIRED},
        CommitmentStatus.RETIRED: {CommitmentStatus.PUBLISHED},
    }
    target = form.get("status")
    if target not in {s.value for s in allowed[CommitmentStatus(commitment.status)]}:
        raise HTTPException(400)
    await set_status(commitment, CommitmentStatus(target))
    await audit.record(
        "commitment.status", request=request, target=commitment, organisation=org, status=target
    )
    await recompute(request, org)
    return done(
        request,
        request.app.url_path_for("commitments:commitment", id=commitment.id),
        _("The status is changed."),
    )


@managers
async def service_edit(request: Request) -> Response:
    """Change a service's names, description, channels, level and unit (not its code)."""
    org = current_organisation(request)
    service = await _service_of(request)
    context = await _service_context(org)
    if request.method == "GET":
        form = Form(
            {
                "code": service.code,
                "name_sv": service.name_sv,
                "name_en": service.name_en,
                "description_sv": service.description_sv,
                "description_en": service.description_en,
                "target_group": service.target_group,
                "eservice_level": service.eservice_level.value,
                "unit": service.unit.code if service.unit else "",
            }
        )
        return render(
            request,
            "commitments/service_edit.html",
            {
                **context,
                "form": form,
                "service": service,
                "selected_channels": set(service.channels),
            },
        )
    async with request.form() as data:
        form = Form.from_formdata(data)
        selected = {str(v) for v in data.getlist("channels")}
    form.values["code"] = service.code  # the code identifies the service in case data
    spec = service_input(form, sorted(selected))
    if not form.ok:
        return invalid(
            request,
            "commitments/service_edit.html",
            form,
            **context,
            service=service,
            selected_channels=selected,
        )
    unit = next((u for u in context["units"] if u.code == spec.unit_code), None)
    await save_service(org, spec, unit, service)
    await audit.record("service.updated", request=request, target=service, organisation=org)
    request.app.state.cache.invalidate_prefix(catalogue_cache_key(org))
    return done(
        request,
        request.app.url_path_for("commitments:service", id=service.id),
        _("The service is saved."),
    )
