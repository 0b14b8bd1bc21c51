"""What a person sees: each demo role signs in and sees its own pages, the language switch
works without JavaScript, the layout works by keyboard and on a 320 px screen, and axe finds
no WCAG 2.1 A/AA violation on any page visited."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, sign_in

PUBLIC_PAGES = [
    ("/", "home"),
    ("/login", "login"),
    ("/accessibility", "accessibility"),
    ("/finns-inte", "not-found"),
    ("/commitments/exempelkommun/", "commitments"),
    ("/commitments/exempelkommun/1", "commitment-detail"),
    ("/commitments/exempelkommun/services/BYGG", "service-page"),
    ("/commitments/packages/", "packages"),
    (
        "/commitments/packages/oppna-restaurang?answered=1&bolag=yes&alkohol=yes&skylt=no",
        "guide-result",
    ),
]


@pytest.mark.parametrize("path,name", PUBLIC_PAGES)
def test_public_pages_are_accessible(page, check_a11y, path, name):
    page.goto(path)
    check_a11y(page, f"public-{name}")


def test_admin_pages_are_accessible_and_work(page, check_a11y):
    sign_in(page, "admin@exempelkommun.se")
    check_a11y(page, "admin-staff-home")
    for path, name in [
        ("/admin/", "overview"),
        ("/admin/units", "units"),
        ("/admin/users", "users"),
        ("/admin/users/new", "user-new"),
        ("/admin/audit", "audit"),
        ("/admin/organisations", "organisations"),
        ("/account/password", "password"),
        ("/account/", "account"),
        ("/feedback/manage/settings", "feedback-settings"),
        ("/admin/organisation", "organisation-edit"),
        ("/admin/api-keys", "api-keys"),
        ("/admin/outbox", "outbox"),
        ("/admin/outbox?status=failed", "outbox-failed"),
        ("/commitments/manage/", "commitments-manage"),
        ("/commitments/manage/at-risk", "commitments-deadlines"),
        ("/commitments/manage/closed-days", "commitments-closed-days"),
        ("/commitments/manage/upload", "commitments-upload"),
        ("/commitments/manage/services", "commitments-services"),
        ("/commitments/manage/services/1", "commitments-service"),
        ("/commitments/manage/services/1/edit", "commitments-service-edit"),
        ("/commitments/manage/commitments/1", "commitments-commitment"),
    ]:
        page.goto(path)
        check_a11y(page, f"admin-{name}")
    page.goto("/admin/users")
    page.get_by_role("row", name="Hugo Handläggare").get_by_role("link").click()
    check_a11y(page, "admin-user-edit")
    page.goto("/admin/units")
    page.get_by_role("row", name="Kontaktcenter").get_by_role("link").click()
    check_a11y(page, "admin-unit-edit")
    page.goto("/admin/outbox?status=failed")
    page.get_by_role("link", name="Vi har tagit emot din synpunkt").first.click()
    check_a11y(page, "admin-outbox-message")
    page.get_by_role("button", name="Skicka igen").click()
    assert page.get_by_text("Meddelandet skickas igen.").is_visible()


def test_quality_manager_uploads_case_data_and_sees_the_report(page, check_a11y, tmp_path):
    sign_in(page, "kvalitet@exempelkommun.se")
    page.get_by_role("link", name="Serviceåtaganden").first.click()
    check_a11y(page, "qm-commitments")
    page.get_by_role("link", name="Importera ärendedata").click()
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(
        "service_code,case_ref,received_at,completed_at,pauses\n"
        "EPOST,WEB-1,2026-03-02,2026-03-03,\n"
        "OKAND,WEB-2,2026-03-02,,\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV-fil").set_input_files(str(csv_file))
    page.get_by_role("button", name="Visa förhandsvisning").click()
    assert "okänd service_code OKAND" in page.content()
    check_a11y(page, "qm-upload-preview")
    page.get_by_role("button", name="Importera").click()
    assert "1 ärende importerat, 1 rad avvisad" in page.content()
    check_a11y(page, "qm-upload-report")


def test_a_business_uses_the_permit_guide_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Tillståndsguide").click()
    page.get_by_role("link", name="Öppna restaurang").click()
    page.get_by_role("group", name="Ska du servera alkohol?").get_by_label("Ja").check()
    page.get_by_role("group", name="Startar du ett nytt aktiebolag?").get_by_label("Nej").check()
    page.get_by_role("group", name="Ska du bygga om lokalen?").get_by_label("Nej").check()
    page.get_by_role("group", name="Ska du sätta upp en skylt?").get_by_label("Nej").check()
    page.get_by_role("button", name="Visa vilka tillstånd jag behöver").click()
    steps = page.locator(".guide-steps h3").all_inner_texts()
    assert steps == ["Registrering av livsmedelsanläggning", "Serveringstillstånd"]
    page.screenshot(path=str(ARTIFACTS / "guide-no-js.png"), full_page=True)
    context.close()


def test_form_errors_are_announced_and_keep_what_was_typed(page, check_a11y):
    sign_in(page, "admin@exempelkommun.se")
    page.goto("/admin/units")
    page.get_by_label("Kod").fill("Fel Kod")
    page.get_by_label("Namn på svenska").fill("Vatten och avlopp")
    page.get_by_role("button", name="Skapa enhet").click()
    summary = page.get_by_role("alert")
    assert "Det finns ett problem" in summary.inner_text()
    assert page.get_by_label("Namn på svenska").input_value() == "Vatten och avlopp"
    assert page.locator("#field-code").get_attribute("aria-invalid") == "true"
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") in ("field-code", "field-name_en")
    check_a11y(page, "admin-units-error")


@pytest.mark.parametrize(
    "email,allowed,refused",
    [
        ("admin@exempelkommun.se", ["/admin/"], []),
        ("kvalitet@exempelkommun.se", ["/staff/"], ["/admin/"]),
        ("handlaggare@exempelkommun.se", ["/staff/"], ["/admin/"]),
        ("kontaktcenter@exempelkommun.se", ["/staff/"], ["/admin/"]),
        ("ledning@exempelkommun.se", ["/staff/"], ["/admin/"]),
        ("admin@esimerkki.fi", ["/admin/"], ["/admin/organisations"]),
    ],
)
def test_each_demo_role_sees_its_pages(page, check_a11y, email, allowed, refused):
    sign_in(page, email)
    role_name = email.split("@")[0] + "-" + email.split("@")[1].split(".")[0]
    check_a11y(page, f"role-{role_name}")
    for path in allowed:
        assert page.goto(path).status == 200
    for path in refused:
        response = page.goto(path)
        assert response.status == 403
        assert "Du har inte tillgång till sidan" in page.content()
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/")
    assert "Du är utloggad." in page.content()


def test_language_switch_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    assert page.locator("h1").inner_text() == "Inloggning för medarbetare"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Staff sign-in"
    page.get_by_label("E-mail address").fill("ledning@exempelkommun.se")
    page.get_by_label("Password").fill("demo-servicedialog")
    page.get_by_role("button", name="Sign in").click()
    assert "Hello, Leila Ledning" in page.locator("h1").inner_text()
    # axe needs JavaScript, so the English pages are checked in the next test.
    page.get_by_role("link", name="Svenska").click()
    assert "Hej, Leila Ledning" in page.locator("h1").inner_text()
    context.close()


def test_english_pages_are_accessible(page, check_a11y):
    page.goto("/language/en?next=/login")
    assert page.locator("html").get_attribute("lang") == "en"
    check_a11y(page, "english-login")
    page.get_by_label("E-mail address").fill("admin@exempelkommun.se")
    page.get_by_label("Password").fill("demo-servicedialog")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    check_a11y(page, "english-staff-home")
    for path, name in [("/admin/users", "users"), ("/accessibility", "accessibility")]:
        page.goto(path)
        check_a11y(page, f"english-{name}")


def test_axe_check_does_fail_on_a_violation(page, check_a11y):
    page.goto("/login")
    page.evaluate("document.querySelector('label[for=field-email]').remove()")
    with pytest.raises(AssertionError, match="label"):
        check_a11y(page, "deliberately-broken")


def test_keyboard_user_can_skip_to_content_and_reach_every_control(page):
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link must be visible when focused"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'main'")
    assert page.url.endswith("#main")
    seen = []
    for _ in range(6):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", f"no visible focus on {seen[-1]}"
        if seen[-1] == "Logga in":
            break
    assert seen == ["field-email", "field-password", "Logga in"]


def test_sign_in_by_keyboard_only(page):
    page.goto("/login")
    page.locator("#field-email").focus()
    page.keyboard.type("ledning@exempelkommun.se")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-servicedialog")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")
    assert "Hej, Leila Ledning" in page.locator("h1").inner_text()


def test_narrow_screen_has_no_horizontal_scrolling(browser, server, check_a11y):
    context = browser.new_context(
        base_url=server, viewport={"width": 320, "height": 640}, locale="sv-SE"
    )
    page = context.new_page()
    sign_in(page, "admin@exempelkommun.se")
    for path, name in [
        ("/", "home"),
        ("/admin/users", "users"),
        ("/admin/audit", "audit"),
        ("/accessibility", "accessibility"),
    ]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
        check_a11y(page, f"narrow-{name}")
    context.close()
