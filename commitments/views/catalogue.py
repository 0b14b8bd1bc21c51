"""Managing services and commitments (quality managers)."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from commitments.forms import service_input, terms_input, terms_values
from commitments.models import (
    Commitment,
    CommitmentVersion,
    Service,
)
from commitments.queries import catalogue_cache_key
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
from commitments.views.common import managers, recompute
from servicedialog import audit
from servicedialog.auth import current_organisation
from servicedialog.forms import Form, done, invalid, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation, Unit

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
