"""Small pure-ASGI middlewares: request log, language, security headers with CSP nonces."""

from __future__ import annotations

import json
import logging
import os
import secrets
import time

from starlette.datastructures import MutableHeaders
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

    def __init__(self, app: ASGIApp, default_language: str) -> None:
        self.app = app
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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
                # Raw byte pairs: the headers are the same on every response but two.
                message["headers"] = [
                    *message.get("headers", []),
                    *CONSTANT_HEADERS,
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                    (b"x-request-id", request_id.encode("latin-1")),
                    (b"content-language", language.encode()),
                ]
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
