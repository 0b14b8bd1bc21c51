"""The one form pattern: parse into typed values plus ``{field: message}`` errors; on
errors re-render the same template with status 400 and what the user typed; on success
redirect with a flash message. Messages are English msgids, translated when shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from servicedialog.bounds import MAX_INT, parse_day, parse_int
from servicedialog.errors import RETRY_AFTER_SECONDS, log_unavailable, unavailable_reason
from servicedialog.i18n import lazy as _
from servicedialog.templating import flash

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def clean(value: str) -> str:
    """A typed value without surrounding space and without NUL characters, which no text
    needs and PostgreSQL cannot store."""
    return value.replace("\x00", "").strip()


@dataclass
class Form:
    """Raw values as typed (kept for re-display) and the errors found in them."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    # Each field's label, noted by the form macros as they render (for the error summary).
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_formdata(cls, data: FormData) -> Form:
        return cls({k: clean(v) for k, v in data.items() if isinstance(v, str)})

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def require(self, name: str, max_length: int = 200) -> str:
        value = self.get(name)
        if not value:
            self.errors.setdefault(name, _("This field is required."))
        elif len(value) > max_length:
            self.errors.setdefault(name, _("This is too long."))
        return value

    def email(self, name: str) -> str:
        value = self.require(name, 254).lower()
        if value and not EMAIL_RE.match(value):
            self.errors.setdefault(name, _("Enter an e-mail address like name@example.se."))
        return value

    def slug(self, name: str, max_length: int = 63) -> str:
        value = self.require(name, max_length)
        if value and not SLUG_RE.match(value):
            self.errors.setdefault(name, _("Use 2–63 lower-case letters a–z, digits and hyphens."))
        return value

    def choice(self, name: str, choices: tuple[str, ...] | frozenset[str]) -> str:
        """One of ``choices``, or "" (with an error) for anything else."""
        value = self.get(name)
        if not value:
            self.errors.setdefault(name, _("This field is required."))
        elif value not in choices:
            self.errors.setdefault(name, _("Choose one of the options."))
            return ""
        return value

    def integer(self, name: str, low: int = 0, high: int = MAX_INT) -> int | None:
        """An optional whole number; anything else than ASCII digits in range is an error."""
        raw = self.get(name)
        if not raw:
            return None
        value = parse_int(raw, low, high)
        if value is None:
            self.errors.setdefault(name, _("Choose one of the options."))
        return value

    def day(self, name: str, required: bool = False) -> date | None:
        """A date written as YYYY-MM-DD, between 1970 and 2100."""
        raw = self.get(name)
        if not raw:
            if required:
                self.errors.setdefault(name, _("This field is required."))
            return None
        day = parse_day(raw)
        if day is None:
            self.errors.setdefault(name, _("Write the date as YYYY-MM-DD, for example 2026-12-23."))
        return day

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors


URLENCODED = "application/x-www-form-urlencoded"
MAX_URLENCODED_BYTES = 2 * 1024 * 1024  # as the CSRF check reads


def is_urlencoded(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.partition(";")[0].strip().lower() == URLENCODED


async def read_form(request: Request) -> Form:
    if is_urlencoded(request):
        # The common case, read with the standard library: a third of the time of
        # Starlette's streaming parser on the busiest form (bench/RESULTS.md).
        # (body() keeps the bytes, so a view may still call request.form() for lists.)
        body = await request.body()
        if len(body) > MAX_URLENCODED_BYTES:
            raise HTTPException(413)
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        form = Form({key: clean(value) for key, value in pairs})  # the last one wins
    else:
        # The context manager closes any uploaded files the form did not ask for.
        async with request.form() as data:
            form = Form.from_formdata(data)
    request.state.submitted_form = form  # shown back by the 503 page if saving fails
    return form


def accepts_files(endpoint: Any) -> Any:
    """Declare a route whose form takes files: its body may be as large as
    MAX_UPLOAD_BYTES (any other form's, MAX_FORM_BYTES)."""
    endpoint.accepts_files = True
    return endpoint


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code
    )
    return response


def invalid(request: Request, template: str, form: Form, **context: Any) -> Response:
    return render(request, template, {"form": form, **context}, status_code=400)


def unavailable(
    request: Request, template: str, form: Form, error: BaseException, **context: Any
) -> Response | None:
    """The form again, as typed, with 503 and a notice to send it again in a minute, when
    ``error`` says the database could not take the write (busy, read-only, out of reach);
    None for any other error, which the caller re-raises."""
    reason = unavailable_reason(error)
    if reason is None:
        return None
    log_unavailable(request, reason)
    response = render(
        request, template, {"form": form, "unavailable": True, **context}, status_code=503
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def done(request: Request, url: str, message: str, **values: str) -> Response:
    flash(request, message, **values)
    return RedirectResponse(url, status_code=303)
