"""Core pages: home, language switch, accessibility statement, health, login, account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from tortoise import connections

from servicedialog import audit
from servicedialog.auth import (
    LoginThrottled,
    authenticate,
    end_other_sessions,
    public,
    safe_next,
    sign_in,
    sign_out,
)
from servicedialog.forms import Form, done, invalid, read_form, render, unavailable
from servicedialog.i18n import LANGUAGE_COOKIE
from servicedialog.i18n import lazy as _
from servicedialog.models import AuditEvent
from servicedialog.orgs.queries import public_organisations
from servicedialog.orgs.services import DomainError, change_password
from servicedialog.permissions import STAFF, requires
from servicedialog.settings import LANGUAGES


@public
async def home(request: Request) -> Response:
    organisations = await public_organisations(request)
    return render(request, "core/home.html", {"organisations": organisations})


@public
async def set_language(request: Request) -> Response:
    code = request.path_params["code"]
    target = safe_next(request.query_params.get("next"), "/")
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="lax",
            secure=request.app.state.settings.secure_cookies,
        )
    return response


@public
async def accessibility(request: Request) -> Response:
    return render(request, "core/accessibility.html", {})


@public
async def healthz(request: Request) -> Response:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any failure to reach the database means unhealthy
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


STAFF_HOME = "/staff/"  # the path of the staff_home route, asserted by a test


@public
async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"), STAFF_HOME)
    if request.method == "GET":
        if request.state.user is not None:
            return RedirectResponse(next_url, status_code=303)
        return render(request, "core/login.html", {"form": None, "next": next_url})
    form = await read_form(request)
    email = form.email("email")
    password = form.require("password", 1000)
    if not form.ok:
        return invalid(request, "core/login.html", form, next=next_url)
    try:
        user = await authenticate(
            request.app.state.settings, email, password, audit.client_ip(request)
        )
        if user is not None:
            await sign_in(request, user)
    except LoginThrottled as throttled:
        await audit.record("login.throttled", request=request, email=email)
        form.error("email", _("Too many failed attempts. Wait a while and try again."))
        response = invalid(
            request, "core/login.html", form, next=next_url, minutes=throttled.minutes
        )
        response.status_code = 429
        return response
    except Exception as error:  # a busy or unreachable database: the form again, 503
        form.values.pop("password", None)
        kept = unavailable(request, "core/login.html", form, error, next=next_url)
        if kept is None:
            raise
        return kept
    if user is None:
        await audit.record("login.failed", request=request, email=email)
        form.error("password", _("The e-mail address or the password is not correct."))
        return invalid(request, "core/login.html", form, next=next_url)
    await audit.record("login", request=request, actor=user, target=user)
    return done(request, next_url, _("You are signed in."))


@public
async def logout(request: Request) -> Response:
    if request.state.user is not None:
        await audit.record("logout", request=request, target=request.state.user)
    await sign_out(request)
    return done(request, request.app.url_path_for("home"), _("You are signed out."))


@requires(STAFF)
async def staff_home(request: Request) -> Response:
    """What each role needs first, from every feature that has something for them."""
    panels = []
    if request.state.organisation is not None:
        for feature in sorted(request.app.state.features, key=lambda f: f.start_order):
            if feature.start_panel is not None:
                found = await feature.start_panel(request)
                if found is not None:
                    panels.append(found)
    return render(
        request,
        "core/staff_home.html",
        {"organisations": request.state.organisations, "panels": panels},
    )


@requires(STAFF)
async def switch_organisation(request: Request) -> Response:
    form = await read_form(request)
    chosen = {str(o.id): o for o in request.state.organisations}.get(form.get("organisation"))
    if chosen is not None:
        request.session["org"] = chosen.id
    return RedirectResponse(request.app.url_path_for("staff_home"), status_code=303)


ACCOUNT_SIGN_INS = 10


@requires(STAFF)
async def account(request: Request) -> Response:
    """A person's own account: their name (the same in every organisation) and their
    recent sign-ins, so that they can see a sign-in that was not theirs."""
    user = request.state.user
    form = Form({"display_name": user.display_name})
    if request.method == "POST":
        form = await read_form(request)
        name = form.require("display_name", 200)
        if form.ok:
            user.display_name = name
            await user.save(update_fields=["display_name"])
            await audit.record("user.renamed", request=request, target=user)
            return done(request, request.app.url_path_for("account"), _("Your name is saved."))
    sign_ins = (
        await AuditEvent.filter(actor_id=user.id, action__in=("login", "logout"))
        .order_by("-id")
        .limit(ACCOUNT_SIGN_INS)
    )
    return render(
        request,
        "core/account.html",
        {"form": form, "sign_ins": sign_ins},
        status_code=400 if form.errors else 200,
    )


@requires(STAFF)
async def password(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "core/password.html", {"form": None})
    form = await read_form(request)
    user = request.state.user
    try:
        await change_password(
            user,
            form.get("current_password"),
            form.get("new_password"),
            form.get("confirm_password"),
        )
    except DomainError as error:
        form.error(error.field, error.message)
        for name in ("current_password", "new_password", "confirm_password"):
            form.values.pop(name, None)  # never echo passwords back into the page
        return invalid(request, "core/password.html", form)
    await end_other_sessions(user, keep=request.state.staff_session)
    await audit.record("user.password_changed", request=request, target=user)
    return done(request, request.app.url_path_for("staff_home"), _("Your password is changed."))
