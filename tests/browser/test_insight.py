"""The insight loop as the demo's quality manager does it in the browser: the review queue
by keyboard, retraining and the model page, a merge, a discovered candidate made an area,
and the rising problem the demo seeds (the e-services' sign-in this week); in Swedish and
English, at a desk and on a phone, each page checked by axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def _quality_manager(browser, server, width=1280, locale="sv-SE"):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server, locale=locale, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "kvalitet@exempelkommun.se")
    return context, page


def test_review_by_keyboard_then_retrain_and_see_the_model(browser, server, check_a11y):
    context, page = _quality_manager(browser, server)
    page.get_by_role("link", name="Insikt").first.click()
    page.wait_for_url("**/problem-areas/review/")
    check_a11y(page, "insight-review")
    first = page.locator(".review-item").first
    first_id = first.get_attribute("id")
    # Keyboard only: to the first text's tick box, Y confirms the model's area.
    first.locator('input[type="checkbox"]').focus()
    with page.expect_navigation():
        page.keyboard.press("y")
    expect(page.get_by_text("Bekräftat.")).to_be_visible()
    assert page.locator(f"#{first_id}").count() == 0  # reviewed: out of the queue
    # J moves on; E goes to its list of areas; a correction by keyboard.
    page.locator(".review-item").first.locator('input[type="checkbox"]').focus()
    page.keyboard.press("j")
    second = page.locator(".review-item").nth(1)
    assert second.evaluate("el => el === document.activeElement")
    page.keyboard.press("e")
    select = second.locator("select")
    assert select.evaluate("el => el === document.activeElement")
    select.select_option(label="Avfall och återvinning")
    second.get_by_role("button", name=re.compile("^Rätta")).click()
    expect(page.get_by_text("Rättat till Avfall och återvinning.")).to_be_visible()

    page.goto("/problem-areas/model/")
    versions_before = page.locator("table").last.locator("tbody tr").count()
    page.get_by_role("button", name="Träna nu").click()
    expect(page.get_by_text("Träningen har börjat")).to_be_visible()
    for _ in range(60):
        page.goto("/problem-areas/model/")
        if page.locator("table").last.locator("tbody tr").count() > versions_before:
            break
        page.wait_for_timeout(1000)
    assert page.locator("table").last.locator("tbody tr").count() == versions_before + 1
    page.wait_for_selector(".chart-drawn")  # the confusion heatmap, drawn by plotly
    expect(page.get_by_role("heading", name="Hur väl varje område känns igen")).to_be_visible()
    check_a11y(page, "insight-model")
    context.close()


def test_merge_discover_and_the_rising_problem(browser, server, check_a11y):
    context, page = _quality_manager(browser, server)
    page.goto("/problem-areas/emerging/")
    flagged = page.locator("section.flagged h2").all_inner_texts()
    assert any("E-tjänster" in text for text in flagged), flagged
    check_a11y(page, "insight-emerging")

    page.goto("/problem-areas/discovery/")
    check_a11y(page, "insight-discovery")
    page.get_by_role("link", name=re.compile("^Gör det till ett nytt område")).last.click()
    page.get_by_role("button", name="Lägg till området med de här texterna").click()
    expect(page.get_by_role("link", name=re.compile("Namn"))).to_be_visible()  # the summary
    check_a11y(page, "insight-candidate-error")
    page.locator("#field-name_sv").fill("Upptäckt område")
    page.get_by_role("button", name="Lägg till området med de här texterna").click()
    page.wait_for_url(re.compile(r".*/problem-areas/manage/\d+$"))
    expect(page.get_by_text("Området är tillagt med")).to_be_visible()

    page.goto("/problem-areas/manage/")
    page.get_by_role("link", name="Skola och förskola").click()
    page.get_by_label("Slå samman med").select_option(label="Äldreomsorg och stöd")
    page.get_by_role("button", name="Slå samman").click()
    expect(page.get_by_text("Sammanslaget:")).to_be_visible()
    expect(page.get_by_text("Sammanslaget med Äldreomsorg och stöd")).to_be_visible()
    check_a11y(page, "insight-areas")
    context.close()


def test_the_insight_pages_in_english_and_on_a_phone(browser, server, check_a11y):
    context, page = _quality_manager(browser, server, width=360)
    for url, name in (
        ("/problem-areas/review/", "review"),
        ("/problem-areas/model/", "model"),
        ("/problem-areas/emerging/", "emerging"),
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)  # nothing wider than the phone
        check_a11y(page, f"insight-{name}-phone")
    context.close()
    context, page = _quality_manager(browser, server)
    page.goto("/problem-areas/review/")
    page.locator("a.lang-switch").click()  # to English, back to the same page
    page.wait_for_url("**/problem-areas/review/")
    expect(page.get_by_role("heading", name="Review what the model says")).to_be_visible()
    check_a11y(page, "insight-review-en")
    page.goto("/problem-areas/emerging/")
    expect(page.get_by_role("heading", name="Rising problems").first).to_be_visible()
    context.close()
