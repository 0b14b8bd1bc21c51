"""Servicedialog: the core package shared by every feature.

The core knows organisations, units, users, roles, sessions, translations and the
layout. Features (``dialogue``, ``surveys``, ``complaints``, ``commitments``,
``dashboards``) register themselves through :mod:`servicedialog.features`.
"""

__version__ = "0.1.0"

# Bounded path-parameter convertors ({id:id}, {org:slug}, …), registered before any routes
# module is imported: see servicedialog/routing.py.
from servicedialog import routing as _routing  # noqa: E402,F401
