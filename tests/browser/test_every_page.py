"""Every page of every installed feature, found from the features' own route tables rather
than a list kept by hand: each GET page opens for a demo person who may see it and axe
finds no WCAG 2.1 A/AA violation. A new feature's pages are checked by being declared."""

from __future__ import annotations

import re

import pytest

from servicedialog.app import with_core
from tests.browser.conftest import sign_in
from tests.conftest import FEATURES
from tests.core.test_permissions import walk

# A value of each path parameter that names something in the demo data.
SAMPLES = {"org": "exempelkommun", "id": "1", "code": "BYGG", "slug": "oppna-restaurang"}
# Who of the demo people opens a page that needs one of these roles (the first that fits).
PEOPLE = [
    ("admin", "admin@exempelkommun.se"),
    ("quality_manager", "kvalitet@exempelkommun.se"),
    ("handler", "handlaggare@exempelkommun.se"),
    ("contact_centre", "kontaktcenter@exempelkommun.se"),
    ("leadership", "ledning@exempelkommun.se"),
]
# Not pages: files, machine formats and the standard API of its own.
NOT_PAGES = re.compile(r"\.(csv|json|xml)$|/attachments/|/open311/|/track/")


def _pages(routes, prefix=""):
    for path, route in walk(routes, prefix):
        if "GET" in (route.methods or ()):
            yield path, route.endpoint


def every_page() -> list[tuple[str, str | None]]:
    found = []
    for feature in with_core(FEATURES):
        for path, endpoint in _pages(feature.routes, feature.mount):
            params = re.findall(r"\{(\w+):\w+\}", path)
            if NOT_PAGES.search(path) or not set(params) <= set(SAMPLES):
                continue
            url = re.sub(r"\{(\w+):\w+\}", lambda m: SAMPLES[m.group(1)], path)
            roles = {r.value for p in getattr(endpoint, "permissions", ()) for r in p.any_roles}
            who = next((email for role, email in PEOPLE if role in roles), None)
            if getattr(endpoint, "public", False):
                who = None
            elif who is None:
                continue  # the installation's superuser pages: test_layout_and_roles.py
            found.append((url, who))
    return found


PAGES = every_page()


def test_the_features_have_pages_to_check():
    assert len(PAGES) >= 25
    assert {"/feedback/manage/", "/problem-areas/manage/", "/commitments/manage/"} <= {
        url for url, _who in PAGES
    }


@pytest.mark.parametrize("who", sorted({w for _u, w in PAGES}, key=str), ids=str)
def test_every_page_opens_and_is_accessible(page, check_a11y, who):
    if who:
        sign_in(page, who)
    for url, person in PAGES:
        if person != who:
            continue
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, who)
        name = re.sub(r"[^a-z0-9]+", "-", url.strip("/")) or "home"
        check_a11y(page, f"every-{(who or 'public').split('@')[0]}-{name}")
