"""The organisation's closed days (a local day off is not a working day for any clock)."""

from __future__ import annotations

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from commitments.views.common import managers, recompute
from servicedialog import audit
from servicedialog.auth import current_organisation
from servicedialog.forms import Form, done, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import ClosedDay


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
