"""Dashboards for leadership, quality managers and the public.

``dashboards/`` owns the layout, the filters, drill-down, downloads, the report and the
public page; the figures come from the panels the features contribute
(:class:`servicedialog.features.Panel`), so this package imports no feature's models.
"""
