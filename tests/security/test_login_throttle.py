"""The sign-in throttle decides atomically, across worker processes: parallel guesses get no
more checks than the limit, and an account is locked, never a whole office's address."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from servicedialog.auth import slowdown_seconds
from servicedialog.roles import Role
from tests.conftest import PASSWORD, login, post_form, run


def _session(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    return session, token


def _attempt(base: str, token: str, cookies: dict[str, str], password: str) -> int:
    response = requests.post(
        f"{base}/login",
        data={"csrftoken": token, "email": "handler@example.se", "password": password},
        cookies=cookies,
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


def test_parallel_guesses_in_two_workers_get_only_the_allowed_checks(client, member, live_server):
    member(Role.HANDLER, sign_in=False)
    base = live_server(workers=2)
    session, token = _session(base)
    cookies = session.cookies.get_dict()
    passwords = ["wrong password"] * 39 + [PASSWORD]  # the right one among the guesses
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(lambda p: _attempt(base, token, cookies, p), passwords))
    checked = [s for s in statuses if s in (303, 400)]
    assert len(checked) == 5, statuses  # LOGIN_MAX_FAILURES attempts are checked, no more
    assert statuses.count(429) == 35
    # Locked: the right password is refused too, until the window ends.
    assert _attempt(base, token, cookies, PASSWORD) == 429


def test_failures_from_one_address_slow_it_down_but_never_lock_it_out(client, member, settings):
    import dataclasses

    member(Role.HANDLER, sign_in=False)
    client.app.state.settings = dataclasses.replace(settings, login_slowdown_after=3)
    for n in range(4):  # four different people mistype at the same office
        response = post_form(
            client, "/login", {"email": f"person{n}@example.se", "password": "not it, sorry"}
        )
        assert response.status_code == 400
    started = time.monotonic()
    login(client, "handler@example.se")  # a colleague behind the same address gets in
    assert time.monotonic() - started >= 1.0  # but waited


def test_the_slowdown_grows_with_failures_and_has_a_ceiling(settings):
    assert slowdown_seconds(settings.login_slowdown_after - 1, settings) == 0
    assert slowdown_seconds(settings.login_slowdown_after, settings) == 1
    assert slowdown_seconds(settings.login_slowdown_after + 4, settings) == 5
    assert slowdown_seconds(10_000, settings) == 10


def test_a_successful_sign_in_starts_the_accounts_count_again(client, member):
    from servicedialog.models import LoginThrottle

    member(Role.HANDLER, sign_in=False)
    for _ in range(4):
        post_form(client, "/login", {"email": "handler@example.se", "password": "wrong one!"})
    login(client, "handler@example.se")
    assert run(client, LoginThrottle.filter(subject="account:handler@example.se").count) == 0
