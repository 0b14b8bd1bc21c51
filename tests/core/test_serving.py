"""`servicedialog serve --workers 2`: each worker listens on its own socket, so keep-alive
connections are spread over the workers instead of piling up on whichever woke first."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "SO_REUSEPORT") or not Path("/proc/net/tcp").exists(),
    reason="needs SO_REUSEPORT and Linux's /proc",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp_inodes(port: int, state: str) -> set[str]:
    """Inodes of the IPv4 sockets on local port ``port`` in ``state`` (01 established,
    0A listening), from /proc/net/tcp."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(fields[9])
    return inodes


def test_two_workers_each_listen_and_share_the_connections(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "servicedialog", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    connections: list[http.client.HTTPConnection] = []
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline:
            assert server.poll() is None, "the server exited"
            workers = [
                p for p in _children(server.pid) if _socket_inodes(p) & _tcp_inodes(port, "0A")
            ]
            if len(workers) == 2:
                break
            time.sleep(0.3)
        # Each worker has a listening socket of its own (not one shared by both).
        listening = [_socket_inodes(p) & _tcp_inodes(port, "0A") for p in workers]
        assert len(workers) == 2 and listening[0] and listening[1]
        assert not listening[0] & listening[1]

        for _ in range(32):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            connections.append(connection)  # kept open, as a proxy's pool keeps them
        established = _tcp_inodes(port, "01")
        per_worker = [len(_socket_inodes(p) & established) for p in workers]
        assert sum(per_worker) == 32
        assert min(per_worker) > 0, per_worker  # all 32 on one: odds 2 in 4 billion
    finally:
        for connection in connections:
            connection.close()
        server.send_signal(signal.SIGTERM)
        server.wait(30)
