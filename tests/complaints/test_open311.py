"""Open311 GeoReport v2 at /open311/v2/: every resource in both formats, the specification's
errors, what is public, and a real third-party client (PyPI `georeport`) against a server."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import requests
from bs4 import BeautifulSoup
from georeport import GeoReport

from commitments.services import import_catalogue
from complaints import services
from complaints.handling import handling_catalogue
from complaints.models import Feedback, FeedbackEvent
from complaints.services import Closing, NewFeedback
from complaints.states import Channel, EventKind, Kind, Outcome, Status
from servicedialog.apikeys import create_key
from servicedialog.orgs.services import create_unit
from servicedialog.roles import Role
from tests.conftest import create_member, create_org, run

V2 = "/open311/v2"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
PNR = "19900101-0017"  # a valid personnummer (test number)

CATALOGUE = {
    "services": [
        {
            "code": "GATA",
            "name": {"sv": "Gator och vägar", "en": "Streets and roads"},
            "description": {"sv": "Hål i vägen, skyltar, belysning.", "en": "Potholes, signs."},
            "unit": "GK",
            "commitments": [
                {
                    "key": "repair",
                    "promise": {
                        "sv": "Vi lagar farliga hål inom 2 arbetsdagar.",
                        "en": "We repair dangerous potholes within 2 working days.",
                    },
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.9,
                    "period": "month",
                }
            ],
        },
        {"code": "PARK", "name": {"sv": "Parker", "en": "Parks"}},
    ]
}
ANSWER_PROMISE_EN = "You get an answer to your feedback within 10 working days."


async def setup_catalogue(org):
    await create_unit(org, "GK", "Gatukontoret", "Street office")
    await import_catalogue(org, CATALOGUE)
    await import_catalogue(org, handling_catalogue())


@pytest.fixture
def city(client, org):
    """The organisation with a catalogue: GATA (with a published promise), PARK, SYNPUNKT."""
    run(client, setup_catalogue, org)
    return org


@pytest.fixture
def api_key(client, city):
    _record, key = run(client, create_key, city, "city app")
    return key


def publish_at_once(client, org):
    """The organisation publishes every feedback text at once (FixMyStreet's way)."""
    from complaints.models import FeedbackSettings
    from complaints.states import Publication

    run(
        client,
        FeedbackSettings.update_or_create,
        {"publication": Publication.AT_ONCE},
        organisation_id=org.id,
    )


def feedback(client, org, **kw):
    async def make():
        from commitments.models import Service

        code = kw.pop("service_code", "GATA")
        service = await Service.get_or_none(organisation_id=org.id, code=code) if code else None
        new = NewFeedback(
            kind=kw.pop("kind", Kind.COMPLAINT),
            text=kw.pop("text", "Ett stort hål i vägen."),
            service=service,
            **kw,
        )
        return await (await services.register(org, new)).record()

    return run(client, make)


async def stored_feedback(number):
    return await Feedback.get(number=number).select_related("service", "commitment")


def post(client, data, fmt="json", **kw):
    return client.post(f"{V2}/requests.{fmt}", data=data, **kw)


def valid_request(key, **extra):
    data = {
        "api_key": key,
        "service_code": "GATA",
        "lat": "59.3293",
        "long": "18.0686",
        "address_string": "Drottninggatan 1, Stockholm",
        "description": "Ett djupt hål vid övergångsstället.",
        "email": "Anna@Example.se",
        "first_name": "Anna",
        "last_name": "Andersson",
        "phone": "070-123 45 67",
        "media_url": "https://example.se/bild.jpg",
        "attribute[kind]": "complaint",
        "attribute[commitment]": "repair",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def xml(response):
    return ET.fromstring(response.content)


def errors(response):
    """The (code, description) pairs of an error document, in either format."""
    if response.headers["content-type"] == JSON_TYPE:
        return [(e["code"], e["description"]) for e in response.json()]
    root = xml(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root]


def assert_error(response, status, words=""):
    assert response.status_code == status, response.text
    found = errors(response)
    assert found and all(code == status for code, _ in found)
    assert words in " ".join(d for _, d in found)


# --- discovery -----------------------------------------------------------------------------


def test_discovery_names_the_endpoint_in_both_formats(client, city):
    response = client.get(f"{V2}/discovery.json")
    assert response.status_code == 200 and response.headers["content-type"] == JSON_TYPE
    data = response.json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    assert data["changeset"]
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "test"  # not a production installation
    assert endpoint["formats"] == ["text/xml", "application/json"]

    response = client.get(f"{V2}/discovery.xml")
    assert response.headers["content-type"] == XML_TYPE
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = xml(response)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


# --- services --------------------------------------------------------------------------------


def test_service_list_is_the_catalogue_in_both_formats(client, city):
    response = client.get(f"{V2}/services.json", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["content-type"] == JSON_TYPE
    services_ = {s["service_code"]: s for s in response.json()}
    assert set(services_) == {"GATA", "PARK", "SYNPUNKT"}
    assert services_["GATA"] == {
        "service_code": "GATA",
        "service_name": "Streets and roads",
        "description": "Potholes, signs.",
        "metadata": True,
        "type": "realtime",
        "keywords": "Gator och vägar",
        "group": "Street office",
    }
    assert services_["PARK"]["group"] == ""

    root = xml(client.get(f"{V2}/services.xml"))  # Swedish by default
    assert root.tag == "services" and [s.tag for s in root] == ["service"] * 3
    gata = next(s for s in root if s.findtext("service_code") == "GATA")
    assert gata.findtext("service_name") == "Gator och vägar"
    assert gata.findtext("metadata") == "true" and gata.findtext("group") == "Gatukontoret"


def test_service_definition_asks_for_the_kind_and_offers_the_promises(client, city):
    response = client.get(f"{V2}/services/GATA.json", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    definition = response.json()
    assert definition["service_code"] == "GATA"
    kind, commitment = definition["attributes"]
    assert kind == {
        "variable": True,
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "What kind of feedback is it?",
        "values": [
            {"key": "complaint", "name": "Complaint"},
            {"key": "suggestion", "name": "Suggestion"},
            {"key": "praise", "name": "Praise"},
            {"key": "question", "name": "Question"},
        ],
    }
    assert commitment["code"] == "commitment" and commitment["required"] is False
    assert commitment["values"] == [
        {"key": "repair", "name": "We repair dangerous potholes within 2 working days."}
    ]
    # A service without published promises has only the kind.
    assert [a["code"] for a in client.get(f"{V2}/services/PARK.json").json()["attributes"]] == [
        "kind"
    ]

    root = xml(client.get(f"{V2}/services/GATA.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "GATA"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "kind" and attribute.findtext("required") == "true"
    assert attribute.findtext("datatype_description") == ""
    assert [v.findtext("key") for v in attribute.find("values")] == [k.value for k in Kind]
    assert [v.findtext("name") for v in attribute.find("values")][0] == "Klagomål"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_specifications_format(client, city, fmt):
    response = client.get(f"{V2}/services/NOPE.{fmt}")
    assert response.headers["content-type"] == (JSON_TYPE if fmt == "json" else XML_TYPE)
    assert_error(response, 404, "service_code NOPE was not found")


# --- POST requests ---------------------------------------------------------------------------


def test_a_request_is_registered_at_once_as_feedback(client, city, api_key):
    response = post(client, valid_request(api_key), headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    (created,) = response.json()
    year = datetime.now(UTC).year
    assert created == {
        "service_request_id": f"SYN-{year}-000001",
        "service_notice": ANSWER_PROMISE_EN,
        "account_id": None,
    }
    stored = run(client, stored_feedback, created["service_request_id"])
    assert stored.channel is Channel.OPEN311 and stored.kind is Kind.COMPLAINT
    assert stored.service.code == "GATA" and stored.commitment.key == "repair"
    assert stored.text == "Ett djupt hål vid övergångsstället."
    assert stored.place == "Drottninggatan 1, Stockholm"
    assert (stored.latitude, stored.longitude) == (59.3293, 18.0686)
    assert stored.contact_name == "Anna Andersson" and stored.contact_email == "anna@example.se"
    assert stored.contact_phone == "070-123 45 67" and not stored.anonymous
    assert stored.language == "en" and stored.status is Status.RECEIVED
    assert stored.open311_token and stored.answer_due is not None
    event = run(client, FeedbackEvent.get, feedback_id=stored.id, kind=EventKind.REGISTERED)
    assert event.data == {"channel": "open311", "media_url": "https://example.se/bild.jpg"}


def test_staff_see_what_the_app_sent(client, city, api_key, member):
    number = post(client, valid_request(api_key, address_id="ADR-42")).json()[0][
        "service_request_id"
    ]
    record = run(client, Feedback.get, number=number)
    member(Role.HANDLER)
    page = BeautifulSoup(client.get(f"/feedback/manage/{record.id}").text, "html.parser")
    link = page.select_one('a[href="https://example.se/bild.jpg"]')
    assert link is not None and link["rel"] == ["noopener", "noreferrer"]
    assert "Länk från appen" in page.text and "Adress-id från appen: ADR-42" in page.text
    assert "Anna Andersson" in page.text  # staff see the contact details


def test_post_answers_in_xml_and_takes_the_key_as_a_bearer_header(client, city, api_key):
    data = valid_request(None, email="", first_name="", last_name="", phone="", lat="", long="")
    data["address_id"] = "ADR-42"
    response = post(client, data, "xml", headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XML_TYPE
    root = xml(response)
    assert root.tag == "service_requests"
    (item,) = root
    assert item.tag == "request" and item.findtext("service_request_id").startswith("SYN-")
    assert item.findtext("service_notice") and item.findtext("account_id") == ""
    assert item.find("token") is None  # never both an id and a token
    stored = run(client, Feedback.get, number=item.findtext("service_request_id"))
    assert stored.anonymous and stored.latitude is None


def test_post_needs_no_csrf_token_and_sets_no_cookie(client, city, api_key):
    client.cookies.clear()
    response = post(client, valid_request(api_key))
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_a_multipart_form_works_too_and_its_files_are_ignored(client, city, api_key):
    files = {"media": ("hål.jpg", b"\xff\xd8 not really a picture", "image/jpeg")}
    response = post(client, valid_request(api_key), files=files)
    assert response.status_code == 200, response.text
    assert run(client, Feedback.all().count) == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_without_a_valid_key_is_403(client, city, api_key, fmt):
    assert_error(post(client, valid_request(None), fmt), 403, "api_key was not provided")
    bad = valid_request("sd_not-a-real-key")
    assert_error(post(client, bad, fmt), 403, "Invalid api_key")
    assert_error(
        post(client, valid_request(None), fmt, headers={"Authorization": "Bearer sd_nope"}),
        403,
        "Invalid api_key",
    )
    assert run(client, Feedback.all().count) == 0


def test_post_with_another_organisations_key_is_403(client, city, api_key):
    other = run(client, create_org, "grannkommun")
    _record, their_key = run(client, create_key, other, "their app")
    data = valid_request(their_key, jurisdiction_id=city.slug)
    assert_error(post(client, data), 403, "does not belong to this jurisdiction_id")
    # The query string works for both arguments, too.
    response = client.post(
        f"{V2}/requests.json?api_key={api_key}&jurisdiction_id={city.slug}",
        data=valid_request(None),
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "change,status,words",
    [
        ({"service_code": None}, 400, "service_code was not provided"),
        ({"service_code": ""}, 400, "service_code was not provided"),
        ({"service_code": "NOPE"}, 404, "service_code NOPE was not found"),
        (
            {"lat": None, "long": None, "address_string": None},
            400,
            "a location is required: lat and long, address_string or address_id",
        ),
        ({"long": None}, 400, "lat and long must be sent together"),
        ({"lat": "north"}, 400, "lat must be a number between -90 and 90"),
        ({"long": "200"}, 400, "long must be a number between -180 and 180"),
        ({"attribute[kind]": None}, 400, "attribute[kind] is required"),
        ({"attribute[kind]": "rant"}, 400, "attribute[kind] rant is not complaint"),
        ({"attribute[commitment]": "fast"}, 400, "fast is not a promise of this service"),
        ({"email": "not-an-address"}, 400, "email is not an e-mail address"),
        ({"description": "x" * 4001}, 400, "description is longer than 4000 characters"),
        ({"phone": "1" * 41}, 400, "phone is longer than 40 characters"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https URL"),
    ],
)
def test_post_errors(client, city, api_key, change, status, words):
    data = valid_request(api_key)
    data.update(change)
    response = post(client, {k: v for k, v in data.items() if v is not None})
    assert_error(response, status, words)
    assert run(client, Feedback.all().count) == 0


def test_post_lists_every_problem_at_once(client, city, api_key):
    data = valid_request(api_key, service_code="", lat=None, long=None, address_string=None)
    data["email"] = "nope"
    response = post(client, data, "xml")
    assert response.status_code == 400
    assert len(errors(response)) == 3


def test_a_request_without_description_or_contact_is_still_registered(client, city, api_key):
    data = {"api_key": api_key, "service_code": "PARK", "address_id": "P-7"}
    data["attribute[kind][]"] = "suggestion"  # the multivaluelist form is understood too
    response = post(client, data)
    assert response.status_code == 200, response.text
    stored = run(client, Feedback.get, number=response.json()[0]["service_request_id"])
    assert stored.kind is Kind.SUGGESTION and stored.text == "" and stored.anonymous


# --- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_gives_the_service_request_id(client, city, api_key, fmt):
    number = post(client, valid_request(api_key)).json()[0]["service_request_id"]
    token = run(client, Feedback.get, number=number).open311_token
    response = client.get(f"{V2}/tokens/{token}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [{"service_request_id": number, "token": token}]
    else:
        item = xml(response).find("request")
        assert (item.findtext("service_request_id"), item.findtext("token")) == (number, token)
    assert_error(client.get(f"{V2}/tokens/unknown-token.{fmt}"), 404, "token unknown-token")


# --- GET requests ----------------------------------------------------------------------------


PUBLIC_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def test_a_new_request_is_not_published_until_it_is_released(client, city, api_key):
    text = f"Hålet är farligt. Mitt personnummer är {PNR}."
    number = post(client, valid_request(api_key, description=text)).json()[0]["service_request_id"]
    # The public list: nothing yet. By its id: the status, the service and the dates only.
    assert client.get(f"{V2}/requests.json").json() == []
    response = client.get(f"{V2}/requests/{number}.json", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["content-type"] == JSON_TYPE
    (item,) = response.json()
    assert set(item) == PUBLIC_FIELDS
    assert item["service_request_id"] == number and item["status"] == "open"
    assert item["service_code"] == "GATA" and item["service_name"] == "Streets and roads"
    assert item["agency_responsible"] == "Street office"
    # The organisation's answer promise, and the promise the request says was not kept.
    assert item["service_notice"] == (
        ANSWER_PROMISE_EN
        + " The promise not kept: We repair dangerous potholes within 2 working days."
    )
    assert item["description"] is None and item["status_notes"] is None
    assert (item["address"], item["lat"], item["long"], item["media_url"]) == (None,) * 4
    requested = datetime.fromisoformat(item["requested_datetime"])
    assert requested.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # Stockholm
    assert abs(requested - datetime.now(UTC)) < timedelta(minutes=5)
    assert item["updated_datetime"] and item["expected_datetime"].endswith(
        ("T23:59:59+01:00", "T23:59:59+02:00")
    )
    for private in ("farligt", "anna", "Andersson", "070-123", "Drottninggatan", PNR):
        assert private not in response.text


def test_a_released_request_shows_its_public_text_place_and_answer(client, city, api_key):
    number = post(client, valid_request(api_key)).json()[0]["service_request_id"]
    record = run(client, Feedback.get, number=number)
    handler = run(client, create_member, "handlaggare@example.se", city, Role.HANDLER)
    run(client, services.reply, record, handler, "Hej Anna! Vi lagar det i morgon.")
    run(client, services.publish, record, handler, f"Hål i gatan ({PNR}).", "Hålet är lagat.")
    (item,) = client.get(f"{V2}/requests.json").json()
    assert item["service_request_id"] == number
    assert item["description"] == "Hål i gatan ([personnummer])."
    assert item["status_notes"] == "Hålet är lagat."
    assert item["address"] == "Drottninggatan 1, Stockholm" and item["address_id"] is None
    assert (item["lat"], item["long"], item["zipcode"]) == (59.3293, 18.0686, None)
    assert item["media_url"] == "https://example.se/bild.jpg"
    text = client.get(f"{V2}/requests.xml").text
    for private in ("Hej Anna", "anna@", "Andersson", "070-123", PNR):
        assert private not in text, private
    run(client, services.unpublish, record, handler)
    assert client.get(f"{V2}/requests.json").json() == []


def test_replies_to_the_person_are_never_status_notes(client, city):
    publish_at_once(client, city)
    record = feedback(client, city)
    handler = run(client, create_member, "handlaggare@example.se", city, Role.HANDLER)
    run(client, services.add_note, record, handler, "Internt: ring entreprenören.")
    run(client, services.reply, record, handler, f"Hej Karin! Ert nummer {PNR}.")
    (item,) = client.get(f"{V2}/requests.json").json()
    assert item["status"] == "open" and item["status_notes"] is None
    assert item["description"] == "Ett stort hål i vägen."
    closing = Closing(answer="Hej Karin, hålet är lagat.", outcome=Outcome.UPHELD)
    run(client, services.close, record, handler, closing)
    root = xml(client.get(f"{V2}/requests/{record.number}.xml"))
    item = root.find("request")
    assert item.findtext("status") == "closed"
    assert item.findtext("status_notes") == ""
    assert item.findtext("expected_datetime") == ""
    closed = run(client, Feedback.get, id=record.id).closed_at
    assert datetime.fromisoformat(item.findtext("updated_datetime")) == closed.replace(
        microsecond=0
    )
    listing = client.get(f"{V2}/requests.xml").text
    assert "Internt" not in listing and "Karin" not in listing


@pytest.mark.parametrize("publication", ["never", "released"])
def test_the_public_list_follows_the_organisations_setting(client, city, publication):
    from complaints.models import FeedbackSettings

    run(
        client,
        FeedbackSettings.update_or_create,
        {"publication": publication},
        organisation_id=city.id,
    )
    record = feedback(client, city, text=f"Text med {PNR}")
    handler = run(client, create_member, "handlaggare@example.se", city, Role.HANDLER)
    run(client, services.publish, record, handler, "Hål i vägen", "")
    listed = client.get(f"{V2}/requests.json").json()
    one = client.get(f"{V2}/requests/{record.number}.json").json()[0]
    if publication == "never":
        assert listed == [] and one["description"] is None
    else:
        assert [r["description"] for r in listed] == ["Hål i vägen"]


def test_a_secret_record_shows_only_its_public_summary(client, city):
    publish_at_once(client, city)
    record = feedback(
        client,
        city,
        text=f"Om min son {PNR} på skolan.",
        place="Skolvägen 3",
        latitude=59.0,
        longitude=18.0,
    )
    handler = run(client, create_member, "handlaggare@example.se", city, Role.HANDLER)
    run(client, services.reply, record, handler, "Vi har pratat med rektorn om er son.")
    run(client, services.set_secrecy, record, handler, True, "Synpunkt om en skola.")
    run(client, services.publish, record, handler, "Om en son på skolan", "Rektorn talar med er")
    for fmt in ("json", "xml"):
        for url in (f"{V2}/requests/{record.number}.{fmt}", f"{V2}/requests.{fmt}"):
            response = client.get(url)
            assert response.status_code == 200
            assert "Synpunkt om en skola." in response.text
            for private in ("son", "Skolvägen", "rektorn", "Rektorn", "59.0", PNR):
                assert private not in response.text, private
    (item,) = client.get(f"{V2}/requests/{record.number}.json").json()
    assert item["address"] is None and item["lat"] is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_by_id_and_unknown_id(client, city, fmt):
    record = feedback(client, city)
    response = client.get(f"{V2}/requests/{record.number}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert [r["service_request_id"] for r in response.json()] == [record.number]
    else:
        assert [r.findtext("service_request_id") for r in xml(response)] == [record.number]
    assert_error(client.get(f"{V2}/requests/SYN-1999-000001.{fmt}"), 404, "SYN-1999-000001")


def numbers(response):
    assert response.status_code == 200, response.text
    return sorted(r["service_request_id"] for r in response.json())


def test_request_filters(client, city):
    publish_at_once(client, city)
    now = datetime.now(UTC)
    old = feedback(client, city, received_at=now - timedelta(days=120))
    street = feedback(client, city, received_at=now - timedelta(days=10))
    park = feedback(client, city, service_code="PARK", received_at=now - timedelta(days=2))
    handler = run(client, create_member, "handlaggare@example.se", city, Role.HANDLER)
    run(client, services.close, park, handler, Closing("Tack!", Outcome.RESOLVED))
    url = f"{V2}/requests.json"

    # The default range is the most recent 90 days.
    assert numbers(client.get(url)) == sorted([street.number, park.number])
    # service_request_id (comma-delimited) overrides every other argument.
    ids = f"{old.number}, {park.number},SYN-1999-000009"
    assert numbers(client.get(url, params={"service_request_id": ids, "status": "open"})) == (
        sorted([old.number, park.number])
    )
    assert numbers(client.get(url, params={"service_code": "PARK"})) == [park.number]
    assert numbers(client.get(url, params={"service_code": "GATA,PARK"})) == sorted(
        [street.number, park.number]
    )
    assert numbers(client.get(url, params={"service_code": "NOPE"})) == []
    assert numbers(client.get(url, params={"status": "open"})) == [street.number]
    assert numbers(client.get(url, params={"status": "closed"})) == [park.number]
    assert numbers(client.get(url, params={"status": "open,closed"})) == sorted(
        [street.number, park.number]
    )
    w3 = "%Y-%m-%dT%H:%M:%SZ"
    window = {
        "start_date": (now - timedelta(days=130)).strftime(w3),
        "end_date": (now - timedelta(days=100)).strftime(w3),
    }
    assert numbers(client.get(url, params=window)) == [old.number]
    # Only a start: 90 days from it. Only an end: the 90 days before it. A bare date is W3C.
    start = {"start_date": (now - timedelta(days=121)).strftime(w3)}
    assert numbers(client.get(url, params=start)) == [old.number]
    end = {"end_date": (now - timedelta(days=5)).strftime("%Y-%m-%d")}
    assert numbers(client.get(url, params=end)) == [street.number]
    offset = {"start_date": (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S+02:00")}
    assert numbers(client.get(url, params=offset)) == [park.number]
    # Empty arguments count as absent.
    empty = {"service_request_id": "", "service_code": "", "status": "", "start_date": ""}
    assert numbers(client.get(url, params=empty)) == sorted([street.number, park.number])


@pytest.mark.parametrize(
    "params,words",
    [
        ({"status": "pending"}, "status must be open or closed, not pending"),
        ({"start_date": "yesterday"}, "start_date is not a W3C date-time"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "end_date is not a W3C date-time"),
        ({"start_date": "2026-01-01T00:00:00"}, "start_date needs a time zone"),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "may not span more than 90 days",
        ),
        (
            {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "end_date is before start_date",
        ),
        ({"start_date": "0001-01-01T00:00:00Z"}, "between 1970 and 2100"),
        ({"start_date": "0001-01-01"}, "between 1970 and 2100"),
        ({"end_date": "9999-12-31T23:59:59+14:00"}, "between 1970 and 2100"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_filter_errors_are_400(client, city, params, words, fmt):
    assert_error(client.get(f"{V2}/requests.{fmt}", params=params), 400, words)


def test_at_most_the_limit_of_requests_newest_first(client, city, monkeypatch):
    from complaints.open311 import services as open311_services

    publish_at_once(client, city)
    now = datetime.now(UTC)
    made = [feedback(client, city, received_at=now - timedelta(days=d)) for d in (3, 1, 2)]
    monkeypatch.setattr(open311_services, "MAX_RESULTS", 2)
    found = client.get(f"{V2}/requests.json").json()
    assert [r["service_request_id"] for r in found] == [made[1].number, made[2].number]


def test_an_empty_list_is_an_empty_document(client, city):
    assert client.get(f"{V2}/requests.json").json() == []
    root = xml(client.get(f"{V2}/requests.xml"))
    assert root.tag == "service_requests" and len(root) == 0


# --- jurisdictions ---------------------------------------------------------------------------

READ_RESOURCES = [
    "services.{fmt}",
    "services/GATA.{fmt}",
    "requests.{fmt}",
    "requests/SYN-2026-000001.{fmt}",
    "tokens/abc.{fmt}",
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("resource", READ_RESOURCES)
def test_jurisdiction_rules(client, city, resource, fmt):
    url = f"{V2}/{resource.format(fmt=fmt)}"
    # One organisation: jurisdiction_id may be left out, or empty; an unknown one is 404.
    assert client.get(url).status_code in (200, 404)
    assert client.get(url, params={"jurisdiction_id": ""}).status_code in (200, 404)
    assert_error(client.get(url, params={"jurisdiction_id": "atlantis"}), 404, "atlantis")
    # Several organisations: it is required (an empty value counts as absent).
    run(client, create_org, "grannkommun")
    assert_error(client.get(url), 400, "jurisdiction_id was not provided")
    assert_error(client.get(url, params={"jurisdiction_id": ""}), 400, "jurisdiction_id")
    # The catalogue and the records are the jurisdiction's own.
    if resource.startswith("services"):
        assert client.get(url, params={"jurisdiction_id": city.slug}).status_code == 200
        other = client.get(url, params={"jurisdiction_id": "grannkommun"})
        assert other.status_code == 404 or "GATA" not in other.text


def test_requests_are_kept_apart_per_jurisdiction(client, city, api_key):
    other = run(client, create_org, "grannkommun")
    publish_at_once(client, city)
    publish_at_once(client, other)
    mine = feedback(client, city)
    theirs = feedback(client, other, service_code=None)
    assert mine.number == theirs.number  # each organisation has its own series
    for slug, expected in ((city.slug, "GATA"), (other.slug, None)):
        (item,) = client.get(f"{V2}/requests.json", params={"jurisdiction_id": slug}).json()
        assert item["service_code"] == expected
        one = client.get(f"{V2}/requests/{mine.number}.json", params={"jurisdiction_id": slug})
        assert one.json()[0]["service_code"] == expected
    # POST: required, and the key's own.
    assert_error(post(client, valid_request(api_key)), 400, "jurisdiction_id was not provided")
    assert_error(post(client, valid_request(api_key, jurisdiction_id="")), 400, "jurisdiction_id")
    assert_error(post(client, valid_request(api_key, jurisdiction_id="atlantis")), 404, "atlantis")
    assert post(client, valid_request(api_key, jurisdiction_id=city.slug)).status_code == 200


def test_no_organisation_yet_is_404(client):
    assert_error(client.get(f"{V2}/services.json"), 404, "no jurisdiction")


# --- formats, unknown resources and methods ---------------------------------------------------


def test_unknown_format_resource_and_method(client, city):
    assert_error(client.get(f"{V2}/services.html"), 404, "the format must be xml or json")
    assert client.get(f"{V2}/services.html").headers["content-type"] == XML_TYPE
    assert_error(client.get(f"{V2}/nothing.json"), 404, "no such Open311 resource")
    assert_error(client.get(f"{V2}/nothing"), 404, "no such Open311 resource")
    refused = client.delete(f"{V2}/requests.json")
    assert_error(refused, 405, "use GET or POST")
    assert refused.headers["allow"] == "GET, HEAD, POST"
    assert_error(client.post(f"{V2}/services.xml"), 405, "use GET")


def test_answers_may_be_read_by_any_web_app(client, city):
    assert client.get(f"{V2}/services.json").headers["access-control-allow-origin"] == "*"


# --- a real third-party client against a real server ------------------------------------------


def test_the_georeport_client_files_and_follows_feedback(client, city, api_key, live_server):
    # `servicedialog serve` on the test's database (the in-process client writes to it).
    root = f"{live_server(workers=1)}/open311/v2"
    run(client, create_org, "grannkommun")  # so jurisdiction_id is needed
    publish_at_once(client, city)
    # Filing: the client is read-only, so the POST is the specification's form, sent with
    # requests like any app would.
    filed = requests.post(
        f"{root}/requests.json", data=valid_request(api_key, jurisdiction_id=city.slug)
    )
    assert filed.status_code == 200, filed.text
    number = filed.json()[0]["service_request_id"]

    for output_format in ("json", "xml"):
        georeport = GeoReport(root, jurisdiction=city.slug, output_format=output_format)
        services_ = georeport.get_service_list()
        assert sorted(s["service_code"] for s in services_) == ["GATA", "PARK", "SYNPUNKT"]
        definition = georeport.get_service_definition("GATA")
        assert definition["service_code"] == "GATA"
        found = georeport.get_service_requests(service_code="GATA", status="open")
        # XML: one request comes back as a dict, several as a list (xmltodict).
        first = found[0] if isinstance(found, list) else found
        assert first["service_request_id"] == number
        assert first["status"] == "open"
        one = georeport.get_service_request(number)
        assert one["service_request_id"] == number and one["service_code"] == "GATA"
        assert "anna" not in str(one).lower()

    wrong = GeoReport(root, jurisdiction="atlantis")
    with pytest.raises(requests.HTTPError) as raised:
        wrong.get_service_list()
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()[0]["code"] == 404
    nobody = GeoReport(root)  # several jurisdictions: 400
    with pytest.raises(requests.HTTPError) as raised:
        nobody.get_service_requests()
    assert raised.value.response.status_code == 400
