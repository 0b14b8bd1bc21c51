"""The GeoReport v2 resources, mounted at /open311/v2/ (see ``feature.py``)."""

from __future__ import annotations

from starlette.routing import Mount, Route

from complaints.open311 import views

resource_routes = [
    Route("/discovery.{format}", views.discovery, name="discovery"),
    Route("/services.{format}", views.service_list, name="services"),
    Route("/services/{code}.{format}", views.service_definition, name="service"),
    Route("/requests.{format}", views.request_list, name="requests"),
    Route("/requests.{format}", views.create_request, methods=["POST"], name="create_request"),
    Route("/requests/{id}.{format}", views.one_request, name="request"),
    Route("/tokens/{token}.{format}", views.token, name="token"),
]

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

routes = [
    Mount(
        "/v2",
        name="v2",
        routes=[
            *resource_routes,
            Route(
                "/{path:path}",
                views.not_found_for(resource_routes),
                methods=ALL_METHODS,
                name="not_found",
            ),
        ],
    )
]
