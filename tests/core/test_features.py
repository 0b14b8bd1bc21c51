"""The Feature contract: dependencies first, a missing one refused, names used once, and the
app built with every set of features that ``requires`` allows, each page answering."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import click
import pytest
from starlette.testclient import TestClient

from commitments import demo as commitments_demo
from servicedialog import demo as core_demo
from servicedialog.app import create_app
from servicedialog.features import Feature, FeatureError, load_feature_settings, ordered
from servicedialog.models import Organisation
from tests.conftest import FEATURES, login, run
from tests.core.test_permissions import walk

BY_NAME = {f.name: f for f in FEATURES}


def test_dependencies_come_first_and_the_order_is_stable():
    names = [f.name for f in ordered(reversed(FEATURES))]
    assert names == [f.name for f in ordered(FEATURES)]
    for position, feature in enumerate(ordered(FEATURES)):
        assert set(feature.requires) <= set(names[:position]), feature.name


def test_a_missing_dependency_is_refused_at_start(settings):
    with pytest.raises(FeatureError, match="requires 'commitments', which is not installed"):
        create_app(settings, features=[BY_NAME["complaints"], BY_NAME["problem_areas"]])


def test_features_that_require_each_other_in_a_circle_are_refused():
    one, other = Feature("one", requires=("other",)), Feature("other", requires=("one",))
    with pytest.raises(FeatureError, match="circle"):
        ordered([one, other])


@pytest.mark.parametrize(
    "second",
    [
        Feature("commitments"),  # the same name
        Feature("elsewhere", path="commitments"),  # the same mount
        Feature("again", commands=(click.Command("catalogue"),)),  # a command twice
    ],
    ids=["name", "mount", "command"],
)
def test_a_name_used_twice_is_refused(second):
    with pytest.raises(FeatureError, match="two features"):
        ordered([BY_NAME["commitments"], second])


def test_a_feature_may_not_mount_where_the_core_answers(settings):
    with pytest.raises(FeatureError, match="the core's"):
        create_app(settings, features=[Feature("sneaky", path="login")])


@dataclass
class SurveySettings:
    min_answers: int = 5
    public: bool = False
    title: str = "Enkät"


def test_a_feature_reads_its_typed_settings_from_the_environment():
    feature = Feature("surveys", settings=SurveySettings)
    loaded = load_feature_settings(feature, {"SURVEYS_MIN_ANSWERS": "12", "SURVEYS_PUBLIC": "yes"})
    assert loaded == SurveySettings(min_answers=12, public=True, title="Enkät")
    with pytest.raises(FeatureError, match="SURVEYS_PUBLIC"):
        load_feature_settings(feature, {"SURVEYS_PUBLIC": "perhaps"})
    assert load_feature_settings(Feature("plain")) is None


def test_lifespans_run_after_the_database_in_dependency_order(settings):
    from contextlib import asynccontextmanager

    from tortoise import connections

    events: list[str] = []

    def recorder(name):
        @asynccontextmanager
        async def lifespan(app):
            connections.get("default")  # the database is up already
            events.append(f"start {name}")
            yield
            events.append(f"stop {name}")

        return lifespan

    base = dataclasses.replace(BY_NAME["commitments"], lifespan=recorder("commitments"))
    top = Feature("top", requires=("commitments",), lifespan=recorder("top"))
    with TestClient(create_app(settings, features=[top, base])):
        assert events == ["start commitments", "start top"]
    assert events[2:] == ["stop top", "stop commitments"]


def closed_sets() -> list[tuple[str, ...]]:
    """Every set of the installed features that holds what each of them requires."""
    names = sorted(BY_NAME)
    sets = []
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            if all(set(BY_NAME[n].requires) <= set(chosen) for n in chosen):
                sets.append(chosen)
    return sets


def get_routes(routes, prefix=""):
    """The GET pages of a route table whose only path parameter is an organisation."""
    for path, route in walk(routes, prefix):
        if "GET" in (route.methods or ()) and set(route.param_convertors) <= {"org"}:
            yield path.replace("{org:slug}", "exempelkommun")


@pytest.mark.parametrize("names", closed_sets(), ids=lambda names: "+".join(names) or "core")
def test_each_allowed_set_of_features_starts_and_its_pages_answer(settings, names):
    features = [BY_NAME[name] for name in names]
    app = create_app(settings, features=features)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        run(client, core_demo.seed, features=False)
        org = run(client, Organisation.get, slug="exempelkommun")
        if "commitments" in names:
            run(client, commitments_demo.seed, org, cases=False)
        assert client.get("/").status_code == 200
        login(client, "admin@exempelkommun.se", core_demo.DEMO_PASSWORD)
        assert client.get("/staff/").status_code == 200
        pages = [p for f in app.state.features for p in get_routes(f.routes, f.mount)]
        assert pages, names
        for path in pages:
            status = client.get(path).status_code
            assert status in {200, 303, 403, 404}, (path, status)
        if "commitments" in names:
            page = client.get("/commitments/exempelkommun/services/BYGG").text
            # The service page's slot: a link to the feedback form exactly when it exists.
            assert ("/feedback/exempelkommun/" in page) == ("complaints" in names)
