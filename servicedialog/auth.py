"""Staff authentication and authorisation.

Passwords are hashed with argon2id. The session (a signed cookie set by Starlette's
SessionMiddleware: HttpOnly, SameSite=Lax, Secure over https) holds only the user id, the
user's session epoch and the chosen organisation. Each route declares who may use it with
:func:`public` or :func:`requires_role`; a test walks every route and checks both.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from servicedialog.models import LoginAttempt, Membership, Organisation, User
from servicedialog.roles import Role
from servicedialog.settings import Settings

Endpoint = Callable[[Request], Awaitable[Response]]

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def public(endpoint: Endpoint) -> Endpoint:
    """Declare a route open to everyone."""
    endpoint.public = True  # type: ignore[attr-defined]
    return endpoint


def requires_role(*roles: Role, superuser: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Declare a staff route: a signed-in user holding one of ``roles`` in the current
    organisation (``superuser=True``: an installation administrator) may use it.
    Anonymous users are sent to the login page; others get 403."""

    def decorator(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user: User | None = request.state.user
            if user is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                login = request.app.url_path_for("login") + "?" + urlencode({"next": target})
                return RedirectResponse(login, status_code=303)
            allowed = user.is_superuser if superuser else bool(request.state.roles & set(roles))
            if not allowed:
                raise HTTPException(status_code=403)
            return await endpoint(request)

        guarded.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        guarded.requires_superuser = superuser  # type: ignore[attr-defined]
        return guarded

    return decorator


@dataclass(frozen=True)
class StaffContext:
    user: User | None
    organisation: Organisation | None
    roles: frozenset[Role]
    organisations: tuple[Organisation, ...]


ANONYMOUS = StaffContext(None, None, frozenset(), ())


async def load_staff_context(session: dict[str, object]) -> StaffContext:
    uid = session.get("uid")
    if not isinstance(uid, int):
        return ANONYMOUS
    user = await User.get_or_none(id=uid, is_active=True)
    if user is None or session.get("epoch") != user.session_epoch:
        session.clear()
        return ANONYMOUS
    memberships = await Membership.filter(user_id=user.id).select_related("organisation")
    organisations = {m.organisation.id: m.organisation for m in memberships}
    if user.is_superuser:
        organisations.update({o.id: o for o in await Organisation.all()})
    chosen = session.get("org")
    current = organisations.get(chosen) if isinstance(chosen, int) else None
    if current is None and organisations:
        # Prefer an organisation the user has a role in (a superuser sees every one).
        own = sorted((m.organisation for m in memberships), key=lambda o: o.name_sv)
        current = own[0] if own else sorted(organisations.values(), key=lambda o: o.name_sv)[0]
    roles = frozenset(
        Role(m.role) for m in memberships if current and m.organisation_id == current.id
    )
    ordered = tuple(sorted(organisations.values(), key=lambda o: o.name_sv))
    return StaffContext(user, current, roles, ordered)


class StaffMiddleware:
    """Loads the signed-in user, their current organisation and roles into request.state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            context = (
                await load_staff_context(scope["session"]) if scope.get("session") else ANONYMOUS
            )
            state = scope.setdefault("state", {})
            state.update(
                user=context.user,
                organisation=context.organisation,
                roles=context.roles,
                organisations=context.organisations,
            )
        await self.app(scope, receive, send)


def current_organisation(request: Request) -> Organisation:
    """The organisation a signed-in staff member is working in (for role-checked routes)."""
    organisation: Organisation = request.state.organisation
    return organisation


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session.update(uid=user.id, epoch=user.session_epoch)


def sign_out(request: Request) -> None:
    request.session.clear()


def safe_next(target: str | None, default: str) -> str:
    """Only local paths: never let ?next= send someone to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


class LoginThrottled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


async def authenticate(settings: Settings, email: str, password: str, ip: str) -> User | None:
    """The user whose credentials these are, or None. Raises LoginThrottled after too many
    recent failures for this e-mail address (or many more from this IP address)."""
    email = email.strip().lower()
    since = datetime.now(UTC) - timedelta(seconds=settings.login_window_seconds)
    await LoginAttempt.filter(at__lt=since).delete()
    by_email = await LoginAttempt.filter(email=email, at__gte=since).count()
    by_ip = await LoginAttempt.filter(ip=ip, at__gte=since).count()
    if by_email >= settings.login_max_failures or by_ip >= 4 * settings.login_max_failures:
        raise LoginThrottled(max(1, settings.login_window_seconds // 60))
    user = await User.get_or_none(email=email, is_active=True)
    if user is not None and verify_password(user.password_hash, password):
        await LoginAttempt.filter(email=email).delete()
        user.last_login_at = datetime.now(UTC)
        await user.save(update_fields=["last_login_at"])
        return user
    if user is None:
        verify_password(_DUMMY_HASH, password)
    await LoginAttempt.create(email=email, ip=ip)
    return None
