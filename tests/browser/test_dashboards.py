"""The dashboards as the demo's leader, quality manager and a member of the public use them:
by keyboard, on a 360 px phone, in Swedish and English, each page checked by axe; a chart's
row leads to the records behind it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def _person(browser, server, email=None, width=1280, locale="sv-SE"):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server, locale=locale, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    if email:
        sign_in(page, email)
    return context, page


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px"


def test_a_leader_finds_the_overview_filters_by_keyboard_and_drills_down(
    browser, server, check_a11y
):
    context, page = _person(browser, server, "ledning@exempelkommun.se")
    page.get_by_role("link", name="Lägesbild").first.click()
    page.wait_for_url("**/dashboards/manage/")
    expect(page.get_by_role("heading", name="Serviceåtaganden", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Synpunkter och klagomål", level=2)).to_be_visible()
    assert page.locator(".dash-panel svg").count() >= 5  # pictures first
    check_a11y(page, "dashboards-overview")
    # Keyboard only: one step down the period list (to 24 months), then Tab to "Visa".
    page.locator("#f-period").focus()
    page.keyboard.press("ArrowDown")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Visa":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "period=24m" in page.url
    # A month that cannot be used is named, and the form keeps what was sent.
    page.goto("/dashboards/manage/?period=custom&from=2026-13&to=2026-02")
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.locator("#f-from").get_attribute("value") == "2026-13"
    check_a11y(page, "dashboards-overview-error")
    page.goto("/dashboards/manage/?period=24m")
    # A table's first column leads to the records behind the row.
    panel = page.locator("#panel-complaints-received")
    panel.locator("summary").click()
    link = panel.locator("a[data-drilldown]").last
    with page.expect_navigation():
        link.click()
    assert "/feedback/manage/" in page.url
    assert page.locator("table tbody tr").count() >= 1
    context.close()


def test_a_leader_on_a_phone_in_english(browser, server, check_a11y):
    context, page = _person(browser, server, "ledning@exempelkommun.se", width=360)
    page.goto("/language/en")
    page.goto("/dashboards/manage/")
    expect(page.get_by_role("heading", name="Service commitments", level=2)).to_be_visible()
    _no_sideways_scroll(page)
    check_a11y(page, "dashboards-overview-phone-en")
    page.goto("/dashboards/manage/report")
    expect(page.get_by_role("heading", name=re.compile("Management-review report"))).to_be_visible()
    _no_sideways_scroll(page)
    check_a11y(page, "dashboards-report-phone-en")
    context.close()


def test_a_quality_manager_sees_what_needs_action(browser, server, check_a11y):
    context, page = _person(browser, server, "kvalitet@exempelkommun.se")
    page.goto("/dashboards/quality/")
    expect(page.get_by_role("heading", name=re.compile("Att åtgärda"), level=1)).to_be_visible()
    assert page.locator(".dash-panel").count() >= 4
    check_a11y(page, "dashboards-quality")
    link = page.locator(".dash-panel a[data-drilldown]").first
    with page.expect_navigation():
        link.click()
    assert re.search(r"/(feedback|commitments|problem-areas)/", page.url)
    context.close()


def test_the_public_statistics_on_a_phone(browser, server, check_a11y):
    context, page = _person(browser, server, width=360)
    page.goto("/dashboards/exempelkommun/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exempelkommun")
    assert page.locator(".dash-panel").count() >= 2
    assert page.locator("a[data-drilldown]").count() == 0
    _no_sideways_scroll(page)
    check_a11y(page, "dashboards-public-phone")
    response = page.request.get("/dashboards/exempelkommun/statistics.json")
    assert response.ok and response.json()["months"]
    context.close()
