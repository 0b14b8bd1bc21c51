"""The dashboards feature: leadership's overview, the quality manager's view, the public
statistics page and its open data, drawn from the panels every feature contributes."""

from __future__ import annotations

from servicedialog.features import Feature

feature = Feature(
    name="dashboards",
    reserved_segments=("manage", "quality"),
)
