"""Who may see and do what with feedback, as a table: every feedback route × every role ×
a record of the handler's own unit, of another unit, of no unit and of another
organisation. The rule is in complaints/permissions.py and docs/guide-staff.md; this table
is written from the guide, not from the code."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from servicedialog.roles import Role
from tests.conftest import post_form
from tests.security.conftest import EMAIL, PNR, SECRET_WORDS

H, QM, CC, LEAD, ADMIN = "handler", "quality_manager", "contact_centre", "leadership", "admin"
ALLOW = "allow"  # 2xx, a redirect after success, or 400 for a form that needs more


def expect(handler, qm, cc, lead, admin):
    return {H: handler, QM: qm, CC: cc, LEAD: lead, ADMIN: admin}


READ_OWN = expect(ALLOW, ALLOW, ALLOW, ALLOW, 403)
READ_ELSEWHERE = expect(404, ALLOW, ALLOW, ALLOW, 403)  # another unit, or none
ANOTHER_ORG = expect(404, 404, 404, 404, 403)
HANDLE_OWN = expect(ALLOW, 403, 403, 403, 403)  # answering and closing: handlers
HANDLE_ELSEWHERE = expect(404, 403, 403, 403, 403)
ROUTE_OWN = expect(ALLOW, ALLOW, 403, 403, 403)  # assign, move, secrecy, publish
ROUTE_ELSEWHERE = expect(404, ALLOW, 403, 403, 403)
ROUTE_OTHER_ORG = expect(404, 404, 403, 403, 403)
HANDLE_OTHER_ORG = expect(404, 404, 403, 403, 403)

HANDLING = ["acknowledge", "note", "reply", "pause", "resume", "extend", "close"]
ROUTING = ["assign", "route", "secrecy", "publish", "unpublish"]
FORM = {"body": "Text", "reason": "Skäl", "answer": "Svar", "outcome": "upheld"}

# (method, path template, expectations); {own}, {other_unit}, {unrouted}, {other_org},
# {file_own}, {file_other_unit}, {file_other_org} are filled from the world.
TABLE = [
    ("GET", "/feedback/manage/", expect(ALLOW, ALLOW, ALLOW, ALLOW, 403)),
    ("GET", "/feedback/manage/?unit=all&status=all", expect(ALLOW, ALLOW, ALLOW, ALLOW, 403)),
    ("GET", "/feedback/manage/{own}", READ_OWN),
    ("GET", "/feedback/manage/{other_unit}", READ_ELSEWHERE),
    ("GET", "/feedback/manage/{unrouted}", READ_ELSEWHERE),
    ("GET", "/feedback/manage/{other_org}", ANOTHER_ORG),
    ("GET", "/feedback/manage/attachments/{file_own}", expect(ALLOW, 404, 404, 404, 403)),
    ("GET", "/feedback/manage/attachments/{file_other_unit}", expect(404, 404, 404, 404, 403)),
    ("GET", "/feedback/manage/attachments/{file_other_org}", expect(404, 404, 404, 404, 403)),
    ("GET", "/feedback/manage/export.csv", expect(ALLOW, ALLOW, 403, ALLOW, 403)),
    ("GET", "/feedback/manage/register", expect(ALLOW, 403, ALLOW, 403, 403)),
    ("POST", "/feedback/manage/register", expect(ALLOW, 403, ALLOW, 403, 403)),
    ("GET", "/feedback/manage/templates", expect(403, ALLOW, 403, 403, ALLOW)),
    ("POST", "/feedback/manage/templates", expect(403, ALLOW, 403, 403, ALLOW)),
    (
        "POST",
        "/feedback/manage/templates/{template_other_org}/delete",
        expect(403, 404, 403, 403, 404),
    ),
    ("GET", "/feedback/manage/settings", expect(403, 403, 403, 403, ALLOW)),
    ("POST", "/feedback/manage/settings", expect(403, 403, 403, 403, ALLOW)),
    *[("POST", f"/feedback/manage/{{own}}/{a}", HANDLE_OWN) for a in HANDLING],
    *[("POST", f"/feedback/manage/{{other_unit}}/{a}", HANDLE_ELSEWHERE) for a in HANDLING],
    *[("POST", f"/feedback/manage/{{unrouted}}/{a}", HANDLE_ELSEWHERE) for a in HANDLING],
    *[("POST", f"/feedback/manage/{{other_org}}/{a}", HANDLE_OTHER_ORG) for a in HANDLING],
    *[("POST", f"/feedback/manage/{{own}}/{a}", ROUTE_OWN) for a in ROUTING],
    *[("POST", f"/feedback/manage/{{other_unit}}/{a}", ROUTE_ELSEWHERE) for a in ROUTING],
    *[("POST", f"/feedback/manage/{{other_org}}/{a}", ROUTE_OTHER_ORG) for a in ROUTING],
]


def _fill(path, world):
    values = {
        "own": world.own.id,
        "other_unit": world.other_unit.id,
        "unrouted": world.unrouted.id,
        "other_org": world.other_org_record.id,
        "file_own": world.files["own"].id,
        "file_other_unit": world.files["other_unit"].id,
        "file_other_org": world.files["other_org"].id,
        "template_other_org": world.foreign["template"],
    }
    return path.format(**values)


def _matches(status, expected):
    if expected == ALLOW:
        return status in (200, 303, 400)
    return status == expected


@pytest.mark.parametrize("role", [H, QM, CC, LEAD, ADMIN])
def test_every_feedback_route_answers_each_role_as_the_rule_says(client, world, as_role, role):
    as_role(role)
    wrong = []
    form = {**FORM, "unit": str(world.bygg.id)}  # moving a record keeps it where it is
    for method, template, expected in TABLE:
        path = _fill(template, world)
        response = client.get(path) if method == "GET" else post_form(client, path, form)
        if not _matches(response.status_code, expected[role]):
            wrong.append((method, path, response.status_code, expected[role]))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_table_covers_every_feedback_route():
    from tests.core.test_permissions import ROUTES

    feedback_staff = {p for p, _r in ROUTES if p.startswith("/feedback/manage")}
    covered = set()
    for _method, template, _expected in TABLE:
        for path, route in ROUTES:
            if path in feedback_staff and route.path_regex.match(
                _fill(template, _FAKE).split("?")[0].removeprefix("/feedback")
            ):
                covered.add(path)
    assert feedback_staff - covered == set()


class _Fake:
    """Ids for matching paths against routes, without a database."""

    class _Id:
        id = 1

    own = other_unit = unrouted = other_org_record = _Id()
    files = {"own": _Id(), "other_unit": _Id(), "other_org": _Id()}
    foreign = {"template": 1}


_FAKE = _Fake()


# --- what each role sees of a record -----------------------------------------------------


def _page(client, record_id, query=""):
    response = client.get(f"/feedback/manage/{record_id}{query}")
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("role", [QM, CC, LEAD])
def test_overseers_see_masked_text_and_no_contact_files_or_secret_text(
    client, world, as_role, role
):
    as_role(role)
    page = _page(client, world.own.id, "?identity=show")
    assert "Bygglovet dröjer" in page and PNR not in page
    assert EMAIL not in page and "Karin K" not in page and "bild.png" not in page
    secret = _page(client, world.own_secret.id)
    assert "Synpunkt om en granne" in secret and SECRET_WORDS not in secret


def test_a_handler_sees_everything_of_their_units_records(client, world, as_role):
    as_role(H)
    page = _page(client, world.own.id)
    assert EMAIL in page and "bild.png" in page and PNR not in page  # masked until asked
    assert PNR in _page(client, world.own.id, "?identity=show")
    assert SECRET_WORDS in _page(client, world.own_secret.id)


def test_a_handler_assigned_a_record_of_another_unit_may_handle_it(client, world, as_role):
    from complaints import services
    from tests.conftest import run

    run(client, services.assign, world.other_unit, world.users[H], world.users[QM])
    as_role(H)
    assert "Maten var kall" in _page(client, world.other_unit.id)
    reply = post_form(client, f"/feedback/manage/{world.other_unit.id}/reply", {"body": "Hej"})
    assert reply.status_code == 303
    # Moved to another handler, it is out of sight again.
    run(client, services.assign, world.other_unit, None, world.users[QM])
    assert client.get(f"/feedback/manage/{world.other_unit.id}").status_code == 404


def _numbers(client, query):
    page = BeautifulSoup(
        client.get(f"/feedback/manage/?status=all&unit=all&{query}").text, "html.parser"
    )
    return [a.text for a in page.select("tbody th a")]


@pytest.mark.parametrize("role", [QM, CC, LEAD, H])
def test_search_finds_only_by_what_the_searcher_may_see(client, world, as_role, role):
    as_role(role)
    # A masked identity number is no way to look a person up, whoever searches for it,
    # except the handler of the record.
    found = _numbers(client, "q=19900101")
    assert found == ([world.own.number] if role == H else [])
    # A secret record is found by its public summary, by its text only by its handler.
    by_secret = _numbers(client, "q=grannens")
    assert by_secret == ([world.own_secret.number] if role == H else [])
    by_summary = _numbers(client, "q=granne")
    expected = {world.own_secret.number} | (
        {world.other_unit_secret.number} if role != H else set()
    )
    assert set(by_summary) == expected


@pytest.mark.parametrize("role", [QM, LEAD, H])
def test_exports_carry_no_identity_number_secret_text_or_contact(client, world, as_role, role):
    as_role(role)
    response = client.get("/feedback/manage/export.csv?status=all&unit=all")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    assert PNR not in text and SECRET_WORDS not in text and EMAIL not in text
    numbers = {row["number"] for row in csv.DictReader(io.StringIO(text))}
    if role == H:
        assert numbers == {world.own.number, world.own_secret.number}
    else:
        assert world.other_unit.number in numbers and "Grannkommunens" not in text


def test_a_record_moved_to_another_unit_leaves_the_handlers_sight(client, world, as_role):
    as_role(QM)
    moved = post_form(
        client, f"/feedback/manage/{world.own.id}/route", {"unit": str(world.miljo.id)}
    )
    assert moved.status_code == 303
    foreign = post_form(
        client, f"/feedback/manage/{world.own.id}/route", {"unit": str(world.foreign["unit"])}
    )
    assert foreign.status_code == 400  # a unit of another organisation is not a choice
    as_role(H)
    assert client.get(f"/feedback/manage/{world.own.id}").status_code == 404


def test_quality_managers_may_not_answer_or_close(client, world, as_role):
    as_role(QM)
    page = _page(client, world.own.id)
    soup = BeautifulSoup(page, "html.parser")
    actions = {form["action"].rsplit("/", 1)[-1] for form in soup.select("form[method=post]")}
    assert {"assign", "route", "secrecy", "publish"} <= actions
    assert not actions & {"reply", "close", "note", "pause", "extend"}


def test_a_handler_of_no_unit_handles_the_whole_organisation(client, world):
    from tests.conftest import create_member, login, run

    run(client, create_member, "all@example.se", world.org, Role.HANDLER)
    login(client, "all@example.se")
    assert client.get(f"/feedback/manage/{world.other_unit.id}").status_code == 200
    assert client.get(f"/feedback/manage/{world.other_org_record.id}").status_code == 404
