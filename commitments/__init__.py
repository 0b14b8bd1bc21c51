"""Service commitments, serviceåtaganden, and their measured fulfilment (not built yet).

Will register itself as a :class:`servicedialog.features.Feature` through the
``servicedialog.features`` entry point group once it has routes and models.
"""
