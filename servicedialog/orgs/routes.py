from starlette.routing import Route

from servicedialog.orgs import views

routes = [
    Route("/", views.overview, name="overview"),
    Route("/organisation", views.organisation_edit, methods=["GET", "POST"], name="organisation"),
    Route("/organisations", views.organisations, methods=["GET", "POST"], name="organisations"),
    Route("/units", views.units, methods=["GET", "POST"], name="units"),
    Route("/units/{id:id}", views.unit_edit, methods=["GET", "POST"], name="unit_edit"),
    Route("/users", views.users, name="users"),
    Route("/users/new", views.user_new, methods=["GET", "POST"], name="user_new"),
    Route("/users/{id:id}", views.user_edit, methods=["GET", "POST"], name="user_edit"),
    Route("/users/{id:id}/remove", views.user_remove, methods=["POST"], name="user_remove"),
    Route("/audit", views.audit_log, name="audit"),
    Route("/api-keys", views.api_keys, methods=["GET", "POST"], name="api_keys"),
    Route(
        "/api-keys/{id:id}/revoke", views.api_key_revoke, methods=["POST"], name="api_key_revoke"
    ),
    Route("/outbox", views.outbox, name="outbox"),
    Route("/outbox/{id:id}", views.outbox_message, name="outbox_message"),
    Route(
        "/outbox/{id:id}/send-again",
        views.outbox_send_again,
        methods=["POST"],
        name="outbox_send_again",
    ),
]
