"""Small pure-ASGI middlewares: request log, language, security headers with CSP nonces,
and request-body limits."""

from __future__ import annotations

import gzip
import json
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicedialog.i18n import LANGUAGE_COOKIE, negotiate

access_log = logging.getLogger("servicedialog.access")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


class RequestContextMiddleware:
    """Gives each request an id, a language and a CSP nonce, logs it as one JSON line,
    and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, default_language: str, hsts_max_age: int = 0) -> None:
        self.app = app
        self.default_language = default_language
        # Only when the site is served over https (the caller passes 0 otherwise).
        self.hsts = f"max-age={hsts_max_age}".encode() if hsts_max_age > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b""):
            # A NUL character has no use in a query, and PostgreSQL cannot even compare it:
            # it is dropped here, once, for every parameter (the path convertors refuse it).
            scope["query_string"] = scope["query_string"].replace(b"%00", b"")
        nonce = secrets.token_urlsafe(16)
        request_id = _header(scope, b"x-request-id")[:64] or os.urandom(12).hex()
        cookie_header = _header(scope, b"cookie")
        cookie_lang = cookie_parser(cookie_header).get(LANGUAGE_COOKIE) if cookie_header else None
        language = negotiate(cookie_lang, _header(scope, b"accept-language"), self.default_language)
        scope.setdefault("state", {}).update(
            csp_nonce=nonce, request_id=request_id, language=language
        )
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Raw byte pairs: the headers are the same on every response but two (a
                # response may set a stricter one of its own, e.g. Referrer-Policy).
                headers = list(message.get("headers", []))
                own = {name.lower() for name, _value in headers}
                headers += [pair for pair in CONSTANT_HEADERS if pair[0] not in own]
                headers += [
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                    (b"x-request-id", request_id.encode("latin-1")),
                    (b"content-language", language.encode()),
                ]
                if self.hsts is not None:
                    headers.append((b"strict-transport-security", self.hsts))
                if _private(scope, headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    json.dumps(
                        {
                            "request_id": request_id,
                            "method": scope["method"],
                            "path": scope["path"],
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 1),
                            "ip": scope["client"][0] if scope.get("client") else "",
                        }
                    )
                )


def _private(scope: Scope, headers: list[tuple[bytes, bytes]]) -> bool:
    """A response for a signed-in staff member that says nothing of caching: never stored
    (a shared computer's browser cache, a proxy). Responses that set their own
    Cache-Control (static files, exports, attachments) keep it."""
    if scope.get("state", {}).get("user") is None:
        return False
    return not any(name.lower() == b"cache-control" for name, _value in headers)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONSTANT_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(self)"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def add_security_headers(headers: MutableHeaders, nonce: str) -> None:
    """For responses made outside this middleware (the server-error handler)."""
    headers["Content-Security-Policy"] = content_security_policy(nonce)
    for name, value in CONSTANT_HEADERS:
        headers[name.decode("latin-1")] = value.decode("latin-1")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
Refusal = Callable[[Scope, Send, int], Awaitable[None]]


class BodyTooLarge(HTTPException):
    """The body went past the limit of its route while it was being read."""

    def __init__(self) -> None:
        super().__init__(413)


class BodyLimitMiddleware:
    """Refuses a request body larger than its route's limit with 413: at once when the
    ``Content-Length`` says so (nothing is read; the connection is closed, since the rest
    of the body would follow), else as soon as the bytes read pass the limit. ``limit_for``
    gives the limit of a path (see ``create_app``: forms, uploads, the API)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], refuse: Refusal) -> None:
        self.app = app
        self.limit_for = limit_for
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared and (not declared.isdigit() or len(declared) > 18):
            await self.refuse(scope, send, 400)
            return
        if declared and int(declared) > limit:
            await self.refuse(scope, send, 413)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if started:
                raise
            await self.refuse(scope, send, 413)


COMPRESSIBLE = (
    b"text/html",
    b"text/css",
    b"text/javascript",
    b"application/javascript",
    b"application/json",
    b"image/svg+xml",
)
MIN_COMPRESS_BYTES = 1024


class CompressionMiddleware:
    """gzip for text answers (pages, CSS, scripts, JSON) that a phone on a slow network
    would otherwise wait for: a commitment page is a quarter of its size.

    A page that carries a CSRF token is sent as it is: compressing a secret next to text an
    attacker can put on the page lets the compressed size leak the secret (BREACH). So are
    streamed bodies and answers that are already encoded (plotly.js is compressed once)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"gzip" not in _header(scope, b"accept-encoding").encode():
            await self.app(scope, receive, send)
            return
        held: list[Message] = []
        passing = False

        async def send_maybe_compressed(message: Message) -> None:
            nonlocal passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                held.append(message)
                return
            if not held:  # e.g. the test client's http.response.debug, before the start
                await send(message)
                return
            start = held.pop()
            passing = True
            body = message.get("body", b"")
            # Only a whole body in one message (not a stream, nor a file sent by path).
            whole = message["type"] == "http.response.body" and not message.get("more_body")
            if whole and _compressible(scope, start, body):
                body = gzip.compress(body, compresslevel=6)
                headers = MutableHeaders(scope=start)
                headers["Content-Encoding"] = "gzip"
                headers["Content-Length"] = str(len(body))
                headers.add_vary_header("Accept-Encoding")
                message = {**message, "body": body}
            await send(start)
            await send(message)

        await self.app(scope, receive, send_maybe_compressed)


def _compressible(scope: Scope, start: Message, body: bytes) -> bool:
    if len(body) < MIN_COMPRESS_BYTES:
        return False
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if b"content-encoding" in headers or content_type not in COMPRESSIBLE:
        return False
    return not (content_type == b"text/html" and scope.get("csrf_printed"))
