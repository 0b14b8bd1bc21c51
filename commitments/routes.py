from starlette.routing import Route

from commitments import views

routes = [
    # Staff pages first: "manage" is a reserved organisation slug.
    Route("/manage/", views.manage, name="manage"),
    Route("/manage/at-risk", views.at_risk, name="at_risk"),
    Route("/manage/closed-days", views.closed_days, methods=["GET", "POST"], name="closed_days"),
    Route(
        "/manage/closed-days/{id:int}/delete",
        views.closed_day_delete,
        methods=["POST"],
        name="closed_day_delete",
    ),
    Route("/manage/upload", views.upload, methods=["GET", "POST"], name="upload"),
    Route("/manage/upload/confirm", views.upload_confirm, methods=["POST"], name="upload_confirm"),
    Route("/{org}/", views.catalogue, name="catalogue"),
    Route("/{org}/{id:int}", views.detail, name="detail"),
    Route("/{org}/open-data.json", views.open_data_json, name="open_data_json"),
    Route("/{org}/open-data.csv", views.open_data_csv, name="open_data_csv"),
]
