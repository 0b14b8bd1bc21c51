from starlette.routing import Route

from problem_areas import views

routes = [
    Route("/manage/", views.area_list, methods=["GET", "POST"], name="list"),
    Route("/manage/{id:id}", views.area_edit, methods=["GET", "POST"], name="edit"),
    Route("/manage/{id:id}/active", views.area_active, methods=["POST"], name="active"),
]
