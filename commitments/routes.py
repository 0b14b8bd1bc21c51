from starlette.routing import Route

from commitments import views

routes = [
    # Before the organisation pages: "manage" and "packages" are reserved slugs.
    Route("/manage/", views.manage, name="manage"),
    Route("/manage/at-risk", views.at_risk, name="at_risk"),
    Route("/manage/closed-days", views.closed_days, methods=["GET", "POST"], name="closed_days"),
    Route(
        "/manage/closed-days/{id:id}/delete",
        views.closed_day_delete,
        methods=["POST"],
        name="closed_day_delete",
    ),
    Route("/manage/services", views.services_list, methods=["GET", "POST"], name="services"),
    Route("/manage/services/{id:id}", views.service_detail, name="service"),
    Route(
        "/manage/services/{id:id}/edit",
        views.service_edit,
        methods=["GET", "POST"],
        name="service_edit",
    ),
    Route(
        "/manage/services/{id:id}/commitments",
        views.commitment_new,
        methods=["POST"],
        name="commitment_new",
    ),
    Route(
        "/manage/commitments/{id:id}",
        views.commitment_detail,
        methods=["GET", "POST"],
        name="commitment",
    ),
    Route(
        "/manage/commitments/{id:id}/status",
        views.commitment_status,
        methods=["POST"],
        name="commitment_status",
    ),
    Route("/manage/upload", views.upload, methods=["GET", "POST"], name="upload"),
    Route("/manage/upload/confirm", views.upload_confirm, methods=["POST"], name="upload_confirm"),
    Route("/packages/", views.packages, name="packages"),
    Route("/packages/{slug:slug}", views.guide, name="guide"),
    Route("/{org:slug}/", views.catalogue, name="catalogue"),
    Route("/{org:slug}/{id:id}", views.detail, name="detail"),
    Route("/{org:slug}/services/{code:code}", views.service_page, name="service_page"),
    Route("/{org:slug}/open-data.json", views.open_data_json, name="open_data_json"),
    Route("/{org:slug}/open-data.csv", views.open_data_csv, name="open_data_csv"),
]
