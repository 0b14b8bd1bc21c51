"""The history chart is server-drawn SVG: on the page at once, with or without JavaScript,
under the strict CSP, out of the way of keyboard and screen-reader users (the table carries
the same figures); and the public pages keep to a phone's budget."""

from __future__ import annotations

CSP_LISTENER = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile), true);"
)


def test_history_chart_is_drawn_without_any_csp_violation(page, check_a11y):
    page.add_init_script(CSP_LISTENER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/commitments/exempelkommun/1")
    chart = page.locator("#history-chart svg")
    assert chart.is_visible()
    # A line with a marker per measured period and a target line.
    assert chart.locator("path").count() == 2
    assert chart.locator("circle").count() >= 12
    assert page.evaluate("window.__csp") == []
    assert errors == []
    tips = chart.locator("circle title").all_text_contents()
    assert any(t.startswith("jan. ") for t in tips), tips  # Swedish, from Babel
    assert all("\u00a0%" in t for t in tips)  # 92,5 %: the sign does not wrap alone
    assert chart.get_attribute("aria-hidden") == "true"
    assert chart.locator("a, button, [tabindex]").count() == 0
    check_a11y(page, "commitment-detail-chart")


def test_without_javascript_the_chart_and_the_table_are_shown(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto("/commitments/exempelkommun/1")
    assert page.locator("#history-chart svg").is_visible()
    assert page.get_by_role("table").first.is_visible()
    context.close()
