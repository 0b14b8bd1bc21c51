"""The history chart is drawn by our own plotly.js under the strict CSP, and stays out of
the way of keyboard and screen-reader users (the table carries the same figures)."""

CSP_LISTENER = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile), true);"
)


def test_history_chart_draws_without_any_csp_violation(page, check_a11y):
    page.add_init_script(CSP_LISTENER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/commitments/exempelkommun/1")
    page.wait_for_selector(".chart-drawn")
    # One line of markers per measured period and a target line: real SVG, not an empty box.
    assert page.locator("#history-chart .scatterlayer .trace").count() == 2
    assert page.locator("#history-chart .scatterlayer .point").count() >= 12
    assert page.evaluate("window.__csp") == []
    assert errors == []
    # Swedish axis labels from Babel, e.g. "jan. 2026".
    ticks = page.locator("#history-chart .xtick text").all_text_contents()
    assert any(t.startswith("jan.") for t in ticks), ticks
    # The chart is hidden from assistive technology and holds nothing focusable.
    assert page.get_attribute("#history-chart", "aria-hidden") == "true"
    focusable = page.locator("#history-chart a, #history-chart button, #history-chart [tabindex]")
    assert focusable.count() == 0
    check_a11y(page, "commitment-detail-chart")


def test_without_javascript_only_the_table_is_shown(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto("/commitments/exempelkommun/1")
    assert not page.locator(".chart-figure").is_visible()
    assert page.get_by_role("table").first.is_visible()
    context.close()
