"""The app factory. No import-time side effects: each call builds a fresh app."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, compile_path
from starlette.staticfiles import StaticFiles
from starlette.types import Scope, Send
from tortoise.contrib.starlette import RegisterTortoise

from servicedialog import audit, charts, mail, openapi, views, writes
from servicedialog.auth import SESSION_KEY, StaffMiddleware, public
from servicedialog.cache import TTLCache
from servicedialog.csrf import CSRFMiddleware
from servicedialog.db import tortoise_config
from servicedialog.errors import EXCEPTION_HANDLERS, error_response
from servicedialog.features import (
    Feature,
    FeatureError,
    NavItem,
    discover,
    load_feature_settings,
    ordered,
)
from servicedialog.i18n import lazy as _
from servicedialog.middleware import (
    BodyLimitMiddleware,
    CompressionMiddleware,
    RequestContextMiddleware,
)
from servicedialog.orgs.feature import feature as admin_feature
from servicedialog.permissions import STAFF
from servicedialog.settings import Settings, load_settings
from servicedialog.templating import build_templates, warm_templates

STATIC_DIR = Path(__file__).parent / "static"

CORE_STAFF_NAV = (NavItem(_("Start"), "staff_home", permission=STAFF),)
# The first path segments the core answers itself: no feature may mount there.
CORE_SEGMENTS = frozenset(
    {"", "language", "accessibility", "healthz", "login", "logout", "staff", "account", "api"}
    | {"static", "vendor"}
)


class CachedStaticFiles(StaticFiles):
    """Static assets with a cache lifetime; file names change when their content does."""

    def file_response(self, *args: Any, **kwargs: Any) -> Any:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def session_binding(scope: Scope) -> str:
    """What a CSRF token is bound to: the key of the signed-in session, if any."""
    session = scope.get("session") or {}
    key = session.get(SESSION_KEY)
    return key if isinstance(key, str) else ""


def upload_paths(routes: Sequence[BaseRoute], prefix: str = "") -> list[re.Pattern[str]]:
    """The full path patterns of the routes whose endpoint takes files (``accepts_files``):
    their bodies may be as large as MAX_UPLOAD_BYTES, every other form's MAX_FORM_BYTES."""
    found: list[re.Pattern[str]] = []
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            found += upload_paths(route.routes, prefix + route.path)
        elif isinstance(route, Route) and getattr(route.endpoint, "accepts_files", False):
            found.append(compile_path(prefix + route.path)[0])
    return found


def core_routes() -> list[BaseRoute]:
    return [
        Route("/", views.home, name="home"),
        Route("/language/{code:word}", views.set_language, name="set_language"),
        Route("/accessibility", views.accessibility, name="accessibility"),
        Route("/healthz", views.healthz, name="healthz"),
        Route("/login", views.login, methods=["GET", "POST"], name="login"),
        Route("/logout", views.logout, methods=["POST"], name="logout"),
        Route("/staff/", views.staff_home, name="staff_home"),
        Route(
            "/staff/organisation",
            views.switch_organisation,
            methods=["POST"],
            name="switch_organisation",
        ),
        Route("/account/", views.account, methods=["GET", "POST"], name="account"),
        Route("/account/password", views.password, methods=["GET", "POST"], name="password"),
        Route(charts.PLOTLY_JS_PATH, charts.plotly_js, name="plotly_js"),
    ]


def static_routes(features: Sequence[Feature]) -> list[BaseRoute]:
    """The core's static files at /static/, each feature's own at /static/<name>/."""
    own = [
        Mount(
            f"/static/{f.name}", app=CachedStaticFiles(directory=f.static), name=f"static_{f.name}"
        )
        for f in features
        if f.static is not None
    ]
    return [*own, Mount("/static", app=CachedStaticFiles(directory=STATIC_DIR), name="static")]


def with_core(features: Sequence[Feature]) -> list[Feature]:
    """The core's own feature (administration) and the installed ones, dependencies first;
    a feature that mounts where the core answers is refused."""
    result = ordered([admin_feature, *features])
    for feature in result:
        if feature.mount.strip("/").split("/")[0] in CORE_SEGMENTS:
            raise FeatureError(f"feature {feature.name!r} mounts at {feature.mount}, the core's")
    return result


def create_app(
    settings: Settings | None = None, features: Sequence[Feature] | None = None
) -> Starlette:
    settings = settings or load_settings()
    features = with_core(discover() if features is None else features)
    logging.basicConfig(level=settings.log_level, format="%(message)s")
    templates = build_templates([f.templates for f in features if f.templates is not None])
    feature_settings = {f.name: load_feature_settings(f) for f in features}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Compile every template now, not on a visitor's first request (140 ms for the
        # feedback form on a cold worker).
        warm_templates(templates)
        async with (
            RegisterTortoise(app, config=tortoise_config(settings, features)),
            # Every worker runs a sender when SMTP is configured; claims keep them apart.
            mail.background_sender(settings),
            AsyncExitStack() as stack,
        ):
            for feature in features:  # dependencies first; left in the opposite order
                if feature.lifespan is not None:
                    await stack.enter_async_context(feature.lifespan(app))
            try:
                yield
            finally:
                writes.close()  # the write connection, before Tortoise closes its own

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi.document(features, settings.base_url))

    api = Mount(
        "/api/v1",
        name="api",
        routes=[
            Route("/openapi.json", public(openapi_json), name="openapi"),
            *[
                Mount(f.mount, routes=list(f.api_routes), name=f.name)
                for f in features
                if f.api_routes
            ],
        ],
    )
    routes = [
        *core_routes(),
        api,
        *[Mount(f.mount, routes=list(f.routes), name=f.name) for f in features if f.routes],
        *static_routes(features),
    ]

    async def csrf_failed(scope: Scope, send: Send) -> None:
        response = templates.TemplateResponse(
            Request(scope), "errors/403.html", {"status": 403, "csrf": True}, status_code=403
        )
        await response(scope, lambda: None, send)  # type: ignore[arg-type, return-value]

    async def refuse_body(scope: Scope, send: Send, status: int) -> None:
        response = error_response(Request(scope), status)
        response.headers["Connection"] = "close"  # the unread body would follow
        await response(scope, lambda: None, send)  # type: ignore[arg-type, return-value]

    # Machine APIs authenticate with keys only: no CSRF check there, and no session read.
    api_prefixes = ("/api/", *(f.mount + "/" for f in features if f.csrf_exempt))
    uploads = upload_paths(routes)

    def body_limit(path: str) -> int:
        if any(pattern.match(path) for pattern in uploads):
            return settings.max_upload_bytes
        if path.startswith(api_prefixes):
            return settings.max_api_bytes
        return settings.max_form_bytes

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                RequestContextMiddleware,
                default_language=settings.default_language,
                hsts_max_age=settings.hsts_max_age if settings.secure_cookies else 0,
            ),
            Middleware(CompressionMiddleware),
            Middleware(BodyLimitMiddleware, limit_for=body_limit, refuse=refuse_body),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="sd_session",
                max_age=settings.session_max_age_seconds,
                same_site="lax",
                https_only=settings.secure_cookies,
            ),
            Middleware(
                CSRFMiddleware,
                secret=settings.secret_key,
                failed=csrf_failed,
                cookie_secure=settings.secure_cookies,
                exempt_prefixes=api_prefixes,
                bound_to=session_binding,
            ),
            Middleware(StaffMiddleware, settings=settings, cookieless_prefixes=api_prefixes),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = templates
    app.state.path_cache = {}
    app.state.cache = TTLCache()
    app.state.form_limiters = {}  # servicedialog.protection, per public form
    app.state.features = features
    app.state.feature_settings = feature_settings
    app.state.permissions = {p.name: p for f in features for p in f.permissions}
    app.state.slots = slot_links(features)
    app.state.audit_actions = {
        **audit.CORE_ACTIONS,
        **{code: label for f in features for code, label in f.audit_actions.items()},
    }
    app.state.audit_objects = {
        **audit.CORE_OBJECTS,
        **{name: target for f in features for name, target in f.audit_objects.items()},
    }
    app.state.error_responses = [
        (f.mount + "/", f.error_response) for f in features if f.error_response is not None
    ]
    app.state.nav = {
        "public": [item for f in features for item in f.public_nav],
        "staff": [*CORE_STAFF_NAV, *(item for f in features for item in f.staff_nav)],
        "organisation": [item for f in features for item in f.organisation_links],
    }
    return app


def slot_links(features: Sequence[Feature]) -> dict[str, list[Any]]:
    """Slot name -> the links the installed features put there, in feature order."""
    slots: dict[str, list[Any]] = {}
    for feature in features:
        for name, links in feature.slots.items():
            slots.setdefault(name, []).extend(links)
    return slots
