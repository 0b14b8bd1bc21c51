"""Feedback as people meet it: a citizen on a phone gives feedback (first with a mistake),
follows it on the tracking page; a handler finds it in the inbox and answers; all without
JavaScript where a citizen is concerned, and with no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS, sign_in


def test_citizen_on_a_phone_gives_feedback_and_a_handler_answers(browser, server, check_a11y):
    # (axe needs JavaScript; the form itself uses none: see the no-JS visit at the end.)
    phone = browser.new_context(
        base_url=server, locale="sv-SE", viewport={"width": 360, "height": 800}
    )
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    page.goto("/feedback/exempelkommun/")
    check_a11y(page, "feedback-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Din synpunkt").fill("Bygglovet tar för lång tid. Mitt nummer 19900101-0017.")
    page.get_by_label("E-post (frivilligt)").fill("inte en adress")
    page.get_by_role("button", name="Skicka synpunkt").click()
    # The error summary lists both mistakes and everything typed is still there.
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a").count() == 3  # kind, e-mail, consent
    assert page.get_by_label("Din synpunkt").input_value().startswith("Bygglovet tar")
    check_a11y(page, "feedback-form-errors")
    page.get_by_label("Klagomål").check()
    page.get_by_label("E-post (frivilligt)").fill("anna@example.se")
    page.get_by_label("Ni får använda mina kontaktuppgifter").check()
    page.get_by_role("button", name="Skicka synpunkt").click()
    page.wait_for_url(re.compile(r".*/feedback/track/.*"))
    heading = page.locator("h1").inner_text()
    number = re.search(r"SYN-\d{4}-\d{6}", heading).group()
    check_a11y(page, "feedback-tracking")
    tracking_url = page.url
    phone.close()

    desk = browser.new_context(base_url=server, locale="sv-SE")
    desk.set_default_timeout(10_000)
    staff = desk.new_page()
    sign_in(staff, "handlaggare@exempelkommun.se")
    staff.goto("/feedback/manage/?sort=newest&unit=all")
    check_a11y(staff, "feedback-inbox")
    staff.get_by_role("link", name=number).click()
    # A handler may see the identity number; the page still passes axe.
    assert "19900101-0017" in staff.locator(".feedback-text").inner_text()
    check_a11y(staff, "feedback-case")
    staff.get_by_label("Text", exact=True).fill("Tack! Vi tittar på ditt ärende i dag.")
    staff.get_by_role("button", name="Skicka svar till personen").click()
    assert staff.get_by_text("Svaret är skickat.").is_visible()
    staff.screenshot(path=str(ARTIFACTS / "feedback-case-replied.png"), full_page=True)
    desk.close()

    again = browser.new_context(base_url=server, locale="sv-SE", java_script_enabled=False)
    again.set_default_timeout(10_000)
    person = again.new_page()
    person.goto(tracking_url)
    assert "Tack! Vi tittar på ditt ärende i dag." in person.locator(".timeline").inner_text()
    again.close()


def test_quality_manager_keeps_the_problem_areas(page, check_a11y):
    sign_in(page, "kvalitet@exempelkommun.se")
    page.goto("/problem-areas/manage/")
    check_a11y(page, "problem-areas")
    page.get_by_label(re.compile(r"^Namn \(")).fill("Parkering")
    page.get_by_role("button", name="Lägg till problemområde").click()
    assert page.get_by_role("link", name="Parkering").is_visible()
    page.get_by_role("button", name="Avsluta Parkering").click()
    row = page.locator("tr", has=page.get_by_role("link", name="Parkering"))
    assert "Avslutat" in row.inner_text()
