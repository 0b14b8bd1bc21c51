from starlette.routing import Route

from dashboards import views

routes = [
    # Before the organisation pages: "manage" and "quality" are reserved slugs.
    Route("/manage/", views.overview, name="overview"),
    Route("/manage/report", views.report, name="report"),
    Route("/manage/report.{format:word}", views.report, name="report_file"),
    Route(
        "/manage/panel/{feature:word}/{metric:word}.{format:word}", views.download, name="download"
    ),
    Route("/quality/", views.quality, name="quality"),
    Route("/{org:slug}/", views.public_page, name="public"),
    Route("/{org:slug}/statistics.json", views.statistics_json, name="statistics_json"),
    Route("/{org:slug}/statistics.csv", views.statistics_csv, name="statistics_csv"),
]
