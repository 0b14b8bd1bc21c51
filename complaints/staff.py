"""Staff pages: the inbox, one feedback record with its handling, registering feedback that
came by phone, visit, letter or e-mail, the export, reply templates and the organisation's
feedback settings. Who may see and do what is :mod:`complaints.permissions`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from commitments.models import CommitmentVersion, Service
from complaints import attachments, services, statistics
from complaints.forms import form_catalogue, publication, publication_changed, read_feedback
from complaints.models import Attachment, Feedback, FeedbackEvent, FeedbackSettings, ReplyTemplate
from complaints.permissions import (
    CONTENT,
    DISCLOSE,
    EXPORT,
    HANDLE,
    READ,
    REGISTER,
    ROUTE,
    SETTINGS,
    TEMPLATES,
    FeedbackAccess,
    load_access,
    visible_feedback,
)
from complaints.promises import deadlines, named_promise, promise_texts
from complaints.services import Closing, HandlingError
from complaints.states import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    OPEN_STATUSES,
    OUTCOME_LABELS,
    PUBLICATION_LABELS,
    RETENTION_LABELS,
    STATUS_LABELS,
    Channel,
    EventKind,
    Kind,
    Outcome,
    Publication,
    RetentionClass,
    Status,
)
from problem_areas.models import ProblemArea
from problem_areas.services import active_areas
from servicedialog import audit, identity, uploads
from servicedialog.auth import current_organisation
from servicedialog.bounds import parse_int
from servicedialog.calendars import today_for, zone_of
from servicedialog.exports import csv_response
from servicedialog.forms import Form, done, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import Membership, Unit, User
from servicedialog.pagination import paginate
from servicedialog.periods import date_range
from servicedialog.permissions import requires
from servicedialog.roles import Role

readers = requires(READ)
actors = requires(HANDLE, ROUTE, DISCLOSE)
INBOX_PAGE = 25
MAX_SEARCH = 200

# What each action on a case needs, and what the page says when it is done.
ACTIONS: dict[str, tuple[Any, str]] = {
    "assign": (ROUTE, _("The assignment is saved.")),
    "route": (ROUTE, _("The feedback is moved to the unit.")),
    "acknowledge": (HANDLE, _("The receipt is confirmed to the person.")),
    "note": (HANDLE, _("The note is saved.")),
    "reply": (HANDLE, _("The reply is sent.")),
    "pause": (HANDLE, _("The handling is paused.")),
    "resume": (HANDLE, _("The handling continues.")),
    "extend": (HANDLE, _("The new deadline is saved and told to the person.")),
    "close": (HANDLE, _("The feedback is closed.")),
    "secrecy": (DISCLOSE, _("The secrecy setting is saved.")),
    "publish": (DISCLOSE, _("The public text is published.")),
    "unpublish": (DISCLOSE, _("The feedback is no longer published.")),
}


def inbox_query(org: Any, params: Any, access: FeedbackAccess) -> Any:
    """The organisation's records that ``access`` may see, filtered as the inbox's query
    parameters say (unknown or malformed values are ignored)."""
    unit = parse_int(params.get("unit", ""))
    query = Feedback.filter(access.visible(unit), organisation_id=org.id)
    status = params.get("status", "open")
    if status == "open":
        query = query.filter(status__in=OPEN_STATUSES)
    elif status in tuple(Status):
        query = query.filter(status=status)
    if unit is not None:
        query = query.filter(unit_id=unit)
    elif params.get("unit") == "none":  # not routed yet
        query = query.filter(unit_id=None)
    if params.get("kind") in tuple(Kind):
        query = query.filter(kind=params["kind"])
    if params.get("channel") in tuple(Channel):
        query = query.filter(channel=params["channel"])
    service = parse_int(params.get("service", ""))
    if service is not None:
        query = query.filter(service_id=service)
    if params.get("outcome") in tuple(Outcome):
        query = query.filter(outcome=params["outcome"])
    root_cause = parse_int(params.get("root_cause", ""))
    if root_cause is not None:
        query = query.filter(root_cause_id=root_cause)
    elif params.get("root_cause") == "none":
        query = query.filter(root_cause_id=None)
    commitment = parse_int(params.get("commitment", ""))
    if commitment is not None:
        query = query.filter(commitment_id=commitment)
    assigned = params.get("assigned", "")
    if assigned == "me":
        query = query.filter(assigned_to_id=access.user_id)
    elif assigned == "none":
        query = query.filter(assigned_to_id=None)
    query = query.filter(**date_range(params).filter("received_at", zone_of(org)))
    today = today_for(org)
    if params.get("due") == "overdue":
        query = query.filter(status__in=OPEN_STATUSES, answered_at=None, answer_due__lt=today)
    elif params.get("due") == "soon":
        query = query.filter(
            status__in=OPEN_STATUSES,
            answered_at=None,
            answer_due__gte=today,
            answer_due__lte=today + timedelta(days=3),
        )
    if params.get("open_for") == "six_months":
        query = query.filter(**statistics.open_too_long(zone_of(org), today))
    search = params.get("q", "").strip()[:MAX_SEARCH]
    if search:
        query = query.filter(access.search(search))
    order = "-received_at" if params.get("sort") == "newest" else "answer_due"
    return query.order_by(order, "id")


def _filtered_by(
    params: Any, services_: list[Any], areas: list[Any], language: str
) -> list[tuple[str, str, bool]]:
    """What the drill-down filters (those a dashboard's link sets) hold, for the line
    above the list: (English msgid of the filter, its value, whether that is a msgid)."""
    shown: list[tuple[str, str, bool]] = []
    if params.get("channel") in tuple(Channel):
        shown.append((_("Channel"), CHANNEL_LABELS[Channel(params["channel"])], True))
    for service in services_:
        if params.get("service") == str(service.id):
            shown.append((_("Service"), service.name(language), False))
    if params.get("outcome") in tuple(Outcome):
        shown.append((_("Outcome"), OUTCOME_LABELS[Outcome(params["outcome"])], True))
    for area in areas:
        if params.get("root_cause") == str(area.id):
            shown.append((_("Root cause"), area.name(language), False))
    if params.get("root_cause") == "none":
        shown.append((_("Root cause"), _("No root cause given"), True))
    if params.get("open_for") == "six_months":
        shown.append((_("Open longer than six months"), "", False))
    return shown


def _may(access: FeedbackAccess) -> dict[str, bool]:
    """The links and sections a page offers, by permission."""
    return {
        "register": access.can(REGISTER),
        "handle": access.can(HANDLE),
        "templates": access.can(TEMPLATES),
        "export": access.can(EXPORT),
        "settings": access.can(SETTINGS),
    }


@readers
async def inbox(request: Request) -> Response:
    """The unit's inbox: a handler tied to a unit starts on that unit's feedback (the
    service decides the unit); "All units" shows every record they may see."""
    org = current_organisation(request)
    access = await load_access(request)
    params = dict(request.query_params)
    if "unit" not in params and access.handler_units:
        params["unit"] = str(min(access.handler_units))
    query = inbox_query(org, params, access)
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
            "commitment_id",
            "answered_at",
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
    service_choices = list(await Service.filter(organisation_id=org.id).order_by("name_sv"))
    area_choices = list(await ProblemArea.filter(organisation_id=org.id).order_by("name_sv"))
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
            "received": date_range(params),
            "promise_choices": await _promise_choices(org, request.state.language),
            "service_choices": service_choices,
            "area_choices": area_choices,
            "filtered_by": _filtered_by(
                params, service_choices, area_choices, request.state.language
            ),
            "today": today_for(org),
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "channel_labels": CHANNEL_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "may": _may(access),
        },
    )


async def _promise_choices(org: Any, language: str) -> list[tuple[int, str]]:
    """The organisation's promises, for the inbox's filter: "service: promise"."""
    versions = (
        await CommitmentVersion.filter(commitment__service__organisation_id=org.id)
        .select_related("commitment__service")
        .order_by("commitment__service__name_sv", "commitment_id", "version")
    )
    latest = {v.commitment_id: v for v in versions}
    return [
        (cid, f"{v.commitment.service.name(language)}: {v.promise(language)}")
        for cid, v in latest.items()
    ]


async def _handlers(org_id: int) -> list[User]:
    ids = await Membership.filter(organisation_id=org_id, role=Role.HANDLER).values_list(
        "user_id", flat=True
    )
    return list(await User.filter(id__in=set(ids), is_active=True).order_by("display_name"))


@readers
async def detail(request: Request) -> Response:
    return await _detail_page(request)


def _shown_text(feedback: Feedback, content: bool, reveal: bool, text: str) -> str:
    """A text of the record as this reader may see it: nothing of a secret record they do
    not handle; identity numbers masked unless they asked to see them."""
    if feedback.secret and not content:
        return ""
    return text if reveal else identity.mask(text)


async def _detail_page(
    request: Request, form: Form | None = None, status_code: int = 200
) -> Response:
    org = current_organisation(request)
    feedback, access = await visible_feedback(request, request.path_params["id"])
    content = access.can(CONTENT, feedback)
    reveal = content and request.query_params.get("identity") == "show"
    if reveal:
        await audit.record(
            "feedback.identity_shown",
            request=request,
            target=feedback,
            organisation=org,
            number=feedback.number,
        )
    events = await FeedbackEvent.filter(feedback_id=feedback.id).select_related("author")
    files = await Attachment.filter(feedback_id=feedback.id) if content else []
    service = await Service.get_or_none(id=feedback.service_id) if feedback.service_id else None
    templates = await ReplyTemplate.filter(organisation_id=org.id)
    form = form or Form({})
    chosen = parse_int(request.query_params.get("template", ""))
    if chosen is not None and not form.get("body"):
        template = next((t for t in templates if t.id == chosen), None)
        if template is not None:
            form.values["body"] = template.body(feedback.language)
    units = list(await Unit.filter(organisation_id=org.id).order_by("name_sv"))
    return render(
        request,
        "complaints/detail.html",
        {
            "org": org,
            "feedback": feedback,
            "text": _shown_text(feedback, content, reveal, feedback.text),
            "events": [(e, _shown_text(feedback, content, reveal, e.body)) for e in events],
            "files": files,
            "service": service,
            "promise": await named_promise(feedback, org),
            "received_day": feedback.received_at.date(),
            "unit": next((u for u in units if u.id == feedback.unit_id), None),
            "units": units,
            "handlers": await _handlers(org.id),
            "areas": await active_areas(org),
            "templates": templates,
            "form": form,
            "content": content,
            "can_handle": access.can(HANDLE, feedback),
            "can_route": access.can(ROUTE, feedback),
            "can_disclose": access.can(DISCLOSE, feedback),
            "revealed": reveal,
            "has_identity": content and identity.contains(feedback.text),
            "publication": await publication(request, org),
            "today": today_for(org),
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
            "Publication": Publication,
        },
        status_code=status_code,
    )


def person_link(request: Request, feedback: Feedback) -> str:
    """The link to the person's own page, for the e-mails staff actions send them."""
    settings = request.app.state.settings
    token = services.mail_token(settings.secret_key, feedback)
    return f"{settings.base_url}{services.tracking_path(token)}"


async def _assign(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    handler = None
    if form.get("handler"):
        chosen = parse_int(form.get("handler"))
        handlers = await _handlers(feedback.organisation_id)
        handler = next((u for u in handlers if u.id == chosen), None)
        if handler is None:
            raise HandlingError("handler", _("Choose one of the options."))
    await services.assign(feedback, handler, user)


async def _route(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    unit = None
    if form.get("unit"):
        unit = await Unit.get_or_none(
            id=parse_int(form.get("unit")) or 0, organisation_id=feedback.organisation_id
        )
        if unit is None:
            raise HandlingError("unit", _("Choose one of the options."))
    await services.route(feedback, unit, user)


async def _write(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    body = form.require("body", 10_000)
    if not form.ok:
        raise HandlingError("body", form.errors["body"])
    if request.path_params["action"] == "note":
        await services.add_note(feedback, user, body)
    else:
        await services.reply(
            feedback,
            user,
            body,
            as_answer=form.get("as_answer") == "yes",
            link=person_link(request, feedback),
        )


async def _close(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    outcome = form.get("outcome")
    area = form.get("root_cause")
    areas = {a.id for a in await active_areas(current_organisation(request))}
    area_id = parse_int(area)
    if area and area_id not in areas:
        raise HandlingError("root_cause", _("Choose one of the options."))
    await services.close(
        feedback,
        user,
        Closing(
            answer=form.get("answer")[:10_000],
            outcome=Outcome(outcome) if outcome in tuple(Outcome) else None,
            remedy=form.get("remedy")[:5000],
            root_cause_id=area_id,
            improvement=form.get("improvement")[:5000],
            improvement_ref=form.get("improvement_ref")[:64],
        ),
        link=person_link(request, feedback),
    )


async def _secrecy(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    retention = form.get("retention_class")
    await services.set_secrecy(
        feedback,
        user,
        form.get("secret") == "yes",
        form.get("public_summary")[:300],
        RetentionClass(retention) if retention in tuple(RetentionClass) else None,
    )


async def _extend(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    new_due = form.day("new_due")
    if form.errors.get("new_due"):
        raise HandlingError("new_due", form.errors["new_due"])
    await services.extend(
        feedback, user, form.get("reason")[:300], new_due, link=person_link(request, feedback)
    )


async def _acknowledge(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    await services.acknowledge(feedback, user)


async def _pause(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    reason = form.get("reason")[:300]
    today = today_for(request.state.organisation)
    await services.pause(feedback, user, reason, today, link=person_link(request, feedback))


async def _resume(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    await services.resume(feedback, user, today_for(request.state.organisation))


async def _publish(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    text, answer = form.get("published_text"), form.get("published_answer")
    await services.publish(feedback, user, text, answer)


async def _unpublish(request: Request, feedback: Feedback, form: Form, user: User) -> None:
    await services.unpublish(feedback, user)


# One step per action (the statuses each may start from: states.STEPS_FROM).
HANDLERS = {
    "assign": _assign,
    "route": _route,
    "acknowledge": _acknowledge,
    "note": _write,
    "reply": _write,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "close": _close,
    "secrecy": _secrecy,
    "publish": _publish,
    "unpublish": _unpublish,
}


@actors
async def act(request: Request) -> Response:
    """One POST endpoint per case; ``action`` says what to do. A record outside the
    person's sight is 404; an action their role does not give them on it is 403."""
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404)
    feedback, access = await visible_feedback(request, request.path_params["id"])
    permission, message = ACTIONS[action]
    if not access.can(permission, feedback):
        raise HTTPException(403)
    form = await read_form(request)
    try:
        await HANDLERS[action](request, feedback, form, request.state.user)
    except HandlingError as error:
        form.error(error.field or action, error.message)
        return await _detail_page(request, form=form, status_code=400)
    if action in ("reply", "close") and not (feedback.contact_email and not feedback.anonymous):
        message = _("Saved. The person has no e-mail address: it is shown on their tracking page.")
    return done(request, str(request.url_for("complaints:detail", id=feedback.id)), message)


@requires(REGISTER)
async def register(request: Request) -> Response:
    """Contact-centre staff register feedback that came another way, on the person's behalf."""
    org = current_organisation(request)
    catalogue = await form_catalogue(request, org)
    language = request.state.language
    today = today_for(org).isoformat()
    form = Form({"channel": "phone", "language": "sv", "received_on": today})
    if request.method == "POST":
        form = await read_form(request)
        new = read_feedback(form, org, catalogue, language, staff=True)
        if form.get("action") == "promises":
            form.errors.clear()  # the form again with the service's promises (no JavaScript)
        elif form.ok:
            new.registered_by = request.state.user
            registered = await services.register(org, new, request.app.state.settings.base_url)
            # The one who registered it may not handle it (the contact centre): the
            # record's page is theirs to see only if they may; else back to the form.
            access = await load_access(request)
            target = (
                str(request.url_for("complaints:detail", id=registered.id))
                if access.can(READ, await registered.record())
                else str(request.url_for("complaints:register"))
            )
            return done(request, target, _("Registered as %(number)s."), number=registered.number)
    context = catalogue.choices(language, form.get("service"))
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
    """A file of a record, for those who may see the record's content; served under a name
    the app makes (the number and the type's extension), never the uploader's."""
    item = await Attachment.get_or_none(
        id=request.path_params["id"], feedback__organisation_id=current_organisation(request).id
    )
    if item is None:
        raise HTTPException(404)
    feedback, access = await visible_feedback(request, item.feedback_id)
    if not access.can(CONTENT, feedback):
        raise HTTPException(404)
    await audit.record(
        "feedback.attachment_opened",
        request=request,
        target=item,
        organisation=current_organisation(request),
        number=feedback.number,
    )
    return FileResponse(
        attachments.path_of(item, request.app.state.settings.var_dir),
        media_type=uploads.served_type(item.content_type),
        filename=attachments.download_name(feedback.number, item),
        content_disposition_type="attachment",
        headers={"Cache-Control": "no-store"},
    )


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
    "commitment",
    "matter_started_on",
    "commitment_deadline",
    "text",
]


@requires(TEMPLATES)
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


@requires(TEMPLATES)
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


def _export_text(row: dict[str, Any]) -> str:
    """Exports never carry a secret text or an identity number, whoever asks."""
    if row["secret"]:
        return str(row["public_summary"])
    return str(row["masked_text"] or identity.mask(row["text"]))


@requires(EXPORT)
async def export_csv(request: Request) -> Response:
    """The records the person may see, with the inbox's filters, as CSV: identity numbers
    masked and secret records by their public summary, for every role; no contact
    details. Cells that a spreadsheet would run as formulas are made text."""
    org = current_organisation(request)
    access = await load_access(request)
    query = inbox_query(org, request.query_params, access)
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
        "masked_text",
        "text",
        "commitment_id",
        "matter_started_on",
    )
    promises = await promise_texts({r["commitment_id"] for r in rows if r["commitment_id"]}, "sv")
    due = await deadlines(org, [(r["commitment_id"], r["matter_started_on"]) for r in rows])
    lines = (
        [
            r["number"],
            r["kind"],
            r["channel"],
            r["service__code"],
            r["unit__code"],
            r["status"],
            r["stage"],
            r["received_at"],
            r["answer_due"],
            r["closed_at"],
            r["outcome"],
            r["root_cause__name_sv"],
            r["satisfaction"],
            "yes" if r["secret"] else "no",
            promises.get(r["commitment_id"], ""),
            r["matter_started_on"],
            due[i],
            _export_text(r),
        ]
        for i, r in enumerate(rows)
    )
    response = csv_response(EXPORT_COLUMNS, lines, "feedback.csv")
    await audit.record("feedback.exported", request=request, organisation=org, rows=len(rows))
    return response


@requires(SETTINGS)
async def feedback_settings(request: Request) -> Response:
    """The organisation's choice of what is published on the internet."""
    org = current_organisation(request)
    current = await services.publication_of(org.id)
    form = Form({"publication": current.value})
    if request.method == "POST":
        form = await read_form(request)
        chosen = form.choice("publication", tuple(Publication))
        if form.ok:
            await FeedbackSettings.update_or_create(
                {"publication": Publication(chosen)}, organisation_id=org.id
            )
            publication_changed(request, org)
            await audit.record(
                "feedback.settings_changed",
                request=request,
                organisation=org,
                publication=chosen,
                before=current.value,
            )
            return done(
                request, str(request.url_for("complaints:settings")), _("The settings are saved.")
            )
    return render(
        request,
        "complaints/settings.html",
        {"form": form, "labels": PUBLICATION_LABELS, "Publication": Publication},
        status_code=400 if form.errors else 200,
    )
