"""Servicedialog: the core package shared by every feature.

The core knows organisations, units, users, roles, sessions, translations and the
layout. Features (``dialogue``, ``surveys``, ``complaints``, ``commitments``,
``dashboards``) register themselves through :mod:`servicedialog.features`.
"""

__version__ = "0.1.0"
