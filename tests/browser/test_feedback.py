"""Feedback as people meet it: a citizen on a phone gives feedback (first with a mistake),
follows it on the tracking page; a handler finds it in the inbox and answers; all without
JavaScript where a citizen is concerned, and with no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS, sign_in


def _context(browser, server, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, locale="sv-SE", **options)
    context.set_default_timeout(10_000)
    return context


def test_citizen_on_a_phone_gives_feedback_and_a_handler_answers(browser, server, check_a11y):
    # (axe needs JavaScript; the form itself uses none: see the no-JS visit at the end.)
    phone = _context(browser, server, viewport={"width": 360, "height": 800})
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
    # The service routes it to the building unit, whose handler answers it.
    page.get_by_role("combobox", name="Vilken tjänst gäller det?").fill("Bygglov")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_label("E-post (frivilligt)").fill("anna@example.se")
    page.get_by_label("Ni får använda mina kontaktuppgifter").check()
    page.get_by_role("button", name="Skicka synpunkt").click()
    page.wait_for_url(re.compile(r".*/feedback/track/.*"))
    heading = page.locator("h1").inner_text()
    number = re.search(r"SYN-\d{4}-\d{6}", heading).group()
    check_a11y(page, "feedback-tracking")
    tracking_url = page.url
    phone.close()

    desk = _context(browser, server)
    staff = desk.new_page()
    sign_in(staff, "handlaggare@exempelkommun.se")
    staff.goto("/feedback/manage/?sort=newest&unit=all")
    check_a11y(staff, "feedback-inbox")
    staff.get_by_role("link", name=number).click()
    # The identity number is masked until the handler asks to see it (that is logged).
    assert "19900101-0017" not in staff.locator(".feedback-text").inner_text()
    staff.get_by_role("link", name="Visa dem").click()
    assert "19900101-0017" in staff.locator(".feedback-text").inner_text()
    check_a11y(staff, "feedback-case")
    staff.get_by_label("Text", exact=True).fill("Tack! Vi tittar på ditt ärende i dag.")
    staff.get_by_role("button", name="Skicka svar till personen").click()
    assert staff.get_by_text("Svaret är skickat.").is_visible()
    staff.screenshot(path=str(ARTIFACTS / "feedback-case-replied.png"), full_page=True)
    desk.close()

    again = _context(browser, server, java_script_enabled=False)
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


CSP_WATCH = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile), true);"
)


def test_the_service_can_be_found_by_typing_with_the_keyboard(browser, server, check_a11y):
    context = _context(browser, server)
    page = context.new_page()
    page.add_init_script(CSP_WATCH)
    page.goto("/feedback/exempelkommun/")
    # The label now names the text box you type in; the list behind it is hidden.
    service = page.get_by_role("combobox", name="Vilken tjänst gäller det?")
    assert page.locator("#field-service-select").is_hidden()
    service.focus()
    page.keyboard.type("bygg")
    options = page.get_by_role("option")
    assert options.first.inner_text() == "Bygglov"
    check_a11y(page, "feedback-service-search")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert service.input_value() == "Bygglov"
    chosen = page.locator("#field-service-select").evaluate(
        "s => s.options[s.selectedIndex].textContent"
    )
    assert chosen == "Bygglov"
    # The hint is still read with the field.
    assert "hint-service" in (service.get_attribute("aria-describedby") or "")
    # Emptying the box means "I don't know" again.
    service.fill("")
    page.keyboard.press("Tab")
    assert page.locator("#field-service-select").input_value() == ""
    service.focus()
    page.keyboard.type("bygg")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_label("Beröm").check()
    page.get_by_label("Din synpunkt").fill("Snabbt och vänligt bemötande i bygglovsärendet.")
    page.get_by_role("button", name="Skicka synpunkt").click()
    page.wait_for_url(re.compile(r".*/feedback/track/.*"))
    assert "Bygglov" in page.locator("main").inner_text()
    assert page.evaluate("window.__csp") == []
    context.close()


def test_contact_centre_registers_and_quality_manager_keeps_templates(browser, server, check_a11y):
    context = _context(browser, server)
    page = context.new_page()
    sign_in(page, "kontaktcenter@exempelkommun.se")
    page.goto("/feedback/manage/register")
    check_a11y(page, "feedback-register")
    page.get_by_role("button", name="Registrera", exact=True).click()
    assert page.locator(".error-summary").is_visible()
    check_a11y(page, "feedback-register-errors")
    page.get_by_label("Fråga", exact=True).check()
    page.get_by_label("Synpunkten").fill("Ringde om öppettiderna för bygglovsenheten.")
    page.get_by_role("button", name="Registrera", exact=True).click()
    assert re.search(r"Registrerad som SYN-\d{4}-\d{6}", page.locator("main").inner_text())
    context.close()

    context = _context(browser, server)
    page = context.new_page()
    sign_in(page, "kvalitet@exempelkommun.se")
    page.goto("/feedback/manage/templates")
    check_a11y(page, "feedback-templates")
    page.get_by_role("button", name="Spara mallen").click()
    assert page.locator(".error-summary").is_visible()
    check_a11y(page, "feedback-templates-errors")
    context.close()
