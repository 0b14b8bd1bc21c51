from starlette.routing import Route

from complaints import staff, views

routes = [
    # Before the organisation pages: "manage" and "track" are reserved slugs.
    Route("/manage/", staff.inbox, name="inbox"),
    Route("/manage/register", staff.register, methods=["GET", "POST"], name="register"),
    Route("/manage/export.csv", staff.export_csv, name="export_csv"),
    Route("/manage/templates", staff.templates, methods=["GET", "POST"], name="templates"),
    Route(
        "/manage/templates/{id:int}/delete",
        staff.template_delete,
        methods=["POST"],
        name="template_delete",
    ),
    Route("/manage/{id:int}", staff.detail, name="detail"),
    Route("/manage/{id:int}/{action:str}", staff.act, methods=["POST"], name="act"),
    Route("/manage/attachments/{id:int}", staff.attachment, name="attachment"),
    Route("/track/{token:str}", views.track, name="track"),
    Route("/track/{token:str}/info", views.track_info, methods=["POST"], name="track_info"),
    Route("/track/{token:str}/review", views.track_review, methods=["POST"], name="track_review"),
    Route(
        "/track/{token:str}/satisfaction",
        views.track_satisfaction,
        methods=["POST"],
        name="track_satisfaction",
    ),
    Route("/{org}/", views.new, methods=["GET", "POST"], name="new"),
    Route("/{org}/thanks", views.thanks, name="thanks"),
]
