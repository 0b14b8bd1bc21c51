"""Serving the app with uvicorn: with several workers, each worker gets its own listening
socket (``SO_REUSEPORT``).

``uvicorn --workers N`` binds one socket in the supervisor and shares it with the workers:
the worker whose event loop wakes first accepts whatever is queued, so a burst of
keep-alive connections (a reverse proxy's pool, or a load test) can end up all on one
worker for as long as they stay open, and the other workers idle. Measured on the feedback
form, that halved throughput in one run of two (``bench/RESULTS.md``). With a socket per
worker the kernel spreads new connections over the workers by a hash of their addresses.

uvicorn's own supervisor (``Multiprocess``: restarts dead workers, SIGHUP reload, SIGTTIN /
SIGTTOU to add and remove workers) is kept. It hands each new worker process "the
sockets", pickled; we give it :class:`_OwnSocket`, which unpickles in the new process as a
fresh socket of that process alone.
"""

from __future__ import annotations

import socket
from typing import Any

APP = "servicedialog.app:create_app"
BACKLOG = 2048


def listening_socket(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A TCP socket listening on (host, port) that other workers may also listen on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class _OwnSocket:
    """Stands in the supervisor's list of sockets; in each worker process it is unpickled
    as that worker's own listening socket."""

    def __init__(self, host: str, port: int, backlog: int) -> None:
        self.address = (host, port, backlog)

    def __reduce__(self) -> tuple[Any, tuple[str, int, int]]:
        return listening_socket, self.address


def serve(
    host: str,
    port: int,
    workers: int,
    log_level: str = "info",
    trusted_proxies: tuple[str, ...] = (),
) -> None:
    """Serve the app. ``X-Forwarded-For`` and ``-Proto`` are believed only from
    ``trusted_proxies`` (the ``TRUSTED_PROXIES`` setting); with none, from nobody: uvicorn
    would otherwise believe any process on 127.0.0.1."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "proxy_headers": bool(trusted_proxies),
        "forwarded_allow_ips": list(trusted_proxies) or None,
        "access_log": False,  # our middleware writes one structured line per request
        "log_level": log_level,
        "backlog": BACKLOG,
    }
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, **options)
        return
    config = uvicorn.Config(APP, **options)
    listening_socket(host, port).close()  # a port in use fails here, once, not per worker
    own: Any = _OwnSocket(host, port, BACKLOG)
    Multiprocess(config, sockets=[own]).run()
