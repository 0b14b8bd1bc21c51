"""The loop of insight as quality managers use it: texts are classified when they
arrive, people confirm and correct them, the model retrains and follows the taxonomy
(merged areas predict their successor, retired ones are never predicted), discovery
finds new areas, and rising problems are flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup

from commitments.services import import_catalogue
from complaints.models import Feedback
from problem_areas import classify, emerging, training
from problem_areas.classify import Item, arrivals, classify_many
from problem_areas.models import (
    Candidate,
    ClassifierModel,
    Label,
    LabelChange,
    LabelState,
    ModelStatus,
    ProblemArea,
)
from problem_areas.services import merge, seed_demo, set_active
from servicedialog.models import AuditEvent, OutboxMessage
from servicedialog.orgs.services import DomainError
from servicedialog.roles import Role
from tests.commitments.test_recompute import CATALOGUE
from tests.conftest import create_member, create_org, login, post_form, run
from tests.problem_areas.conftest import demo_rows, labelled

POTHOLE = "Det är ett stort hål i asfalten på Storgatan, cykeln gick sönder. Laga vägen!"


def test_feedback_is_classified_right_after_it_arrives(monkeypatch, settings):
    """In the worker that received it (PROBLEM_AREAS_CLASSIFY_ON_ARRIVAL=true)."""
    from starlette.testclient import TestClient

    from servicedialog.app import create_app
    from tests.conftest import FEATURES

    monkeypatch.setenv("PROBLEM_AREAS_CLASSIFY_ON_ARRIVAL", "true")
    with TestClient(create_app(settings, features=FEATURES), follow_redirects=False) as client:
        _classified_on_arrival(client, run(client, create_org))


def test_new_feedback_is_classified_by_the_job_by_default(client, org, settings):
    from complaints.services import NewFeedback
    from complaints.states import Kind
    from servicedialog.features import discover
    from servicedialog.jobs import all_jobs, run_job
    from tests.conftest import register_feedback

    run(client, seed_demo, org)
    feedback = run(client, register_feedback, org, NewFeedback(kind=Kind.COMPLAINT, text=POTHOLE))
    assert run(client, Label.all().count) == 0  # nothing in the worker
    job = next(j for j in all_jobs(discover()) if j.name == "problem_areas.classify")
    assert job.every == timedelta(minutes=1)
    outcome = run(client, run_job, job, settings)
    assert outcome.ran and outcome.result.startswith("1 ")
    label = run(client, Label.get, source="feedback", source_id=feedback.id)
    assert run(client, ProblemArea.get, id=label.area_id).code == "gata_park"


def _classified_on_arrival(client, org):
    run(client, seed_demo, org)
    run(client, import_catalogue, org, CATALOGUE)
    sent = post_form(
        client,
        f"/feedback/{org.slug}/",
        {
            "kind": "complaint",
            "text": POTHOLE + " Ring mig på 070-123 45 67.",
            "contact_email": "a@example.se",
            "consent": "yes",
        },
    )
    assert sent.status_code == 303, sent.text
    run(client, arrivals.flush)
    feedback = run(client, Feedback.get, organisation_id=org.id)
    label = run(client, Label.get, source="feedback", source_id=feedback.id)
    area = run(client, ProblemArea.get, id=label.area_id)
    assert area.code == "gata_park"
    assert label.model_version == classify.STARTER_VERSION and label.state is LabelState.PREDICTED
    assert 0 < label.confidence <= 1
    assert "070-123 45 67" not in label.text  # redacted before it is stored or shown


def test_a_quality_manager_confirms_corrects_and_relabels_in_bulk(client, org, member):
    labels = run(client, labelled, org, demo_rows(2), by_person=False)
    qm = member(Role.QUALITY_MANAGER)
    page = client.get("/problem-areas/review/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    shown = [int(li["id"].split("-")[1]) for li in soup.select(".review-item")]
    assert shown and set(shown) <= {label.id for label in labels}
    confidences = {label.id: label.confidence for label in labels}
    assert confidences[shown[0]] == min(confidences.values())  # least certain first

    first, second, third, fourth = labels[:4]
    done = post_form(client, "/problem-areas/review/", {"action": f"confirm:{first.id}"})
    assert done.status_code == 303
    stored = run(client, Label.get, id=first.id)
    assert stored.state is LabelState.CONFIRMED and stored.set_by_id == qm.id
    assert stored.area_id == first.area_id

    other = run(client, ProblemArea.filter(organisation_id=org.id).exclude(id=second.area_id).first)
    post_form(
        client,
        "/problem-areas/review/",
        {"action": f"correct:{second.id}", f"area-{second.id}": str(other.id)},
    )
    corrected = run(client, Label.get, id=second.id)
    assert (corrected.state, corrected.area_id) == (LabelState.CORRECTED, other.id)
    assert corrected.predicted_area_id == second.area_id  # what the model said is kept
    history = run(client, LabelChange.filter(label_id=second.id).values_list, "kind", flat=True)
    assert "corrected" in history

    bulk = post_form(
        client,
        "/problem-areas/review/",
        {"action": "bulk", "selected": [str(third.id), str(fourth.id)], "bulk_area": str(other.id)},
    )
    assert bulk.status_code == 303
    assert {run(client, Label.get, id=i).area_id for i in (third.id, fourth.id)} == {other.id}
    # Reviewed texts leave the queue.
    again = BeautifulSoup(client.get("/problem-areas/review/").text, "html.parser")
    left = {int(li["id"].split("-")[1]) for li in again.select(".review-item")}
    assert not left & {first.id, second.id, third.id, fourth.id}


def test_another_organisations_labels_cannot_be_touched(client, org, member):
    other = run(client, create_org, "annan")
    theirs = run(client, labelled, other, demo_rows(1), by_person=False)[0]
    run(client, seed_demo, org)
    mine = run(client, ProblemArea.filter(organisation_id=org.id).first)
    member(Role.QUALITY_MANAGER)
    post_form(client, "/problem-areas/review/", {"action": f"confirm:{theirs.id}"})
    post_form(
        client,
        "/problem-areas/review/",
        {"action": f"correct:{theirs.id}", f"area-{theirs.id}": str(mine.id)},
    )
    unchanged = run(client, Label.get, id=theirs.id)
    assert unchanged.state is LabelState.PREDICTED and unchanged.area_id == theirs.area_id


def test_only_quality_managers_and_admins_reach_the_insight_pages(client, org):
    run(client, seed_demo, org)
    pages = ["/problem-areas/review/", "/problem-areas/model/", "/problem-areas/emerging/"]
    for role, allowed in (
        (Role.HANDLER, False),
        (Role.LEADERSHIP, False),
        (Role.CONTACT_CENTRE, False),
        (Role.QUALITY_MANAGER, True),
        (Role.ADMIN, True),
    ):
        email = f"{role.value}@example.se"
        run(client, create_member, email, org, role)
        client.cookies.clear()
        login(client, email)
        for url in [*pages, "/problem-areas/discovery/"]:
            status = client.get(url).status_code
            assert (status == 200) is allowed, (role, url, status)


def test_a_merged_area_takes_the_labels_and_is_predicted_as_its_successor(client, org):
    run(client, labelled, org, demo_rows(3))
    areas = {a.code: a for a in run(client, ProblemArea.filter, organisation_id=org.id)}
    source, target = areas["gata_park"], areas["avfall"]
    moved = run(client, merge, source, target, actor=None)
    assert moved == 3
    assert run(client, Label.filter(area_id=source.id).count) == 0
    retired = run(client, ProblemArea.get, id=source.id)
    assert (retired.active, retired.successor_id) == (False, target.id)
    # The starter model still says "gata_park" for a pothole: it lands in the successor.
    label = run(
        client,
        classify_many,
        org.id,
        [Item("test", 999, POTHOLE, datetime.now(UTC))],
    )[0]
    assert label.area_id == target.id
    assert run(client, AuditEvent.filter(action="problem_area.merged").count) == 1
    try:
        run(client, set_active, retired, True, actor=None)
    except DomainError:
        pass
    else:
        raise AssertionError("a merged area was taken into use again")


def test_a_retired_area_is_never_predicted(client, org):
    run(client, seed_demo, org)
    streets = run(client, ProblemArea.get, organisation_id=org.id, code="gata_park")
    run(client, set_active, streets, False, actor=None)
    label = run(client, classify_many, org.id, [Item("test", 1, POTHOLE, datetime.now(UTC))])[0]
    assert label.area_id is not None and label.area_id != streets.id


def test_retraining_makes_a_model_active_only_when_it_is_not_worse(client, org, member):
    run(client, labelled, org, demo_rows(60))
    first = run(client, training.retrain, org)
    assert first.status is ModelStatus.ACTIVE and first.number == 1, first.reason
    assert first.training_size == 60 * 12 and first.metrics["macro_f1"] > 0
    assert set(first.top_terms) <= {a.code for a in run(client, ProblemArea.all)}
    # New texts are classified by the organisation's own model now.
    label = run(client, classify_many, org.id, [Item("test", 5000, POTHOLE, datetime.now(UTC))])[0]
    assert label.model_version == "v1"
    # A model that claims more than the next can reach keeps the next as a candidate.
    run(
        client,
        ClassifierModel.filter(id=first.id).update,
        metrics={**first.metrics, "macro_f1": 1.01},
    )
    second = run(client, training.retrain, org)
    assert second.status is ModelStatus.CANDIDATE and "1.010" in second.reason
    assert run(client, ClassifierModel.get, id=first.id).status is ModelStatus.ACTIVE

    member(Role.QUALITY_MANAGER)
    page = client.get("/problem-areas/model/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    captions = [c.text for c in soup.select("caption")]
    assert any("per område" in c or "per area" in c for c in captions), captions
    assert soup.select_one("#confusion-chart-data") is not None  # the plotly heatmap
    candidate_page = client.get(f"/problem-areas/model/?version={second.number}")
    assert "1.010" in candidate_page.text


def test_too_few_labels_are_refused_with_a_reason(client, org, member):
    run(client, labelled, org, demo_rows(1))
    try:
        run(client, training.retrain, org)
    except DomainError as error:
        assert "20" in str(error.message)
    else:
        raise AssertionError("trained on 12 labels")
    member(Role.QUALITY_MANAGER)
    response = post_form(client, "/problem-areas/model/train")
    assert response.status_code == 303
    assert run(client, ClassifierModel.all().count) == 0


def test_discovery_turns_a_candidate_into_an_area_with_its_texts(client, org, member):
    run(client, seed_demo, org)
    texts = [
        "Drönare flyger över bostadsområdet varje natt och surrar",
        "En drönare med kamera filmar in genom våra fönster",
        "Grannen flyger drönare över förskolan, är det tillåtet?",
        "drönarna surrar över parken hela kvällarna",
        "Vem ger tillstånd att flyga drönare över villaområdet?",
        "Drönare över badplatsen filmar barn, obehagligt",
        "drönaren landade i vår trädgård, ingen vet vems den är",
        "Flera drönare flyger lågt över radhusen på nätterna",
        "Kan kommunen förbjuda drönare över skolgården?",
        "En drönare filmade oss på balkongen i går kväll",
        "drönarflygning över äldreboendet stör de boende",
        "Vi vill ha regler för drönare i bostadsområden",
        "Drones flying over our street every night with cameras",
        "Someone is flying a drone over the playground and filming",
        "Drönare surrar över kolonilotterna hela helgen",
        "Drönaren flög rakt över torget under marknaden",
    ]
    now = datetime.now(UTC)
    run(
        client,
        classify_many,
        org.id,
        [Item("test", i + 1, text, now) for i, text in enumerate(texts)],
    )
    run(client, Label.filter(organisation_id=org.id).update, confidence=0.2)
    member(Role.QUALITY_MANAGER)
    assert post_form(client, "/problem-areas/discovery/run").status_code == 303
    candidates = run(client, Candidate.filter, organisation_id=org.id)
    assert candidates, "no candidate among 24 texts on one new topic"
    best = max(candidates, key=lambda c: c.size)
    page = client.get(f"/problem-areas/discovery/{best.id}/accept")
    assert page.status_code == 200
    missing = post_form(client, f"/problem-areas/discovery/{best.id}/accept", {"name_en": "Drones"})
    assert missing.status_code == 400 and 'value="Drones"' in missing.text
    accepted = post_form(
        client,
        f"/problem-areas/discovery/{best.id}/accept",
        {"name_sv": "Drönare", "name_en": "Drones"},
    )
    assert accepted.status_code == 303
    area = run(client, ProblemArea.get, organisation_id=org.id, name_sv="Drönare")
    assert area.code == "dronare"
    in_area = run(client, Label.filter(area_id=area.id).count)
    assert in_area == best.size
    assert run(client, Candidate.get, id=best.id).status == "accepted"


def test_a_rising_area_is_flagged_with_its_texts_and_mailed_to_quality_managers(
    client, org, member, settings
):
    run(client, seed_demo, org)
    now = datetime.now(UTC)
    items = []
    for week in range(1, 12):  # two texts a week about waste for eleven weeks
        for n in range(2):
            items.append(
                Item(
                    "test",
                    len(items) + 1,
                    f"Soptunnan töms inte {n}",
                    now - timedelta(days=7 * week + 1),
                )
            )
    for n in range(15):  # and fifteen in the last few days
        items.append(
            Item(
                "test",
                len(items) + 1,
                f"Soporna hämtas inte, tunnan svämmar över {n}",
                now - timedelta(hours=5 + n),
            )
        )
    labels = run(client, classify_many, org.id, items)
    waste = run(client, ProblemArea.get, organisation_id=org.id, code="avfall")
    run(client, Label.filter(id__in=[label.id for label in labels]).update, area_id=waste.id)
    flags = run(client, emerging.area_flags, org)
    flagged = {f.area.code: f for f in flags if f.flag.level != "none"}
    assert "avfall" in flagged and flagged["avfall"].flag.observed == 15
    assert all(f.flag.level == "none" for f in flags if f.area.code != "avfall")
    member(Role.QUALITY_MANAGER, email="kvalitet@example.se")
    page = client.get("/problem-areas/emerging/")
    assert page.status_code == 200 and "tunnan svämmar över" in page.text
    result = run(client, emerging.weekly_digest, settings)
    assert result.startswith("1 ")
    mail = run(client, OutboxMessage.get, to_address="kvalitet@example.se")
    assert "/problem-areas/emerging/" in mail.body_text


def test_an_anonymised_case_takes_its_text_out_of_the_insight(client, org):
    run(client, labelled, org, demo_rows(1), by_person=False)
    label = run(client, Label.filter(organisation_id=org.id).first)
    run(client, classify.forget_text, org.id, label.source, label.source_id)
    assert run(client, Label.get, id=label.id).text == ""
    texts, _codes, _weights = run(client, training.training_rows, org.id)
    assert "" not in texts


def test_texts_missed_on_arrival_are_classified_by_the_job_and_secret_ones_stay_hidden(
    client, org, member
):
    from complaints.services import NewFeedback, set_secrecy
    from complaints.states import Kind
    from problem_areas.sources import classify_pending
    from tests.conftest import register_feedback

    run(client, arrivals.stop)  # as if the worker stopped before its batch: nothing queued
    run(client, seed_demo, org)
    handler = run(client, create_member, "h@example.se", org, Role.HANDLER)
    first = run(client, register_feedback, org, NewFeedback(kind=Kind.COMPLAINT, text=POTHOLE))
    second = run(
        client,
        register_feedback,
        org,
        NewFeedback(kind=Kind.COMPLAINT, text="Sopkärlet har inte tömts på tre veckor."),
    )
    run(client, set_secrecy, second, handler, True, "Ett ärende om avfall")
    assert run(client, Label.all().count) == 0
    assert run(client, classify_pending) == 2
    assert run(client, classify_pending) == 0  # each text once
    labels = {label.source_id: label for label in run(client, Label.all)}
    assert labels[first.id].hidden is False and labels[second.id].hidden is True
    member(Role.QUALITY_MANAGER)
    page = client.get("/problem-areas/review/").text
    assert "Storgatan" in page and "Sopkärlet" not in page
    run(client, set_secrecy, second, handler, False, "")
    assert run(client, Label.get, id=labels[second.id].id).hidden is False


def test_the_starter_model_is_trained_when_a_worker_starts(monkeypatch, settings):
    from starlette.testclient import TestClient

    from servicedialog.app import create_app
    from tests.conftest import FEATURES

    monkeypatch.setenv("PROBLEM_AREAS_WARM_STARTER", "true")
    monkeypatch.setattr(classify, "_starter", None)
    with TestClient(create_app(settings, features=FEATURES)):
        # trained before the app answers
        assert classify._starter is not None and "gata_park" in classify._starter.labels


def test_arrivals_wait_for_a_quiet_moment_but_not_for_ever():
    import asyncio

    queue = classify.Arrivals(quiet=0.5, max_wait=30.0)

    async def scenario() -> list[bool]:
        queue.queue = asyncio.Queue()
        item = Item("test", 1, POTHOLE, datetime.now(UTC))
        assert not queue.due(0.0)  # nothing queued
        queue.add(1, item)
        start = queue.last_arrival
        answers = [queue.due(start + 0.1), queue.due(start + 0.6)]  # busy, then quiet
        for n in range(200):  # a text every 0.2 s for 40 s: never quiet
            queue.last_arrival = start + 0.2 * n
        answers += [queue.due(start + 29.9), queue.due(start + 30.1)]
        return answers

    assert asyncio.run(scenario()) == [False, True, False, True]
