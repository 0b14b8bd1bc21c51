"""Organisations, units, users and their roles: the administration every feature relies on."""
