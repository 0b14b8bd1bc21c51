from starlette.routing import Route

from dashboards import views

routes = [
    # Before the organisation pages: "manage" and "quality" are reserved slugs.
    Route("/manage/", views.overview, name="overview"),
    Route("/manage/report", views.report, name="report"),
    Route("/manage/report.{format:str}", views.report, name="report_file"),
    Route("/manage/panel/{name:str}.{format:str}", views.download, name="download"),
    Route("/quality/", views.quality, name="quality"),
    Route("/{org:str}/", views.public_page, name="public"),
    Route("/{org:str}/statistics.json", views.statistics_json, name="statistics_json"),
    Route("/{org:str}/statistics.csv", views.statistics_csv, name="statistics_csv"),
]
