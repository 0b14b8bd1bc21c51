"""Markup typed into any text field stays text, on every page that shows it and in every
JavaScript enhancement (the searchable service list renders its suggestions itself), in
Chromium. The seed puts the same markup into every text a person or an API client can
write: organisation, unit, service and promise texts, names, templates, problem areas and
the feedback itself."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, _require_chromium, demo_env, serving

MARK = "xss-marker"
PAYLOAD = f'<img src=x onerror="window.__xss=1"><b class="{MARK}">B</b>"\'&'
PASSWORD = "injection test pw 1"

SEED = f"""
import asyncio, sys
from servicedialog.cli import run_with_db, _settings
P = {PAYLOAD!r}

async def seed():
    from commitments.services import import_catalogue
    from complaints import services
    from complaints.models import ReplyTemplate
    from complaints.services import NewFeedback
    from complaints.states import Kind
    from problem_areas.models import ProblemArea
    from servicedialog.orgs.services import (
        create_organisation, create_unit, create_user, grant_role)
    from servicedialog.roles import Role

    org = await create_organisation("injektion", "Kommun " + P, "Town " + P)
    unit = await create_unit(org, "enhet", "Enhet " + P, "Unit " + P)
    user = await create_user("alla@example.se", {PASSWORD!r}, "Namn " + P, is_superuser=True)
    for role in Role:
        await grant_role(user, org, role, None)
    await import_catalogue(org, {{"services": [{{
        "code": "TJANST", "unit": "enhet",
        "name": {{"sv": "Tjänst " + P, "en": "Service " + P}},
        "description": {{"sv": "Om " + P, "en": "About " + P}},
        "commitments": [{{"key": "k", "promise": {{"sv": "Löfte " + P, "en": "Promise " + P}},
            "unit": "working_days", "threshold": 5, "target_share": 0.9, "period": "month",
            "needs": {{"sv": "Behov " + P, "en": "Needs " + P}}}}]}}]}})
    await ReplyTemplate.create(organisation=org, title="Mall " + P, body_sv="Svar " + P)
    await ProblemArea.create(organisation=org, name_sv="Område " + P, description_sv=P)
    from commitments.models import Service
    service = await Service.get(organisation_id=org.id, code="TJANST")
    registered = await services.register(org, NewFeedback(
        kind=Kind.COMPLAINT, text="Text " + P, service=service, place="Plats " + P,
        contact_name="Namn " + P, contact_email="a@example.se"))
    feedback = await registered.record()
    await services.add_note(feedback, user, "Anteckning " + P)
    await services.set_secrecy(feedback, user, False, "Sammanfattning " + P)
    print(registered.token, registered.id)

run_with_db(_settings(), seed)
"""


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    _require_chromium()
    env = demo_env(tmp_path_factory.mktemp("injection-var"))
    cli = [sys.executable, "-m", "servicedialog"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [sys.executable, "-c", SEED], env=env, check=True, capture_output=True, text=True
    )
    token, record_id = seeded.stdout.split()[-2:]
    with serving(env) as url:
        yield url, token, record_id


def _clean(page, where: str) -> None:  # type: ignore[no-untyped-def]
    assert page.locator(f".{MARK}").count() == 0, f"markup became HTML on {where}"
    assert page.evaluate("window.__xss") is None, f"a script ran on {where}"


PUBLIC_PAGES = [
    "/",
    "/commitments/injektion/",
    "/commitments/injektion/services/TJANST",
    "/commitments/packages/",
    "/feedback/injektion/",
]
STAFF_PAGES = [
    "/staff/",
    "/account/",
    "/feedback/manage/?unit=all",
    "/feedback/manage/{record}",
    "/feedback/manage/register",
    "/feedback/manage/templates",
    "/commitments/manage/",
    "/commitments/manage/services",
    "/admin/",
    "/admin/units",
    "/admin/users",
    "/admin/audit",
    "/problem-areas/manage/",
]


def _searchable(page) -> None:  # type: ignore[no-untyped-def]
    """Open the searchable service list and type, so that its suggestions are drawn."""
    field = page.locator("#field-service")
    field.click()
    field.fill("Tj")
    page.locator(".autocomplete__option").first.wait_for()
    assert "<b" in page.locator(".autocomplete__option").first.inner_text()  # shown as text


def test_markup_in_every_text_stays_text_in_the_browser(injected):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    base, token, record = injected
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=30_000
        )
        context = browser.new_context(base_url=base, locale="sv-SE")
        context.set_default_timeout(10_000)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in [*PUBLIC_PAGES, f"/feedback/track/{token}"]:
            page.goto(path)
            _clean(page, path)
        page.goto("/feedback/injektion/")
        _searchable(page)
        _clean(page, "the public form's service suggestions")
        page.goto("/login")
        page.get_by_label("E-postadress").fill("alla@example.se")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/staff/")
        for path in STAFF_PAGES:
            page.goto(path.format(record=record))
            _clean(page, path)
        page.goto("/feedback/manage/register")
        _searchable(page)
        _clean(page, "the contact centre's service suggestions")
        assert dialogs == []
        browser.close()
