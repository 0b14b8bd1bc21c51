"""Open311 handlers: read the parameters, call :mod:`complaints.open311.services`, answer
in the format named by the resource's extension (``.xml`` or ``.json``)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route

from complaints.open311 import params, services
from complaints.open311.documents import (
    FALLBACK_FORMAT,
    Document,
    Open311Error,
    error,
    format_of,
    response,
)
from servicedialog.apikeys import api_key_guard, bearer_key
from servicedialog.auth import Endpoint, public
from servicedialog.calendars import zone_of
from servicedialog.errors import RETRY_AFTER_SECONDS, log_unavailable, unavailable_reason
from servicedialog.models import Organisation

Handler = Callable[[Request], Awaitable[Document]]


def _format(request: Request) -> str:
    return str(request.path_params.get("format", ""))


def open311(handler: Handler) -> Endpoint:
    """An Open311 resource: an unknown format is 404, an :class:`Open311Error` becomes the
    specification's error document in the format asked for."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        format = format_of(_format(request))
        if format is None:
            return error(404, FALLBACK_FORMAT, "the format must be xml or json")
        try:
            document = await handler(request)
        except Open311Error as problem:
            return response(problem.document(), format)
        except Exception as problem:
            reason = unavailable_reason(problem)
            if reason is None:
                raise
            log_unavailable(request, reason)
            busy = error(503, format, "the service is busy: send the request again in a minute")
            busy.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return busy
        return response(document, format)

    return endpoint


async def _form(request: Request) -> FormData:
    """The text fields of the POST body (form-encoded, as the specification says; multipart
    works too, its files are dropped), read once for the key check and the handler. A
    malformed body counts as an empty one, so its fields are reported missing."""
    form: FormData | None = getattr(request.state, "open311_form", None)
    if form is None:
        try:
            async with request.form() as data:
                form = FormData([(k, v) for k, v in data.multi_items() if isinstance(v, str)])
        except HTTPException:
            form = FormData()
        request.state.open311_form = form
    return form


async def _api_key(request: Request) -> str:
    """``api_key`` as a form field or query argument (the specification's way), else
    ``Authorization: Bearer``."""
    form = await _form(request) if request.method == "POST" else FormData()
    key = params.optional(form, "api_key") or params.optional(request.query_params, "api_key")
    return key or bearer_key(request)


def _refused(request: Request, given: bool) -> Response:
    description = "Invalid api_key received" if given else "api_key was not provided"
    return error(403, _format(request), f"{description}: create requests with a valid key")


requires_open311_key = api_key_guard(_api_key, _refused, 403)


async def _jurisdiction(request: Request) -> Organisation:
    return await services.jurisdiction(params.optional(request.query_params, "jurisdiction_id"))


def _language(request: Request) -> str:
    return str(request.state.language)


@public
@open311
async def discovery(request: Request) -> Document:
    settings = request.app.state.settings
    data = await services.discovery(settings.base_url, settings.is_production)
    return Document("discovery", data)


@public
@open311
async def service_list(request: Request) -> Document:
    organisation = await _jurisdiction(request)
    return Document("services", await services.service_list(organisation, _language(request)))


@public
@open311
async def service_definition(request: Request) -> Document:
    organisation = await _jurisdiction(request)
    code = request.path_params["code"]
    data = await services.service_definition(organisation, code, _language(request))
    return Document("service_definition", data)


@requires_open311_key
@open311
async def create_request(request: Request) -> Document:
    form = await _form(request)
    organisation = await services.jurisdiction(
        params.optional(form, "jurisdiction_id")
        or params.optional(request.query_params, "jurisdiction_id")
    )
    if organisation.id != request.state.api_organisation.id:
        raise Open311Error(403, "the api_key does not belong to this jurisdiction_id")
    new = params.new_request(form, [(k, str(v)) for k, v in form.multi_items()])
    created = await services.create(organisation, new, _language(request))
    return Document("service_requests", [created])


@public
@open311
async def token(request: Request) -> Document:
    organisation = await _jurisdiction(request)
    found = await services.token(organisation, request.path_params["token"])
    return Document("service_requests", [found])


@public
@open311
async def request_list(request: Request) -> Document:
    organisation = await _jurisdiction(request)
    zone = zone_of(organisation)
    query = params.request_query(request.query_params, datetime.now(UTC), zone)
    data = await services.find_requests(organisation, query, _language(request))
    return Document("service_requests", data)


@public
@open311
async def one_request(request: Request) -> Document:
    organisation = await _jurisdiction(request)
    number = request.path_params["id"]
    data = await services.one_request(organisation, number, _language(request))
    return Document("service_requests", data)


def not_found_for(resources: Sequence[BaseRoute]) -> Endpoint:
    """The answer to anything else under /open311/v2/: 404, or 405 for one of
    ``resources`` asked with a method it does not take, in the specification's format
    (JSON when the path ends in .json)."""

    @public
    async def not_found(request: Request) -> Response:
        format = "json" if request.url.path.endswith(".json") else FALLBACK_FORMAT
        allowed = {
            method
            for route in resources
            if isinstance(route, Route) and route.matches(request.scope)[0] is Match.PARTIAL
            for method in route.methods or ()
        }
        if not allowed:
            return error(404, format, "there is no such Open311 resource")
        refused = error(405, format, f"use {' or '.join(sorted(allowed - {'HEAD'}))}")
        refused.headers["Allow"] = ", ".join(sorted(allowed))
        return refused

    return not_found
