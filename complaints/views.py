"""Public pages: the feedback form, the receipt and the private tracking page."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from commitments.models import Service
from complaints import attachments, services
from complaints.forms import HONEYPOT, RateLimiter, form_catalogue, read_feedback
from complaints.models import Feedback, FeedbackEvent
from complaints.services import HandlingError
from complaints.states import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS, EventKind, Kind, Status
from servicedialog.audit import client_ip
from servicedialog.auth import public
from servicedialog.forms import Form, is_urlencoded, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation
from servicedialog.orgs.queries import organisation_or_404
from servicedialog.templating import flash


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if not hasattr(state, "feedback_limiter"):
        state.feedback_limiter = RateLimiter(state.settings.feedback_rate_limit)
    limiter: RateLimiter = state.feedback_limiter
    return limiter


async def _read_with_files(request: Request) -> tuple[Form, list[tuple[str, bytes]]]:
    """The form and its files (read whole: they are small and checked before storing)."""
    if is_urlencoded(request):
        return await read_form(request), []
    async with request.form(max_files=attachments.MAX_FILES + 2) as data:
        form = Form.from_formdata(data)
        files = [
            (upload.filename or "", await upload.read(attachments.MAX_BYTES + 1))
            for upload in data.getlist("attachments")
            if isinstance(upload, UploadFile) and upload.filename
        ]
    return form, files


JUST_REGISTERED = "registered"  # query parameter: the tracking page thanks the person


@public
async def new(request: Request) -> Response:
    org = await organisation_or_404(request)
    catalogue = await form_catalogue(request, org)
    language = request.state.language
    form = Form({"kind": request.query_params.get("kind", ""), "language": language})
    for key in ("service", "commitment"):
        if request.query_params.get(key, "").isdigit():
            form.values[key] = request.query_params[key]
    if request.method == "POST":
        form, files = await _read_with_files(request)
        if form.get(HONEYPOT):
            # Bots get what looks like success and nothing is stored.
            return RedirectResponse(request.url_for("complaints:thanks", org=org.slug), 303)
        if not _limiter(request).allow(client_ip(request)):
            form.error(
                "text",
                _(
                    "We have received many messages from your network just now. "
                    "Wait a few minutes and send again."
                ),
            )
        new_feedback = read_feedback(form, org, catalogue, language)
        stored: list[attachments.Stored] = []
        if form.ok:
            try:
                stored = await attachments.store(files, request.app.state.settings.var_dir)
            except attachments.AttachmentError as error:
                form.error("attachments", error.message)
        if form.ok:
            new_feedback.attachments = stored
            try:
                registered = await services.register(
                    org, new_feedback, request.app.state.settings.base_url
                )
            except BaseException:
                for item in stored:
                    item.discard()
                raise
            # The thanks is shown by the tracking page itself: no session cookie for
            # the person, and no route look-up (a hot path: see bench/RESULTS.md).
            return RedirectResponse(
                services.tracking_path(registered.token) + f"?{JUST_REGISTERED}=1", 303
            )
    context = catalogue.choices(language)
    return render(
        request,
        "complaints/new.html",
        {"org": org, "form": form, **context},
        status_code=400 if form.errors else 200,
    )


@public
async def thanks(request: Request) -> Response:
    org = await organisation_or_404(request)
    return render(request, "complaints/thanks.html", {"org": org})


async def _tracked(request: Request) -> Feedback:
    feedback = await services.by_token(request.path_params["token"])
    if feedback is None:
        raise HTTPException(404)
    return feedback


@public
async def track(request: Request) -> Response:
    return await _track_page(request)


async def _track_page(
    request: Request, form: Form | None = None, status_code: int = 200
) -> Response:
    feedback = await _tracked(request)
    org = await Organisation.get(id=feedback.organisation_id)
    events = await FeedbackEvent.filter(feedback_id=feedback.id, visible_to_person=True)
    service = await Service.get_or_none(id=feedback.service_id) if feedback.service_id else None
    return render(
        request,
        "complaints/track.html",
        {
            "org": org,
            "feedback": feedback,
            "service": service,
            "events": events,
            "form": form or Form({}),
            "review_possible": services.review_possible(feedback),
            "just_registered": request.query_params.get(JUST_REGISTERED) == "1",
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "EventKind": EventKind,
            "Status": Status,
            "Kind": Kind,
        },
        status_code=status_code,
    )


async def _person_action(request: Request, action: str) -> Response:
    feedback = await _tracked(request)
    async with request.form() as data:
        form = Form.from_formdata(data)
    try:
        if action == "info":
            await services.add_information(feedback, form.get("text")[:5000], date.today())
            message = _("Thank you. We have added it to your feedback.")
        elif action == "review":
            await services.request_review(feedback, form.get("reason")[:5000])
            message = _("We have received your request for a review.")
        else:
            score = int(form.get("score")) if form.get("score").isdigit() else 0
            await services.record_satisfaction(feedback, score, form.get("comment")[:2000])
            message = _("Thank you for your answer.")
    except HandlingError as error:
        form.error(error.field or "text", error.message)
        return await _track_page(request, form=form, status_code=400)
    flash(request, message)
    return RedirectResponse(
        request.url_for("complaints:track", token=request.path_params["token"]), status_code=303
    )


@public
async def track_info(request: Request) -> Response:
    return await _person_action(request, "info")


@public
async def track_review(request: Request) -> Response:
    return await _person_action(request, "review")


@public
async def track_satisfaction(request: Request) -> Response:
    return await _person_action(request, "satisfaction")
