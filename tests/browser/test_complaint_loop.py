"""A complaint that names a broken promise, followed from the form (on a phone, with a screen
reader's labels) to the tracking page, the handler's inbox, the case page and the export;
and the pages of that loop in both languages at both widths, checked by axe, as
screenshots."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, sign_in

PROMISE = "Du får beslut om bygglov inom 10 veckor"


def _context(browser, server, width=1280, locale="sv-SE", **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server, locale=locale, viewport={"width": width, "height": 900}, **options
    )
    context.set_default_timeout(10_000)
    return context


def test_a_complaint_about_a_promise_from_the_form_to_the_export(browser, server, check_a11y):
    phone = _context(browser, server, width=360)
    page = phone.new_page()
    page.goto("/feedback/exempelkommun/")
    # The promise question is for complaints only, and lists the chosen service's promises.
    assert page.locator("#promise-question").is_hidden()
    page.get_by_label("Klagomål").check()
    assert page.locator("#promise-question").is_visible()
    page.get_by_role("combobox", name="Vilken tjänst gäller det?").fill("Bygglov")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    promises = page.locator("#field-commitment option").all_text_contents()
    assert len(promises) == 2 and promises[1].startswith(PROMISE)
    page.locator("#field-commitment").select_option(index=1)
    page.get_by_label("När började det? (frivilligt)").fill("2026-09-01")
    page.get_by_label("Din synpunkt").fill("Mitt bygglov har dröjt i tre månader.")
    check_a11y(page, "loop-form-phone")
    page.get_by_role("button", name="Skicka synpunkt").click()
    page.wait_for_url(re.compile(r".*/feedback/track/.*"))
    promise = page.locator(".promise-named")
    assert PROMISE in promise.inner_text() and "10 nov. 2026" in promise.inner_text()
    number = re.search(r"SYN-\d{4}-\d{6}", page.locator("h1").inner_text()).group()
    check_a11y(page, "loop-tracking-phone")
    phone.close()

    desk = _context(browser, server)
    staff = desk.new_page()
    sign_in(staff, "handlaggare@exempelkommun.se")
    staff.goto("/feedback/manage/?status=all")
    staff.get_by_text("Fler filter").click()
    value = staff.locator("#f-commitment option", has_text=PROMISE).get_attribute("value")
    staff.locator("#f-commitment").select_option(value)
    staff.locator("#f-sort").select_option("newest")
    staff.get_by_role("button", name="Filtrera").click()
    rows = staff.locator("table.case-table tbody tr")
    assert number in rows.all_inner_texts()[0]
    check_a11y(staff, "loop-inbox-filtered")
    staff.get_by_role("link", name=number).click()
    assert PROMISE in staff.locator(".promise-named").inner_text()
    assert "10 nov. 2026" in staff.locator(".promise-named").inner_text()
    check_a11y(staff, "loop-case")
    with staff.expect_download() as download:
        staff.goto("/feedback/manage/?status=all")
        staff.get_by_role("link", name="Exportera som CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["number"] == number)
    assert row["commitment"].startswith(PROMISE) and row["commitment_deadline"] == "2026-11-10"
    desk.close()


LOOP_PAGES = [
    ("-", "/feedback/exempelkommun/", "form"),
    ("handlaggare@exempelkommun.se", "/staff/", "start-handler"),
    ("handlaggare@exempelkommun.se", "/feedback/manage/", "inbox"),
    ("kvalitet@exempelkommun.se", "/staff/", "start-quality"),
    ("ledning@exempelkommun.se", "/staff/", "start-leadership"),
    ("kontaktcenter@exempelkommun.se", "/feedback/manage/register", "register"),
    ("admin@exempelkommun.se", "/admin/audit", "audit"),
    ("-", "/commitments/exempelkommun/1", "commitment"),
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("width", [1280, 360])
def test_the_loops_pages_in_both_languages_at_both_widths(
    browser, server, check_a11y, language, width
):
    context = _context(browser, server, width=width, locale="sv-SE" if language == "sv" else "en")
    page = context.new_page()
    page.goto(f"/language/{language}?next=/")
    signed_in = None
    for who, path, name in LOOP_PAGES:
        if who != signed_in:
            if signed_in is not None:
                page.context.clear_cookies()
                page.goto(f"/language/{language}?next=/")
            if who != "-":
                page.goto("/login")
                page.fill("#field-email", who)
                page.fill("#field-password", "demo-servicedialog")
                page.locator("main form button[type=submit]").click()
                page.wait_for_url("**/staff/")
            signed_in = who
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        assert page.locator("html").get_attribute("lang") == language
        check_a11y(page, f"loop-{name}-{language}-{width}")
    context.close()
    assert ARTIFACTS.exists()
