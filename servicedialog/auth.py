"""Staff authentication and authorisation.

Passwords are hashed with argon2id. A signed-in session lives on the server
(:class:`~servicedialog.models.StaffSession`, with a lifetime from sign-in and an idle
timeout); the session cookie (signed by Starlette's SessionMiddleware: HttpOnly,
SameSite=Lax, Secure over https) holds only its random key and the chosen organisation.
Each route declares who may use it with :func:`public` or :func:`requires_role`; a test
walks every route and checks both.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from servicedialog import writes
from servicedialog.models import LoginThrottle, Membership, Organisation, StaffSession, User
from servicedialog.roles import Role
from servicedialog.settings import Settings
from servicedialog.writes import Plan, Query

Endpoint = Callable[[Request], Awaitable[Response]]


def password_hasher(environ: Mapping[str, str]) -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: three passes
    over 64 MiB, tens of milliseconds a hash on purpose).

    ``TEST_CHEAP_PASSWORD_HASHES=1`` (set by the test suite, never in production, where it
    is ignored) gives the cheapest parameters instead: the suite creates and signs in
    hundreds of users, and at the real cost hashing was about half its time. A hash
    records its parameters, so verifying one costs what making it did."""
    if environ.get("TEST_CHEAP_PASSWORD_HASHES") == "1" and (
        environ.get("ENVIRONMENT") != "production"
    ):
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


_hasher = password_hasher(os.environ)
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
    session: StaffSession | None = None
    # The user's memberships in the current organisation (role and unit of each).
    memberships: tuple[Membership, ...] = ()


ANONYMOUS = StaffContext(None, None, frozenset(), ())
SESSION_KEY = "sid"  # in the signed session cookie: the random key of the StaffSession
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def session_expired(session: StaffSession, settings: Settings, now: datetime) -> bool:
    """Past its lifetime (from sign-in) or idle for too long."""
    lifetime = timedelta(seconds=settings.session_max_age_seconds)
    idle = timedelta(seconds=settings.session_idle_seconds)
    return now >= session.created_at + lifetime or now >= session.last_seen_at + idle


async def _current_session(
    cookie: dict[str, object], settings: Settings
) -> tuple[StaffSession, User] | None:
    key = cookie.get(SESSION_KEY)
    if not isinstance(key, str) or not 20 <= len(key) <= 100:
        return None
    found = await StaffSession.get_or_none(key_hash=_key_hash(key), ended_at=None).select_related(
        "user"
    )
    if found is None:
        return None
    now = datetime.now(UTC)
    if not found.user.is_active or session_expired(found, settings, now):
        await StaffSession.filter(id=found.id, ended_at=None).update(ended_at=now)
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        found.last_seen_at = now
        await StaffSession.filter(id=found.id).update(last_seen_at=now)
    return found, found.user


async def load_staff_context(cookie: dict[str, object], settings: Settings) -> StaffContext:
    current = await _current_session(cookie, settings)
    if current is None:
        if SESSION_KEY in cookie:
            cookie.clear()  # ended, expired or unknown: the browser's cookie is removed
        return ANONYMOUS
    session, user = current
    memberships = await Membership.filter(user_id=user.id).select_related("organisation")
    organisations = {m.organisation.id: m.organisation for m in memberships}
    if user.is_superuser:
        organisations.update({o.id: o for o in await Organisation.all()})
    chosen = cookie.get("org")
    current_org = organisations.get(chosen) if isinstance(chosen, int) else None
    if current_org is None and organisations:
        # Prefer an organisation the user has a role in (a superuser sees every one).
        own = sorted((m.organisation for m in memberships), key=lambda o: o.name_sv)
        current_org = own[0] if own else sorted(organisations.values(), key=lambda o: o.name_sv)[0]
    here = tuple(m for m in memberships if current_org and m.organisation_id == current_org.id)
    roles = frozenset(Role(m.role) for m in here)
    ordered = tuple(sorted(organisations.values(), key=lambda o: o.name_sv))
    return StaffContext(user, current_org, roles, ordered, session, here)


class StaffMiddleware:
    """Loads the signed-in user, their current organisation and roles into request.state.

    Paths under ``cookieless_prefixes`` (the JSON API, Open311) authenticate with API keys
    only: no session is read there, so a cookie never authorises a request that the CSRF
    check let through as an API call."""

    def __init__(
        self, app: ASGIApp, settings: Settings, cookieless_prefixes: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.settings = settings
        self.cookieless_prefixes = cookieless_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            context = ANONYMOUS
            if scope.get("session") and not scope["path"].startswith(self.cookieless_prefixes):
                context = await load_staff_context(scope["session"], self.settings)
            state = scope.setdefault("state", {})
            state.update(
                user=context.user,
                organisation=context.organisation,
                roles=context.roles,
                organisations=context.organisations,
                staff_session=context.session,
                memberships=context.memberships,
            )
        await self.app(scope, receive, send)


def current_organisation(request: Request) -> Organisation:
    """The organisation a signed-in staff member is working in (for role-checked routes)."""
    organisation: Organisation = request.state.organisation
    return organisation


async def sign_in(request: Request, user: User) -> None:
    """Start a new server-side session for ``user`` (any earlier one of this browser ends)."""
    await sign_out(request)
    key = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await StaffSession.create(
        key_hash=_key_hash(key),
        user=user,
        created_at=now,
        last_seen_at=now,
        ip=(request.client.host if request.client else "")[:45],
    )
    request.session.clear()
    request.session[SESSION_KEY] = key
    await _forget_old_sessions(request.app.state.settings, now)


async def sign_out(request: Request) -> None:
    """End this browser's session on the server and clear its cookie."""
    session: StaffSession | None = getattr(request.state, "staff_session", None)
    if session is not None:
        await StaffSession.filter(id=session.id, ended_at=None).update(ended_at=datetime.now(UTC))
        request.state.staff_session = None
    request.session.clear()


async def end_other_sessions(user: User, keep: StaffSession | None) -> int:
    """End every session of ``user`` but ``keep`` (after a password change)."""
    query = StaffSession.filter(user_id=user.id, ended_at=None)
    if keep is not None:
        query = query.exclude(id=keep.id)
    ended: int = await query.update(ended_at=datetime.now(UTC))
    return ended


async def _forget_old_sessions(settings: Settings, now: datetime) -> None:
    """Delete sessions that ended, or can no longer be used, more than a day ago."""
    cutoff = now - timedelta(seconds=settings.session_max_age_seconds) - timedelta(days=1)
    await StaffSession.filter(created_at__lt=cutoff).delete()
    await StaffSession.filter(ended_at__lt=now - timedelta(days=1)).delete()


def safe_next(target: str | None, default: str) -> str:
    """Only local paths: never let ?next= send someone to another site."""
    if (
        target
        and len(target) <= 2000
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return default


class LoginThrottled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


_THROTTLE = LoginThrottle._meta.db_table
THROTTLE_SQL = (
    f"INSERT INTO {_THROTTLE} (subject, hits, window_start) VALUES (?, 1, ?) "
    "ON CONFLICT (subject) DO UPDATE SET "
    f"hits = CASE WHEN {_THROTTLE}.window_start <= ? THEN 1 ELSE {_THROTTLE}.hits + 1 END, "
    f"window_start = CASE WHEN {_THROTTLE}.window_start <= ? THEN ? "
    f"ELSE {_THROTTLE}.window_start END "
    "RETURNING hits, window_start"
)


def _count(subject: str, now: int, window: int) -> Plan[tuple[int, int]]:
    """Add one to ``subject``'s count in the current window (a new window when the last
    one is over) and return (count, window start): one statement, so that parallel
    attempts in any number of workers each get their own number."""
    expired = now - window
    rows = yield Query(THROTTLE_SQL, [subject[:300], now, expired, expired, now])
    return int(rows[0]["hits"]), int(rows[0]["window_start"])


async def _hits(subject: str, now: int, window: int) -> int:
    row = await LoginThrottle.get_or_none(subject=subject[:300])
    return row.hits if row is not None and row.window_start > now - window else 0


def slowdown_seconds(failures: int, settings: Settings) -> float:
    """How long an attempt from an address with ``failures`` recent failures waits."""
    over = failures - settings.login_slowdown_after
    return float(min(10, over + 1)) if over >= 0 else 0.0


async def authenticate(settings: Settings, email: str, password: str, ip: str) -> User | None:
    """The user whose credentials these are, or None.

    Every attempt on an account is counted before the password is checked; the
    ``LOGIN_MAX_FAILURES + 1``-th within the window raises LoginThrottled without checking
    (so 30 parallel guesses get at most 5 checks, and a right one among the rest is
    refused too). A successful sign-in starts the account's count again. Failures from one
    client address slow that address down instead of locking it out: an office behind one
    address is not locked out by one person's typing, nor by an attacker."""
    email = email.strip().lower()
    now, window = int(time.time()), settings.login_window_seconds
    attempts, started = await writes.run(_count(f"account:{email}", now, window))
    if attempts > settings.login_max_failures:
        raise LoginThrottled(max(1, -(-(started + window - now) // 60)))
    delay = slowdown_seconds(await _hits(f"address:{ip}", now, window), settings)
    if delay:
        await asyncio.sleep(delay)
    user = await User.get_or_none(email=email, is_active=True)
    if user is not None and verify_password(user.password_hash, password):
        await LoginThrottle.filter(subject=f"account:{email}"[:300]).delete()
        user.last_login_at = datetime.now(UTC)
        await user.save(update_fields=["last_login_at"])
        return user
    if user is None:
        verify_password(_DUMMY_HASH, password)
    await writes.run(_count(f"address:{ip}", now, window))
    return None
