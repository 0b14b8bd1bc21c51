"""Public pages: the feedback form, the receipt and the private tracking page."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from commitments.models import Service
from complaints import services
from complaints.forms import form_catalogue, publication, read_feedback
from complaints.models import Feedback, FeedbackEvent
from complaints.promises import named_promise
from complaints.services import HandlingError
from complaints.states import (
    KIND_LABELS,
    OUTCOME_LABELS,
    PERSON_STATUS_LABELS,
    EventKind,
    Kind,
    Status,
)
from servicedialog import identity, uploads
from servicedialog.audit import client_ip
from servicedialog.auth import public
from servicedialog.bounds import parse_int
from servicedialog.calendars import today_for
from servicedialog.errors import RETRY_AFTER_SECONDS, log_unavailable, unavailable_reason
from servicedialog.forms import Form, accepts_files, is_urlencoded, read_form, render, unavailable
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation
from servicedialog.orgs.queries import organisation_or_404
from servicedialog.protection import is_bot, limiter
from servicedialog.templating import flash


class _Submission:
    """The public form as sent: its fields, and its files while the request is open
    (Starlette spools them to disk; they are copied to storage in chunks)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.form = Form({})
        self.uploads: list[UploadFile] = []
        self._data: Any = None

    async def __aenter__(self) -> _Submission:
        if is_urlencoded(self.request):
            self.form = await read_form(self.request)
            return self
        self._data = self.request.form(max_files=uploads.MAX_FILES + 2, max_fields=100)
        data = await self._data.__aenter__()
        self.form = Form.from_formdata(data)
        self.request.state.submitted_form = self.form
        self.uploads = [
            upload
            for upload in data.getlist("attachments")
            if isinstance(upload, UploadFile) and upload.filename
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._data is not None:
            await self._data.__aexit__(*exc)


JUST_REGISTERED = "registered"  # query parameter: the tracking page thanks the person


@public
@accepts_files
async def new(request: Request) -> Response:
    org = await organisation_or_404(request)
    catalogue = await form_catalogue(request, org)
    language = request.state.language
    form = Form({"kind": request.query_params.get("kind", ""), "language": language})
    for key in ("service", "commitment"):
        if parse_int(request.query_params.get(key, "")) is not None:
            form.values[key] = request.query_params[key]
    context = {
        "org": org,
        "publication": await publication(request, org),
        "accept": uploads.ACCEPT,
    }
    if request.method == "POST":
        try:
            async with _Submission(request) as submission:
                form = submission.form
                answer = await _submit(request, org, catalogue, submission)
        except HTTPException as problem:  # a malformed multipart body, or too many files
            if problem.status_code != 400:
                raise
            form.error("attachments", _("The files could not be read. Choose them again."))
            answer = None
        except Exception as error:
            choices = catalogue.choices(language, form.get("service"))
            kept = unavailable(request, "complaints/new.html", form, error, **context, **choices)
            if kept is None:
                raise
            return kept
        if answer is not None:
            return answer
    return render(
        request,
        "complaints/new.html",
        {**context, "form": form, **catalogue.choices(language, form.get("service"))},
        status_code=400 if form.errors else 200,
    )


async def _submit(
    request: Request, org: Organisation, catalogue: Any, submission: _Submission
) -> Response | None:
    """Register the submission, or None with the form's errors filled in."""
    form = submission.form
    if form.get("action") == "promises":
        return None  # the form again, with the chosen service's promises (no JavaScript)
    if is_bot(form):
        # Bots get what looks like success and nothing is stored.
        return RedirectResponse(request.url_for("complaints:thanks", org=org.slug), 303)
    if not limiter(request, "feedback").allow(client_ip(request)):
        form.error(
            "text",
            _(
                "We have received many messages from your network just now. "
                "Wait a few minutes and send again."
            ),
        )
    new_feedback = read_feedback(form, org, catalogue, request.state.language)
    stored: list[uploads.Stored] = []
    if form.ok:
        try:
            stored = await uploads.store(submission.uploads, request.app.state.settings.var_dir)
        except uploads.AttachmentError as error:
            form.error("attachments", error.message)
    if not form.ok:
        return None
    new_feedback.attachments = stored
    try:
        registered = await services.register(org, new_feedback, request.app.state.settings.base_url)
    except BaseException:
        for item in stored:
            item.discard()
        raise
    # The thanks is shown by the tracking page itself: no session cookie for the person,
    # and no route look-up (a hot path: see bench/RESULTS.md).
    return RedirectResponse(services.tracking_path(registered.token) + f"?{JUST_REGISTERED}=1", 303)


@public
async def thanks(request: Request) -> Response:
    org = await organisation_or_404(request)
    return render(request, "complaints/thanks.html", {"org": org})


async def _tracked(request: Request) -> Feedback:
    feedback = await services.by_token(
        request.path_params["token"], request.app.state.settings.secret_key
    )
    if feedback is None:
        raise UnknownLink
    return feedback


class UnknownLink(HTTPException):
    """A tracking link that leads nowhere: answered with a page that says what to do."""

    def __init__(self) -> None:
        super().__init__(404)


def unknown_link(request: Request) -> Response:
    response = render(request, "complaints/track_unknown.html", {}, status_code=404)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@public
async def track(request: Request) -> Response:
    try:
        return await _track_page(request)
    except UnknownLink:
        return unknown_link(request)


async def _track_page(
    request: Request, form: Form | None = None, status_code: int = 200, **extra: Any
) -> Response:
    """The private tracking page. Anyone holding the link can read it, so identity numbers
    are masked here too, and the page is neither cached nor sent on as a Referer."""
    feedback = await _tracked(request)
    org = await Organisation.get(id=feedback.organisation_id)
    events = await FeedbackEvent.filter(feedback_id=feedback.id, visible_to_person=True)
    service = await Service.get_or_none(id=feedback.service_id) if feedback.service_id else None
    response = render(
        request,
        "complaints/track.html",
        {
            **extra,
            "org": org,
            "feedback": feedback,
            "promise": await named_promise(feedback, org),
            "received_day": feedback.received_at.date(),
            "text": identity.mask(feedback.text),
            "service": service,
            "events": [(event, identity.mask(event.body)) for event in events],
            "form": form or Form({}),
            "review_possible": services.review_possible(feedback),
            "just_registered": request.query_params.get(JUST_REGISTERED) == "1",
            "status_labels": PERSON_STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "EventKind": EventKind,
            "Status": Status,
            "Kind": Kind,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def _person_action(request: Request, action: str) -> Response:
    try:
        feedback = await _tracked(request)
    except UnknownLink:
        return unknown_link(request)
    form = await read_form(request)
    try:
        if action == "info":
            org = await Organisation.get(id=feedback.organisation_id)
            text = form.get("text")[:5000]
            await services.add_information(feedback, text, today_for(org))
            message = _("Thank you. We have added it to your feedback.")
        elif action == "review":
            await services.request_review(feedback, form.get("reason")[:5000])
            message = _("We have received your request for a review.")
        else:
            score = parse_int(form.get("score"), 1, 5) or 0
            await services.record_satisfaction(feedback, score, form.get("comment")[:2000])
            message = _("Thank you for your answer.")
    except HandlingError as error:
        form.error(error.field or "text", error.message)
        return await _track_page(request, form=form, status_code=400)
    except Exception as error:
        reason = unavailable_reason(error)
        if reason is None:
            raise
        log_unavailable(request, reason)
        kept = await _track_page(request, form=form, status_code=503, unavailable=True)
        kept.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return kept
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
