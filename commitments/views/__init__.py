"""The commitments' pages, one module per concept (routes.py lists them)."""
