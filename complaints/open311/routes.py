"""The GeoReport v2 resources, mounted at /open311/v2/ (see ``feature.py``)."""

from __future__ import annotations

from starlette.routing import Mount, Route

from complaints.open311 import views

resource_routes = [
    Route("/discovery.{format:word}", views.discovery, name="discovery"),
    Route("/services.{format:word}", views.service_list, name="services"),
    Route("/services/{code:code}.{format:word}", views.service_definition, name="service"),
    Route("/requests.{format:word}", views.request_list, name="requests"),
    Route("/requests.{format:word}", views.create_request, methods=["POST"], name="create_request"),
    Route("/requests/{id:code}.{format:word}", views.one_request, name="request"),
    Route("/tokens/{token:token}.{format:word}", views.token, name="token"),
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
