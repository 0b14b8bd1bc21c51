"""Request bodies are bounded per route and refused early; the server goes on answering on
the same connection after an error; the security headers are on every response."""

from __future__ import annotations

import dataclasses
import http.client
import os
import socket
import time
from urllib.parse import urlsplit

import pytest

from servicedialog.app import create_app
from servicedialog.roles import Role
from tests.conftest import FEATURES, csrf_token


def _raw(base: str, request: bytes, read_all: bool = True) -> bytes:
    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if not read_all and b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


def test_a_declared_oversized_body_is_refused_before_it_is_read(client, live_server):
    base = live_server(workers=1)
    started = time.monotonic()
    # 600 MB announced, none of it sent: the answer comes at once, and the connection closes.
    head = (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 629145600\r\n\r\n"
    )
    answer = _raw(base, head, read_all=False)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"connection: close" in answer.lower()
    assert time.monotonic() - started < 5


def test_a_streamed_body_past_the_limit_is_refused_and_not_kept(client, live_server):
    base = live_server(workers=1, MAX_FORM_BYTES="100000")
    host, port = urlsplit(base).hostname, urlsplit(base).port
    connection = http.client.HTTPConnection(host, port, timeout=20)

    def body():
        yield b"email=a%40b.se&password=x&csrftoken=y"
        for _ in range(50):
            yield b"&pad=" + b"x" * 10_000

    connection.request(
        "POST",
        "/login",
        body=body(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        encode_chunked=True,
    )
    try:
        assert connection.getresponse().status == 413
    finally:
        connection.close()


def test_a_multipart_body_without_a_token_is_not_buffered(client, member):
    """The CSRF check looks at the start of a multipart body only; what follows streams on
    (or, here, is refused): the app never holds a large body in memory."""
    from servicedialog import csrf

    member(Role.ADMIN)
    boundary = "b0undary"
    filler = b"x" * (csrf.MULTIPART_SCAN_BYTES * 4)
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="code"\r\n\r\n'.encode()
        + filler
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        "/admin/units",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path,limit_setting",
    [
        ("/login", "max_form_bytes"),
        ("/feedback/exempelkommun/", "max_upload_bytes"),
        ("/api/v1/commitments/cases", "max_api_bytes"),
        ("/open311/v2/requests.json", "max_api_bytes"),
    ],
)
def test_each_route_has_the_limit_of_its_kind(settings, path, limit_setting):
    from starlette.testclient import TestClient

    small = dataclasses.replace(
        settings, max_form_bytes=1000, max_upload_bytes=3000, max_api_bytes=2000
    )
    app = create_app(small, features=FEATURES)
    limit = getattr(small, limit_setting)
    with TestClient(app) as test_client:
        over = test_client.post(
            path, content=b"x" * (limit + 1), headers={"Content-Type": "text/plain"}
        )
        assert over.status_code == 413
        under = test_client.post(
            path, content=b"x" * (limit - 10), headers={"Content-Type": "text/plain"}
        )
        assert under.status_code != 413


def test_the_server_answers_the_next_request_on_the_same_connection_after_errors(
    client, org, live_server
):
    base = live_server(workers=1)
    host, port = urlsplit(base).hostname, urlsplit(base).port
    connection = http.client.HTTPConnection(host, port, timeout=20)
    try:
        _ask_in_turn(connection)
    finally:
        connection.close()


def _ask_in_turn(connection: http.client.HTTPConnection) -> None:
    for path, status in [
        ("/feedback/" + "x" * 65 + "/", 404),
        ("/open311/v2/requests.json?start_date=0001-01-01T00:00:00Z", 400),
        ("/feedback/manage/99999999999999999999", 404),
        ("/commitments/exempelkommun/?page=" + "9" * 40, 200),  # no such page: the first
        ("/healthz", 200),
    ]:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == status, path
        assert not response.will_close, path


def test_strict_transport_security_when_served_over_https(settings):
    from starlette.testclient import TestClient

    secure = dataclasses.replace(settings, base_url="https://synpunkter.example.se")
    with TestClient(create_app(secure, features=FEATURES)) as test_client:
        response = test_client.get("/")
        assert response.headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(create_app(settings, features=FEATURES)) as test_client:
        assert "strict-transport-security" not in test_client.get("/").headers


def test_staff_pages_exports_and_private_links_are_never_cached(client, member, org):
    from complaints import services
    from complaints.services import NewFeedback
    from complaints.states import Kind
    from tests.conftest import run

    registered = run(client, services.register, org, NewFeedback(kind=Kind.PRAISE, text="Bra"))
    tracking = client.get(f"/feedback/track/{registered.token}")
    assert tracking.headers["cache-control"] == "no-store"
    assert tracking.headers["referrer-policy"] == "no-referrer"
    member(Role.HANDLER)
    for path in ("/staff/", "/feedback/manage/", f"/feedback/manage/{registered.id}"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert client.get("/feedback/manage/export.csv").headers["cache-control"] == "no-store"
    # Static files keep their own cache lifetime.
    assert "max-age" in client.get("/static/css/app.css").headers["cache-control"]
    csrf_token(client)


def test_forwarded_headers_are_believed_from_the_configured_proxy_only(client, live_server):
    from servicedialog.models import AuditEvent
    from tests.conftest import create_member, run

    run(client, create_member, "h@example.se", run(client, _org), Role.HANDLER)
    for trusted, expected in (("", "127.0.0.1"), ("127.0.0.1", "203.0.113.9")):
        base = live_server(workers=1, TRUSTED_PROXIES=trusted)
        _sign_in_from(base, "203.0.113.9")
        ips = run(
            client,
            AuditEvent.filter(action="login.failed").order_by("-id").values_list,
            "ip",
            flat=True,
        )
        assert ips[0] == expected, (trusted, ips)


async def _org():
    from servicedialog.models import Organisation
    from tests.conftest import create_org

    return await Organisation.first() or await create_org()


def _sign_in_from(base: str, claimed: str) -> None:
    import re

    import requests

    session = requests.Session()
    page = session.get(f"{base}/login", headers={"X-Forwarded-For": claimed})
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/login",
        data={"csrftoken": token, "email": "h@example.se", "password": "wrong password"},
        headers={"X-Forwarded-For": claimed},
        allow_redirects=False,
    )


def test_mail_claims_are_given_back_when_the_app_stops(client, org, settings):
    """A message being sent when the app stops is not left claimed for five minutes."""
    import asyncio

    from servicedialog import mail
    from servicedialog.models import OutboxMessage
    from tests.conftest import run

    async def scenario():
        message = await mail.queue_mail("a@example.se", "Hej", "Text", organisation=org)

        async def hang(self, message):  # a mail server that never answers
            await asyncio.sleep(3600)

        original = mail._Batch.send
        mail._Batch.send = hang
        try:
            task = asyncio.create_task(
                mail.send_pending(dataclasses.replace(settings, smtp_host="x"))
            )
            await asyncio.sleep(0.2)
            assert (await OutboxMessage.get(id=message.id)).claimed_until is not None
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            mail._Batch.send = original
        return await OutboxMessage.get(id=message.id)

    stopped = run(client, scenario)
    assert stopped.claimed_until is None and stopped.status == "pending"


del os
