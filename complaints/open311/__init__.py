"""Open311 GeoReport v2 at /open311/v2/: apps and FixMyStreet-style clients file feedback
and follow it (https://wiki.open311.org/GeoReport_v2). A feature of its own, mounted next
to the feedback pages; it has no models and registers through :mod:`complaints.services`."""
