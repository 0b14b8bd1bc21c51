"""The feedback panel of a staff member's start page: what each role needs first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from tortoise.expressions import Q

from complaints.models import Feedback
from complaints.permissions import HANDLE, READ, REGISTER, ROUTE, load_access
from complaints.states import KIND_LABELS, OPEN_STATUSES, Kind
from servicedialog.calendars import today_for
from servicedialog.roles import Role

URGENT = 5  # cases listed on a handler's start page
SOON_DAYS = 3


TEMPLATE = "complaints/_start_panel.html"


async def panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    """Handlers: their overdue and soon-due cases first. Quality managers: what is not
    routed and what is overdue. Leadership: the open, overdue and new complaints.
    Contact centre: registering and finding a case."""
    access = await load_access(request)
    if not access.can(READ) and not access.can(REGISTER):
        return None
    org = request.state.organisation
    today = today_for(org)
    open_ = Feedback.filter(access.visible(), organisation_id=org.id, status__in=OPEN_STATUSES)
    unanswered = open_.filter(answered_at=None)
    context = {
        "access": access,
        "may_handle": access.can(HANDLE),
        "may_route": access.can(ROUTE) and Role.QUALITY_MANAGER in access.roles,
        "may_register": access.can(REGISTER),
        "may_read": access.can(READ),
        "overdue": await unanswered.filter(answer_due__lt=today).count(),
        "soon": await unanswered.filter(
            answer_due__gte=today, answer_due__lte=today + timedelta(days=SOON_DAYS)
        ).count(),
        "open": await open_.count(),
        "today": today,
        "kind_labels": KIND_LABELS,
    }
    if access.can(HANDLE):
        mine = unanswered.filter(access.handled()) if access.handler_units else unanswered
        context["urgent"] = (
            await mine.filter(answer_due__lte=today + timedelta(days=SOON_DAYS))
            .order_by("answer_due", "id")
            .limit(URGENT)
            .only("id", "number", "kind", "answer_due", "assigned_to_id")
        )
        context["unassigned"] = await mine.filter(assigned_to_id=None).count()
        context["mine"] = await open_.filter(assigned_to_id=access.user_id).count()
        context["own_unit"] = min(access.handler_units) if access.handler_units else None
    if context["may_route"]:
        context["unrouted"] = await open_.filter(unit_id=None).count()
    if Role.LEADERSHIP in access.roles or Role.QUALITY_MANAGER in access.roles:
        month = today.replace(day=1)
        complaints = Feedback.filter(organisation_id=org.id, kind=Kind.COMPLAINT)
        context["complaints_month"] = await complaints.filter(received_at__gte=month).count()
        context["named_promise"] = await complaints.filter(
            Q(commitment_id__not_isnull=True), received_at__gte=month
        ).count()
    return TEMPLATE, context
