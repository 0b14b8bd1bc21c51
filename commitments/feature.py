"""Registers the commitments feature with the core (entry point servicedialog.features)."""

from __future__ import annotations

from commitments.cli import catalogue, fulfilment, import_cases_command
from servicedialog.features import Feature

feature = Feature(
    name="commitments",
    models="commitments.models",
    migrations="commitments.migrations",
    commands=(catalogue, fulfilment, import_cases_command),
)
