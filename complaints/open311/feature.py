"""Registers Open311 GeoReport v2 with the core (entry point servicedialog.features): its
routes at /open311/v2/, no models of its own (it files feedback through complaints)."""

from __future__ import annotations

from complaints.open311.routes import routes
from servicedialog.features import Feature

feature = Feature(name="open311", path="open311", routes=routes, csrf_exempt=True)
