"""The dashboards' pages: thin, over :mod:`dashboards.collect` and :mod:`dashboards.present`.

Who may see what: the overview and the report need OVERVIEW in the organisation shown
(leadership, quality managers), the quality view QUALITY; each panel on them needs its own
feature's permission too. The public page and its open data show only panels without a
permission, with small figures suppressed. Every list a chart links to is the feature's
own list, which applies the viewer's personal-data rules.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dashboards import collect, summary
from dashboards.figures import figure
from dashboards.filters import PERIOD_CHOICES, Filters, complete_months, parse
from dashboards.permissions import OVERVIEW, QUALITY
from dashboards.present import PanelView, download_rows, present
from servicedialog.auth import public
from servicedialog.calendars import today_for
from servicedialog.charts import figure_json
from servicedialog.exports import csv_response, spreadsheet_safe
from servicedialog.features import PUBLIC_MIN_CASES, Panel, PanelScope
from servicedialog.forms import render
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations
from servicedialog.models import Membership, Organisation, Unit
from servicedialog.permissions import requires
from servicedialog.roles import Role

overview_readers = requires(OVERVIEW)
quality_readers = requires(QUALITY)

PUBLIC_CACHE_SECONDS = 300.0
NO_ROLE_THERE = _("You have no role in that organisation: the figures are your own organisation's.")


def _settings(request: Request) -> Any:
    return request.app.state.feature_settings.get("dashboards")


async def _organisation_and_roles(request: Request) -> tuple[Organisation, frozenset[Role], Any]:
    """The organisation chosen with ``org`` (one the person has a role in), else the one
    they work in; their roles there; and an error msgid when ``org`` could not be used."""
    current: Organisation = request.state.organisation
    wanted = request.query_params.get("org", "")[:64]
    if not wanted or wanted == current.slug:
        return current, request.state.roles, ""
    chosen = next((o for o in request.state.organisations if o.slug == wanted), None)
    if chosen is None:
        return current, request.state.roles, NO_ROLE_THERE
    roles = frozenset(
        Role(m.role)
        for m in await Membership.filter(user_id=request.state.user.id, organisation_id=chosen.id)
    )
    return chosen, roles, ""


async def _choices(request: Request, organisation: Organisation) -> dict[str, dict[Any, str]]:
    language = request.state.language
    units = {
        u.id: u.name(language)
        for u in await Unit.filter(organisation_id=organisation.id).order_by("name_sv")
    }
    found: dict[str, dict[Any, str]] = {"unit": units, "service": {}, "channel": {}}
    for feature in request.app.state.features:
        for name, options in feature.dashboard_filters.items():
            found.setdefault(name, {}).update(dict(await options(organisation, language)))
    return found


async def _filtered_scope(
    request: Request, organisation: Organisation
) -> tuple[dict[str, dict[Any, str]], Filters, PanelScope]:
    """The organisation's filter choices, the filters the query string asks for, and the
    scope the panels get from them (the page and its downloads alike)."""
    today = today_for(organisation)
    choices = await _choices(request, organisation)
    filters = parse(
        request.query_params,
        today,
        units=choices["unit"],
        services=choices["service"],
        channels=choices["channel"],
    )
    scope = PanelScope(
        organisation,
        filters.start,
        filters.end,
        unit_id=filters.unit_id,
        service_id=filters.service_id,
        channel=filters.channel,
        language=request.state.language,
        today=today,
    )
    return choices, filters, scope


async def _page_context(request: Request, view: str) -> dict[str, Any]:
    organisation, roles, org_error = await _organisation_and_roles(request)
    permission = OVERVIEW if view == "manage" else QUALITY
    if not permission.held_by(roles):
        raise HTTPException(403)
    choices, filters, scope = await _filtered_scope(request, organisation)
    panels = collect.panels_for(request.app.state.features, view, roles)
    wanted = request.query_params.get("panels", "")
    if wanted:  # a chosen few (the benchmark measures the page with fewer panels)
        names = set(wanted.split(",")[:50])
        panels = [p for p in panels if p.name in names]
    results = await collect.run(
        panels, scope, request.app.state.cache, _settings(request).cache_seconds
    )
    linking = remembering_paths(request)
    views = [_present(linking, r.panel, r.rows, scope, filters, r.seconds) for r in results]
    return {
        "organisation": organisation,
        "org_error": org_error,
        "organisations": [o for o in request.state.organisations],
        "filters": filters,
        "choices": choices,
        "period_choices": PERIOD_CHOICES,
        "panels": views,
        "sections": _sections(views),
        "view": view,
        "today": scope.today,
        "summary": summary.sentences(views, request.state.language),
    }


class Remembering:
    """``target`` with its route lookup ``method`` (``url_for``, ``url_path_for``)
    remembered per route and parameters, other attributes passed through. A panel's
    ``link`` gets the request so wrapped: a page links hundreds of table rows to a handful
    of lists, and Starlette looks each one up through every route (about 60 µs a call)."""

    def __init__(self, target: Any, method: str, **attributes: Any) -> None:
        self._target = target
        self._method = method
        self._found: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}
        self.__dict__.update(attributes)

    def __getattr__(self, name: str) -> Any:
        if name != self._method:
            return getattr(self._target, name)
        look_up = getattr(self._target, name)

        def remembered(route: str, /, **params: Any) -> Any:
            key = (route, tuple(sorted(params.items())))
            if key not in self._found:
                self._found[key] = look_up(route, **params)
            return self._found[key]

        return remembered


def remembering_paths(request: Request) -> Remembering:
    """The request for the panels' links: ``request.url_for`` and
    ``request.app.url_path_for`` each looked up once per route and parameters."""
    return Remembering(request, "url_for", app=Remembering(request.app, "url_path_for"))


def _present(
    request: Any,
    panel: Panel,
    rows: list[dict[str, Any]],
    scope: PanelScope,
    filters: Filters | None,
    seconds: float,
) -> PanelView:
    link = None
    if panel.link is not None and not scope.public:
        link = lambda row: panel.link(request, row, scope)  # noqa: E731
    shown = present(panel, rows, scope, link, filters.active if filters else frozenset())
    shown.seconds = seconds
    if not scope.public:
        drawn = figure(panel, rows, scope.language, shown.links)
        shown.figure = figure_json(drawn) if drawn else ""
    return shown


SECTION_TITLES = {
    "commitments": _("Service commitments"),
    "feedback": _("Feedback and complaints"),
    "problem_areas": _("What people write about"),
    "channels": _("Channels and the digital share"),
    "improvement": _("Improvement: causes and what was done"),
}


def _sections(views: list[PanelView]) -> list[tuple[str, str, list[PanelView]]]:
    found: dict[str, list[PanelView]] = {}
    for shown in views:
        found.setdefault(shown.panel.section, []).append(shown)
    return [(key, SECTION_TITLES.get(key, key), items) for key, items in found.items()]


@overview_readers
async def overview(request: Request) -> Response:
    return render(request, "dashboards/manage.html", await _page_context(request, "manage"))


@quality_readers
async def quality(request: Request) -> Response:
    return render(request, "dashboards/quality.html", await _page_context(request, "quality"))


@overview_readers
async def report(request: Request) -> Response:
    """The management-review report: the overview's panels for a period, on one printable
    page with a summary of what changed and what was flagged; ``.pdf`` renders it with
    WeasyPrint."""
    context = await _page_context(request, "manage")
    context["generated"] = date.today()
    fmt = request.path_params.get("format")
    if fmt not in (None, "pdf"):
        raise HTTPException(404)
    if fmt == "pdf":
        page = render(request, "dashboards/report.html", {**context, "pdf": True})
        pdf = await _pdf(bytes(page.body).decode())
        name = f"ledningsrapport-{context['organisation'].slug}-{context['filters'].end:%Y-%m}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return render(request, "dashboards/report.html", context)


STYLESHEETS = (
    Path(__file__).resolve().parent.parent / "servicedialog" / "static" / "css" / "app.css",
    Path(__file__).resolve().parent / "static" / "dashboards.css",
)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint fetches nothing: the report's styles are given, its charts are inline
    SVG (so a report can never be made to request an address)."""
    raise ValueError(f"not fetched: {url[:80]}")


async def _pdf(html: str) -> bytes:
    import anyio
    from weasyprint import CSS, HTML

    def write() -> bytes:
        sheets = [CSS(filename=str(path)) for path in STYLESHEETS]
        data: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=sheets)
        return data

    return await anyio.to_thread.run_sync(write)


@overview_readers
async def download(request: Request) -> Response:
    """One panel's rows, exactly what its chart and table show, as CSV or XLSX."""
    name = f"{request.path_params['feature']}.{request.path_params['metric']}"
    fmt = request.path_params["format"]
    view = request.query_params.get("view", "manage")
    panel = collect.find(request.app.state.features, name)
    organisation, roles, _error = await _organisation_and_roles(request)
    if (
        panel is None
        or fmt not in ("csv", "xlsx")
        or view not in panel.views
        or view == "public"
        or (panel.permission is not None and not panel.permission.held_by(roles))
        or not (OVERVIEW if view == "manage" else QUALITY).held_by(roles)
    ):
        raise HTTPException(404)
    _choices_made, filters, scope = await _filtered_scope(request, organisation)
    language = scope.language
    rows = (await collect.run([panel], scope))[0].rows
    header, lines = download_rows(panel, rows, language)
    period = f"{filters.start:%Y-%m}-{filters.end:%Y-%m}"
    stem = f"{panel.name.replace('.', '-')}-{organisation.slug}-{period}"
    if fmt == "csv":
        return csv_response(header, lines, f"{stem}.csv")
    return Response(
        xlsx_bytes(translations(language).gettext(panel.title), header, lines),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
    )


def xlsx_bytes(title: str, header: list[str], lines: list[list[Any]]) -> bytes:
    """A one-sheet workbook of the rows (text cells made safe from formulas, as in CSV)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_sheet_name(title))
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for index, line in enumerate(lines, start=1):
        sheet.write_row(
            index, 0, [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in line]
        )
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return (cleaned or "Data")[:31]


# ---- the public statistics page and its open data ----------------------------------


async def _public_organisation(request: Request) -> Organisation:
    slug = request.path_params["org"]
    organisation = await Organisation.get_or_none(slug=slug)
    if organisation is None:
        raise HTTPException(404)
    return organisation


async def _public_results(request: Request, organisation: Organisation, language: str) -> list[Any]:
    """The public panels' rows for the last 24 months, cached per worker: the page is
    for anyone, and a crowd must not cost the database a query each."""

    async def load() -> list[Any]:
        today = today_for(organisation)
        scope = PanelScope(
            organisation, *complete_months(today, 24), language=language, public=True, today=today
        )
        panels = collect.panels_for(request.app.state.features, "public", None)
        return [scope, await collect.run(panels, scope)]

    key = f"dashboards:public:{organisation.id}:{language}"
    loaded: list[Any] = await request.app.state.cache.get_or_set(key, PUBLIC_CACHE_SECONDS, load)
    return loaded


@public
async def public_page(request: Request) -> Response:
    organisation = await _public_organisation(request)
    language = request.state.language
    scope, results = await _public_results(request, organisation, language)
    views = [_present(request, r.panel, r.rows, scope, None, r.seconds) for r in results]
    return render(
        request,
        "dashboards/public.html",
        {
            "organisation": organisation,
            "panels": views,
            "sections": _sections(views),
            "scope": scope,
        },
    )


MONTHLY_PANEL = "complaints.monthly"
OPEN_DATA_KEYS = ("month", "received", "answered", "answered_on_time")


async def _monthly(request: Request) -> tuple[Organisation, list[dict[str, Any]]]:
    organisation = await _public_organisation(request)
    _scope, results = await _public_results(request, organisation, "sv")
    rows = next((r.rows for r in results if r.panel.name == MONTHLY_PANEL), [])
    return organisation, [{key: row.get(key) for key in OPEN_DATA_KEYS} for row in rows]


@public
async def statistics_json(request: Request) -> Response:
    organisation, rows = await _monthly(request)
    document = {
        "organisation": organisation.slug,
        "name": organisation.name_sv,
        "time_zone": organisation.time_zone,
        "definitions": {
            "month": "YYYY-MM, in the organisation's time zone",
            "received": "feedback registered that month",
            "answered": "of those, answered so far",
            "answered_on_time": "of those, answered by their answer date",
            "suppressed": f"figures resting on fewer than {PUBLIC_MIN_CASES} records are null",
        },
        "months": rows,
    }
    return JSONResponse(
        document,
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


@public
async def statistics_csv(request: Request) -> Response:
    organisation, rows = await _monthly(request)
    response = csv_response(
        list(OPEN_DATA_KEYS),
        [[row.get(k) for k in OPEN_DATA_KEYS] for row in rows],
        f"statistik-{organisation.slug}.csv",
        private=False,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
