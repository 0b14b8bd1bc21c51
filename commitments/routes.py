from starlette.routing import Route

from commitments import views

routes = [
    Route("/{org}/", views.catalogue, name="catalogue"),
    Route("/{org}/{id:int}", views.detail, name="detail"),
    Route("/{org}/open-data.json", views.open_data_json, name="open_data_json"),
    Route("/{org}/open-data.csv", views.open_data_csv, name="open_data_csv"),
]
