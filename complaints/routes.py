from starlette.routing import Route

from complaints import staff, views

routes = [
    # Before the organisation pages: "manage" and "track" are reserved slugs.
    Route("/manage/", staff.inbox, name="inbox"),
    Route("/manage/register", staff.register, methods=["GET", "POST"], name="register"),
    Route("/manage/export.csv", staff.export_csv, name="export_csv"),
    Route("/manage/templates", staff.templates, methods=["GET", "POST"], name="templates"),
    Route("/manage/settings", staff.feedback_settings, methods=["GET", "POST"], name="settings"),
    Route(
        "/manage/templates/{id:id}/delete",
        staff.template_delete,
        methods=["POST"],
        name="template_delete",
    ),
    Route("/manage/{id:id}", staff.detail, name="detail"),
    Route("/manage/{id:id}/{action:word}", staff.act, methods=["POST"], name="act"),
    Route("/manage/attachments/{id:id}", staff.attachment, name="attachment"),
    Route("/track/{token:token}", views.track, name="track"),
    Route("/track/{token:token}/info", views.track_info, methods=["POST"], name="track_info"),
    Route("/track/{token:token}/review", views.track_review, methods=["POST"], name="track_review"),
    Route(
        "/track/{token:token}/satisfaction",
        views.track_satisfaction,
        methods=["POST"],
        name="track_satisfaction",
    ),
    Route("/{org:slug}/", views.new, methods=["GET", "POST"], name="new"),
    Route("/{org:slug}/thanks", views.thanks, name="thanks"),
]
