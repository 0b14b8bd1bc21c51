"""Small pure-ASGI middlewares: request log, language, security headers with CSP nonces."""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
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
        request_id = _header(scope, b"x-request-id")[:64] or uuid.uuid4().hex
        cookies = SimpleCookie(_header(scope, b"cookie"))
        cookie_lang = cookies[LANGUAGE_COOKIE].value if LANGUAGE_COOKIE in cookies else None
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
                headers = MutableHeaders(scope=message)
                add_security_headers(headers, nonce)
                headers["X-Request-ID"] = request_id
                if "content-language" not in headers:
                    headers["Content-Language"] = language
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


def add_security_headers(headers: MutableHeaders, nonce: str) -> None:
    headers["Content-Security-Policy"] = content_security_policy(nonce)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
