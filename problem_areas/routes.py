from starlette.routing import Route

from problem_areas.views import areas, discovery, emerging, model, review, texts

routes = [
    Route("/manage/", areas.area_list, methods=["GET", "POST"], name="list"),
    Route("/manage/{id:id}", areas.area_edit, methods=["GET", "POST"], name="edit"),
    Route("/manage/{id:id}/active", areas.area_active, methods=["POST"], name="active"),
    Route("/manage/{id:id}/merge", areas.area_merge, methods=["POST"], name="merge"),
    Route("/manage/{id:id}/split", areas.area_split, methods=["GET", "POST"], name="split"),
    Route("/review/", review.queue_page, name="review"),
    Route("/review/", review.queue_action, methods=["POST"], name="review_action"),
    Route("/model/", model.model_page, name="model"),
    Route("/model/train", model.train_now, methods=["POST"], name="train"),
    Route("/discovery/", discovery.discovery_page, name="discovery"),
    Route("/discovery/run", discovery.discovery_run, methods=["POST"], name="discovery_run"),
    Route(
        "/discovery/{id:id}/accept",
        discovery.candidate_accept,
        methods=["GET", "POST"],
        name="candidate_accept",
    ),
    Route(
        "/discovery/{id:id}/dismiss",
        discovery.candidate_dismiss,
        methods=["POST"],
        name="candidate_dismiss",
    ),
    Route("/emerging/", emerging.emerging_page, name="emerging"),
    Route("/texts/", texts.texts_page, name="texts"),
]
