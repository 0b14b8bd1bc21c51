"""Staff pages: the inbox, one feedback record with its handling, and registering feedback
that came by phone, visit, letter or e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from tortoise.expressions import Q

from commitments.models import Service
from complaints import attachments, identity, services
from complaints.forms import form_catalogue, read_feedback
from complaints.models import Attachment, Feedback, FeedbackEvent, ReplyTemplate
from complaints.services import Closing, HandlingError
from complaints.states import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    OPEN_STATUSES,
    OUTCOME_LABELS,
    RETENTION_LABELS,
    STATUS_LABELS,
    Channel,
    EventKind,
    Kind,
    Outcome,
    RetentionClass,
    Status,
)
from problem_areas.services import active_areas
from servicedialog import audit
from servicedialog.auth import current_organisation, requires_role
from servicedialog.forms import Form, done, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import Membership, Unit, User
from servicedialog.pagination import paginate
from servicedialog.roles import Role

handlers = requires_role(Role.HANDLER, Role.ADMIN, Role.QUALITY_MANAGER)
readers = requires_role(
    Role.HANDLER, Role.ADMIN, Role.QUALITY_MANAGER, Role.CONTACT_CENTRE, Role.LEADERSHIP
)
registrars = requires_role(Role.CONTACT_CENTRE, Role.HANDLER, Role.ADMIN)
INBOX_PAGE = 25
# Who sees personal identity numbers unmasked: the people who handle the cases.
IDENTITY_ROLES = frozenset({Role.HANDLER, Role.ADMIN})


def sees_identity(request: Request) -> bool:
    return bool(request.state.roles & IDENTITY_ROLES)


def shown(request: Request, text: str) -> str:
    return text if sees_identity(request) else identity.mask(text)


def inbox_query(org_id: int, params: Any, user: User) -> Any:
    query = Feedback.filter(organisation_id=org_id)
    status = params.get("status", "open")
    if status == "open":
        query = query.filter(status__in=OPEN_STATUSES)
    elif status in tuple(Status):
        query = query.filter(status=status)
    if params.get("unit", "").isdigit():
        query = query.filter(unit_id=int(params["unit"]))
    if params.get("kind") in tuple(Kind):
        query = query.filter(kind=params["kind"])
    assigned = params.get("assigned", "")
    if assigned == "me":
        query = query.filter(assigned_to_id=user.id)
    elif assigned == "none":
        query = query.filter(assigned_to_id=None)
    if params.get("due") == "overdue":
        query = query.filter(status__in=OPEN_STATUSES, answer_due__lt=date.today())
    elif params.get("due") == "soon":
        query = query.filter(
            status__in=OPEN_STATUSES,
            answer_due__gte=date.today(),
            answer_due__lte=date.fromordinal(date.today().toordinal() + 3),
        )
    search = params.get("q", "").strip()
    if search:
        query = query.filter(Q(number__icontains=search) | Q(text__icontains=search))
    order = "-received_at" if params.get("sort") == "newest" else "answer_due"
    return query.order_by(order, "id")


@readers
async def inbox(request: Request) -> Response:
    """The unit's inbox: a handler tied to a unit starts on that unit's feedback (the
    service decides the unit); "All units" shows the whole organisation."""
    org = current_organisation(request)
    params = dict(request.query_params)
    if "unit" not in params:
        own = (
            await Membership.filter(
                organisation_id=org.id, user_id=request.state.user.id, role=Role.HANDLER
            )
            .exclude(unit_id=None)
            .first()
        )
        if own is not None:
            params["unit"] = str(own.unit_id)
    query = inbox_query(org.id, params, request.state.user)
    page = await paginate(
        query.only(
            "id",
            "number",
            "kind",
            "status",
            "received_at",
            "answer_due",
            "unit_id",
            "assigned_to_id",
            "service_id",
            "secret",
        ),
        request,
        INBOX_PAGE,
    )
    units = {u.id: u for u in await Unit.filter(organisation_id=org.id)}
    user_ids = {f.assigned_to_id for f in page.items if f.assigned_to_id}
    users = {u.id: u for u in await User.filter(id__in=user_ids)} if user_ids else {}
    service_ids = {f.service_id for f in page.items if f.service_id}
    service_names = (
        {s.id: s for s in await Service.filter(id__in=service_ids)} if service_ids else {}
    )
    return render(
        request,
        "complaints/inbox.html",
        {
            "org": org,
            "page": page,
            "units": units,
            "users": users,
            "service_names": service_names,
            "params": params,
            "today": date.today(),
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
        },
    )


async def _feedback(request: Request) -> Feedback:
    org = current_organisation(request)
    feedback = await Feedback.get_or_none(id=request.path_params["id"], organisation_id=org.id)
    if feedback is None:
        raise HTTPException(404)
    return feedback


async def _handlers(org_id: int) -> list[User]:
    ids = await Membership.filter(
        organisation_id=org_id, role__in=(Role.HANDLER, Role.ADMIN)
    ).values_list("user_id", flat=True)
    return list(await User.filter(id__in=set(ids), is_active=True).order_by("display_name"))


@readers
async def detail(request: Request) -> Response:
    return await _detail_page(request)


async def _detail_page(
    request: Request, form: Form | None = None, status_code: int = 200
) -> Response:
    org = current_organisation(request)
    feedback = await _feedback(request)
    events = await FeedbackEvent.filter(feedback_id=feedback.id).select_related("author")
    files = await Attachment.filter(feedback_id=feedback.id)
    service = await Service.get_or_none(id=feedback.service_id) if feedback.service_id else None
    templates = await ReplyTemplate.filter(organisation_id=org.id)
    form = form or Form({})
    chosen = request.query_params.get("template", "")
    if chosen.isdigit() and not form.get("body"):
        template = next((t for t in templates if t.id == int(chosen)), None)
        if template is not None:
            form.values["body"] = template.body(feedback.language)
    unit = await Unit.get_or_none(id=feedback.unit_id) if feedback.unit_id else None
    return render(
        request,
        "complaints/detail.html",
        {
            "org": org,
            "feedback": feedback,
            "text": shown(request, feedback.text),
            "events": [(e, shown(request, e.body)) for e in events],
            "files": files,
            "service": service,
            "unit": unit,
            "handlers": await _handlers(org.id),
            "areas": await active_areas(org),
            "templates": templates,
            "form": form,
            "can_handle": bool(
                request.state.roles & {Role.HANDLER, Role.ADMIN, Role.QUALITY_MANAGER}
            ),
            "masked": not sees_identity(request),
            "has_identity": identity.contains(feedback.text),
            "today": date.today(),
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "channel_labels": CHANNEL_LABELS,
            "event_labels": EVENT_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "retention_labels": RETENTION_LABELS,
            "EventKind": EventKind,
            "Status": Status,
            "Kind": Kind,
            "Outcome": Outcome,
        },
        status_code=status_code,
    )


def _date(form: Form, name: str) -> date | None:
    raw = form.get(name)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@handlers
async def act(request: Request) -> Response:
    """One POST endpoint per case; ``action`` says what to do."""
    feedback = await _feedback(request)
    user: User = request.state.user
    form = await read_form(request)
    action = request.path_params["action"]
    messages = {
        "assign": _("The assignment is saved."),
        "acknowledge": _("The receipt is confirmed to the person."),
        "note": _("The note is saved."),
        "reply": _("The reply is sent."),
        "pause": _("The handling is paused."),
        "resume": _("The handling continues."),
        "extend": _("The new deadline is saved and told to the person."),
        "close": _("The feedback is closed."),
        "secrecy": _("The secrecy setting is saved."),
    }
    if action not in messages:
        raise HTTPException(404)
    try:
        if action == "assign":
            handler = None
            if form.get("handler").isdigit():
                handler = next(
                    (
                        u
                        for u in await _handlers(feedback.organisation_id)
                        if u.id == int(form.get("handler"))
                    ),
                    None,
                )
                if handler is None:
                    raise HandlingError("handler", _("Choose one of the options."))
            await services.assign(feedback, handler, user)
        elif action == "acknowledge":
            await services.acknowledge(feedback, user)
        elif action in ("note", "reply"):
            body = form.require("body", 10_000)
            if not form.ok:
                raise HandlingError("body", _("This field is required."))
            if action == "note":
                await services.add_note(feedback, user, body)
            else:
                await services.reply(feedback, user, body)
        elif action == "pause":
            await services.pause(feedback, user, form.get("reason")[:300], date.today())
        elif action == "resume":
            await services.resume(feedback, user, date.today())
        elif action == "extend":
            await services.extend(feedback, user, form.get("reason")[:300], _date(form, "new_due"))
        elif action == "close":
            outcome = form.get("outcome")
            area = form.get("root_cause")
            areas = {a.id for a in await active_areas(current_organisation(request))}
            if area and (not area.isdigit() or int(area) not in areas):
                raise HandlingError("root_cause", _("Choose one of the options."))
            await services.close(
                feedback,
                user,
                Closing(
                    answer=form.get("answer")[:10_000],
                    outcome=Outcome(outcome) if outcome in tuple(Outcome) else None,
                    remedy=form.get("remedy")[:5000],
                    root_cause_id=int(area) if area else None,
                    improvement=form.get("improvement")[:5000],
                    improvement_ref=form.get("improvement_ref")[:64],
                ),
            )
        elif action == "secrecy":
            retention = form.get("retention_class")
            await services.set_secrecy(
                feedback,
                user,
                form.get("secret") == "yes",
                form.get("public_summary")[:300],
                RetentionClass(retention) if retention in tuple(RetentionClass) else None,
            )
    except HandlingError as error:
        form.error(error.field or action, error.message)
        return await _detail_page(request, form=form, status_code=400)
    return done(
        request,
        str(request.url_for("complaints:detail", id=feedback.id)),
        messages[action],
    )


@registrars
async def register(request: Request) -> Response:
    """Contact-centre staff register feedback that came another way, on the person's behalf."""
    org = current_organisation(request)
    catalogue = await form_catalogue(request, org)
    language = request.state.language
    form = Form({"channel": "phone", "language": "sv", "received_on": date.today().isoformat()})
    if request.method == "POST":
        form = await read_form(request)
        new = read_feedback(form, org, catalogue, language, staff=True)
        if form.ok:
            new.registered_by = request.state.user
            registered = await services.register(org, new, request.app.state.settings.base_url)
            return done(
                request,
                str(request.url_for("complaints:detail", id=registered.feedback.id)),
                _("Registered as %(number)s."),
                number=registered.feedback.number,
            )
    context = catalogue.choices(language)
    return render(
        request,
        "complaints/register.html",
        {
            "org": org,
            "form": form,
            "channel_labels": {
                c: label for c, label in CHANNEL_LABELS.items() if c is not Channel.OPEN311
            },
            **context,
        },
        status_code=400 if form.errors else 200,
    )


@readers
async def attachment(request: Request) -> Response:
    org = current_organisation(request)
    item = await Attachment.get_or_none(
        id=request.path_params["id"], feedback__organisation_id=org.id
    )
    if item is None:
        raise HTTPException(404)
    await audit.record("feedback.attachment_opened", request=request, target=item, organisation=org)
    return FileResponse(
        attachments.path_of(item, request.app.state.settings.var_dir),
        media_type=item.content_type,
        filename=item.filename,
        content_disposition_type="attachment",
    )


managers = requires_role(Role.QUALITY_MANAGER, Role.ADMIN)
EXPORT_COLUMNS = [
    "number",
    "kind",
    "channel",
    "service_code",
    "unit",
    "status",
    "stage",
    "received_at",
    "answer_due",
    "closed_at",
    "outcome",
    "root_cause",
    "satisfaction",
    "secret",
    "text",
]


@managers
async def templates(request: Request) -> Response:
    """Reply templates: texts handlers start their answers from."""
    org = current_organisation(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        title = form.require("title", 120)
        body_sv = form.require("body_sv", 10_000)
        body_en = form.get("body_en")[:10_000]
        if form.ok:
            template = await ReplyTemplate.create(
                organisation=org, title=title, body_sv=body_sv, body_en=body_en
            )
            await audit.record(
                "reply_template.created", request=request, target=template, organisation=org
            )
            return done(
                request,
                str(request.url_for("complaints:templates")),
                _("The template is saved."),
            )
    return render(
        request,
        "complaints/templates.html",
        {"form": form, "templates": await ReplyTemplate.filter(organisation_id=org.id)},
        status_code=400 if form.errors else 200,
    )


@managers
async def template_delete(request: Request) -> Response:
    org = current_organisation(request)
    template = await ReplyTemplate.get_or_none(id=request.path_params["id"], organisation_id=org.id)
    if template is None:
        raise HTTPException(404)
    await template.delete()
    await audit.record(
        "reply_template.deleted", request=request, organisation=org, title=template.title
    )
    return done(
        request, str(request.url_for("complaints:templates")), _("The template is removed.")
    )


@readers
async def export_csv(request: Request) -> Response:
    """The inbox's records as CSV, with the inbox's filters. Personal identity numbers are
    masked unless the role may see them; secret records give only their public summary."""
    import csv
    import io

    org = current_organisation(request)
    may_see = sees_identity(request)
    query = inbox_query(org.id, request.query_params, request.state.user)
    rows = await query.limit(50_000).values(
        "number",
        "kind",
        "channel",
        "service__code",
        "unit__code",
        "status",
        "stage",
        "received_at",
        "answer_due",
        "closed_at",
        "outcome",
        "root_cause__name_sv",
        "satisfaction",
        "secret",
        "public_summary",
        "text",
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for r in rows:
        if r["secret"] and not may_see:
            text = r["public_summary"]
        else:
            text = r["text"] if may_see else identity.mask(r["text"])
        writer.writerow(
            [
                r["number"],
                r["kind"],
                r["channel"],
                r["service__code"] or "",
                r["unit__code"] or "",
                r["status"],
                r["stage"],
                r["received_at"].isoformat() if r["received_at"] else "",
                r["answer_due"].isoformat() if r["answer_due"] else "",
                r["closed_at"].isoformat() if r["closed_at"] else "",
                r["outcome"] or "",
                r["root_cause__name_sv"] or "",
                r["satisfaction"] if r["satisfaction"] is not None else "",
                "yes" if r["secret"] else "no",
                text,
            ]
        )
    await audit.record("feedback.exported", request=request, organisation=org, rows=len(rows))
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="feedback.csv"'},
    )
