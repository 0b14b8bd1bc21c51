"""CSRF protection: a signed double-submit cookie bound to the session, checked on every
state-changing request.

Modelled on asgi-csrf (Datasette's), which we used first; its multipart support broke with
python-multipart 0.0.26 (asgi-csrf issue #38, unfixed), and the versions it still works
with carry known vulnerabilities, so the same design lives here, on the current API.

* Every response to a page that prints the token (``scope["csrftoken"]()``) sets the
  ``csrftoken`` cookie when the browser has no token valid for its session yet. A token is
  a random value and an HMAC of it *and of the session it belongs to* (``bound_to(scope)``:
  the server-side session's key for a signed-in person, nothing for a visitor), with a key
  derived from SECRET_KEY. A token planted in a browser from another session (by a
  sibling domain's cookie, say) does not validate, and signing in or out makes a new one.
* A POST, PUT, PATCH or DELETE must carry the same token in the ``csrftoken`` form field
  (the first field of a multipart form, before any file) or the ``X-CSRFToken`` header.
* Only the paths under ``exempt_prefixes`` (``/api/`` and the features that declare
  ``csrf_exempt``, such as Open311) skip the check: they authenticate with API keys, and
  the staff middleware reads no session cookie there. An ``Authorization`` header on any
  other path changes nothing.

Only the start of a body is kept while the token is looked for (a multipart body's first
``MULTIPART_SCAN_BYTES``): the rest streams on to the app as it arrives.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote_plus

from python_multipart import FormParser
from python_multipart.exceptions import FormParserError
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "csrftoken"
FIELD = "csrftoken"
HEADER = b"x-csrftoken"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
MAX_FORM_BYTES = 2 * 1024 * 1024  # url-encoded forms are small; refuse to buffer more
MULTIPART_SCAN_BYTES = 64 * 1024  # the token is the first field: it is in the first chunk

Failure = Callable[[Scope, Send], Awaitable[None]]
Binding = Callable[[Scope], str]


def _no_binding(scope: Scope) -> str:
    return ""


class _Found(Exception):
    def __init__(self, token: str) -> None:
        self.token = token


class _NotFirst(Exception):
    """A file, or too many bytes, before the token: the form has none where it must be."""


class CSRFMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        secret: str,
        failed: Failure,
        cookie_secure: bool = False,
        exempt_prefixes: tuple[str, ...] = (),
        bound_to: Binding = _no_binding,
    ) -> None:
        self.app = app
        self.exempt_prefixes = exempt_prefixes
        self.key = hashlib.sha256(b"servicedialog-csrf:" + secret.encode("utf-8")).digest()
        self.failed = failed
        self.cookie_secure = cookie_secure
        self.bound_to = bound_to

    def _sign(self, value: str, binding: str) -> str:
        message = f"{value}|{binding}".encode("utf-8", "replace")
        mac = hmac.new(self.key, message, hashlib.sha256).hexdigest()
        return f"{value}.{mac[:40]}"

    def _valid(self, token: str | None, binding: str) -> bool:
        value, _, _mac = (token or "").rpartition(".")
        return bool(value) and secrets.compare_digest(self._sign(value, binding), token or "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        cookie_header = headers.get(b"cookie")
        sent = cookie_parser(cookie_header.decode("latin-1")).get(COOKIE) if cookie_header else None
        # Signing and checking cost time on every page, so both wait until a page prints
        # the token or the request changes something. The binding is read when the token
        # is made: a page shown after signing in gets a token of the new session.
        state: dict[str, Any] = {"token": None, "binding": None}

        def get_token() -> str:
            scope["csrf_printed"] = True  # a page with a secret: not compressed (BREACH)
            binding = self.bound_to(scope)
            if state["token"] is None or state["binding"] != binding:
                fresh = sent if self._valid(sent, binding) else None
                state["token"] = fresh or self._sign(secrets.token_hex(16), binding)
                state["binding"] = binding
            return str(state["token"])

        scope["csrftoken"] = get_token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and state["token"] is not None:
                out = MutableHeaders(scope=message)
                out.add_vary_header("Cookie")
                if state["token"] != sent:
                    secure = "; Secure" if self.cookie_secure else ""
                    out.append(
                        "set-cookie", f"{COOKIE}={state['token']}; Path=/; SameSite=Lax{secure}"
                    )
            await send(message)

        exempt = scope["path"].startswith(self.exempt_prefixes)
        if scope["method"] in SAFE_METHODS or exempt:
            await self.app(scope, receive, send_with_cookie)
            return
        submitted, replay = await self._submitted(headers, receive)
        if (
            submitted
            and sent
            and secrets.compare_digest(submitted, sent)
            and self._valid(sent, self.bound_to(scope))
        ):
            await self.app(scope, replay, send_with_cookie)
            return
        await self.failed(scope, send_with_cookie)

    async def _submitted(
        self, headers: dict[bytes, bytes], receive: Receive
    ) -> tuple[str | None, Receive]:
        """The token the request carries, and a receive() that replays what was read."""
        if HEADER in headers:
            return headers[HEADER].decode("latin-1"), receive
        content_type, _, params = headers.get(b"content-type", b"").partition(b";")
        content_type = content_type.strip().lower()
        if content_type == b"application/x-www-form-urlencoded":
            return await _from_urlencoded(receive)
        if content_type == b"multipart/form-data":
            boundary = _boundary(params)
            if boundary:
                return await _from_multipart(boundary, receive)
        return None, receive


def _replayer(messages: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replay


async def _from_urlencoded(receive: Receive) -> tuple[str | None, Receive]:
    messages: list[Message] = []
    body = b""
    more = True
    while more and len(body) <= MAX_FORM_BYTES:
        message = await receive()
        messages.append(message)
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if more:
        return None, _replayer(messages, receive)
    # Only the token is needed here (the app parses the form): find its pair, not all.
    prefix = FIELD.encode() + b"="
    for pair in body.split(b"&"):
        if pair.startswith(prefix):
            return unquote_plus(pair[len(prefix) :].decode("utf-8", "replace")), _replayer(
                messages, receive
            )
    return None, _replayer(messages, receive)


def _boundary(params: bytes) -> bytes | None:
    for part in params.split(b";"):
        key, _, value = part.strip().partition(b"=")
        if key.lower() == b"boundary":
            return value.strip(b'"')
    return None


async def _from_multipart(boundary: bytes, receive: Receive) -> tuple[str | None, Receive]:
    """Read parts until the token field; a file part, or more than MULTIPART_SCAN_BYTES,
    before it means no token (and nothing more is read or kept)."""

    def on_field(field: object) -> None:
        if getattr(field, "field_name", None) == FIELD.encode():
            raise _Found((getattr(field, "value", None) or b"").decode("utf-8", "replace"))

    def on_file(_file: object) -> None:
        raise _NotFirst

    parser = FormParser("multipart/form-data", on_field, on_file, boundary=boundary)
    messages: list[Message] = []
    more, scanned = True, 0
    try:
        while more:
            message = await receive()
            messages.append(message)
            chunk = message.get("body", b"")
            parser.write(chunk)
            scanned += len(chunk)
            more = message.get("more_body", False)
            if more and scanned > MULTIPART_SCAN_BYTES:
                raise _NotFirst
        parser.finalize()
    except _Found as found:
        return found.token, _replayer(messages, receive)
    except (_NotFirst, FormParserError):  # or a malformed body: no token; the app won't see it
        return None, _replayer(messages, receive)
    return None, _replayer(messages, receive)
