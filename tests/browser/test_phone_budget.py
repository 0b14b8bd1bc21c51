"""A phone on a slow network: every public page stays within 400 KB of compressed
JavaScript, and a commitment's history chart is on screen within 1.5 s with Chromium's
CPU slowed four times and the Fast 3G network profile (DevTools' figures: 562.5 ms latency,
180 kB/s down, 75 kB/s up), from a cold cache."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

JS_BUDGET = 400_000  # bytes on the wire
CHART_BUDGET_MS = 1500
PUBLIC_PAGES = [
    "/",
    "/login",
    "/accessibility",
    "/commitments/exempelkommun/",
    "/commitments/exempelkommun/1",
    "/commitments/exempelkommun/services/BYGG",
    "/commitments/packages/",
    "/commitments/packages/oppna-restaurang",
    "/feedback/exempelkommun/",
]
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 180_000,
    "uploadThroughput": 75_000,
}
TIMINGS = """() => new Promise(done => {
  const js = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'script' || /\\.js(\\?|$)/.test(r.name))
    .reduce((sum, r) => sum + r.encodedBodySize, 0);
  const nav = performance.getEntriesByType('navigation')[0];
  new PerformanceObserver(list => {
    const fcp = list.getEntriesByName('first-contentful-paint')[0];
    if (fcp) done({fcp: fcp.startTime, load: nav.loadEventEnd, js});
  }).observe({type: 'paint', buffered: true});
})"""


def _phone(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server, locale="sv-SE", viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    session.send("Network.emulateNetworkConditions", FAST_3G)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return context, page


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_stay_within_the_javascript_budget(browser, server, path):
    context, page = _phone(browser, server)
    page.goto(path, wait_until="load")
    timings = page.evaluate(TIMINGS)
    context.close()
    assert timings["js"] <= JS_BUDGET, (path, timings)


def test_the_history_chart_is_on_a_slow_phone_within_the_budget(browser, server):
    """The best of three cold loads (each in a fresh context with the cache off): the
    page is the same each time, and a busy test machine only ever makes a load slower."""
    best: dict[str, float] = {}
    for attempt in range(3):
        context, page = _phone(browser, server)
        page.goto("/commitments/exempelkommun/1", wait_until="load")
        timings = page.evaluate(TIMINGS)
        assert page.locator("#history-chart svg circle").count() >= 12  # drawn, not a placeholder
        if attempt == 0:
            page.screenshot(path=str(ARTIFACTS / "phone-commitment-chart.png"), full_page=True)
        context.close()
        best = {key: min(value, best.get(key, value)) for key, value in timings.items()}
        if best["fcp"] <= CHART_BUDGET_MS and best["load"] <= CHART_BUDGET_MS:
            break
    # The chart is part of the page itself: painted with the first paint, done at load.
    assert best["fcp"] <= CHART_BUDGET_MS, best
    assert best["load"] <= CHART_BUDGET_MS, best
