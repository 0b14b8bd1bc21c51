from starlette.routing import Route

from commitments.views import case_data, catalogue, closed_days, guide, public, reports

routes = [
    # Before the organisation pages: "manage" and "packages" are reserved slugs.
    Route("/manage/", reports.manage, name="manage"),
    Route("/manage/at-risk", reports.at_risk, name="at_risk"),
    Route(
        "/manage/closed-days", closed_days.closed_days, methods=["GET", "POST"], name="closed_days"
    ),
    Route(
        "/manage/closed-days/{id:id}/delete",
        closed_days.closed_day_delete,
        methods=["POST"],
        name="closed_day_delete",
    ),
    Route("/manage/services", catalogue.services_list, methods=["GET", "POST"], name="services"),
    Route("/manage/services/{id:id}", catalogue.service_detail, name="service"),
    Route(
        "/manage/services/{id:id}/edit",
        catalogue.service_edit,
        methods=["GET", "POST"],
        name="service_edit",
    ),
    Route(
        "/manage/services/{id:id}/commitments",
        catalogue.commitment_new,
        methods=["POST"],
        name="commitment_new",
    ),
    Route(
        "/manage/commitments/{id:id}",
        catalogue.commitment_detail,
        methods=["GET", "POST"],
        name="commitment",
    ),
    Route(
        "/manage/commitments/{id:id}/status",
        catalogue.commitment_status,
        methods=["POST"],
        name="commitment_status",
    ),
    Route("/manage/upload", case_data.upload, methods=["GET", "POST"], name="upload"),
    Route(
        "/manage/upload/confirm", case_data.upload_confirm, methods=["POST"], name="upload_confirm"
    ),
    Route("/packages/", guide.packages, name="packages"),
    Route("/packages/{slug:slug}", guide.guide, name="guide"),
    Route("/{org:slug}/", public.catalogue, name="catalogue"),
    Route("/{org:slug}/{id:id}", public.detail, name="detail"),
    Route("/{org:slug}/services/{code:code}", public.service_page, name="service_page"),
    Route("/{org:slug}/open-data.json", public.open_data_json, name="open_data_json"),
    Route("/{org:slug}/open-data.csv", public.open_data_csv, name="open_data_csv"),
]
