"""Feedback and complaint handling (synpunktshantering).

Citizens and businesses give feedback (complaint, suggestion, praise or question) about a
service, optionally naming the commitment they think was broken; the organisation registers
it at once with a number, routes it to the unit that owns the service, answers it within its
own published deadlines and learns from it. The feature is mounted at ``/feedback``."""
