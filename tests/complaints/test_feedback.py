"""Feedback intake, registration numbers, tracking and handling."""

from __future__ import annotations

import asyncio
import multiprocessing
import re
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup

from commitments.services import import_catalogue
from complaints import services
from complaints.handling import handling_catalogue, handling_terms
from complaints.models import Feedback, FeedbackEvent
from complaints.services import Closing, HandlingError, NewFeedback
from complaints.states import Kind, Outcome, Status
from servicedialog import identity
from servicedialog.roles import Role
from tests.commitments.test_recompute import CATALOGUE
from tests.conftest import post_form, register_feedback, run


def new(**kw):
    return NewFeedback(
        kind=kw.pop("kind", Kind.COMPLAINT), text=kw.pop("text", "Det tog för lång tid."), **kw
    )


# --- personal identity numbers -----------------------------------------------------------


def test_only_valid_identity_numbers_are_masked():
    text = "Pnr 19900101-0017, 900101-0017 och FI 131052-308T; order 1234567890, fel 19900101-0018"
    masked = identity.mask(text)
    assert masked.count(identity.MASK) == 3
    assert "1234567890" in masked and "19900101-0018" in masked


# --- registration numbers ------------------------------------------------------------------


def test_numbers_are_per_organisation_and_year_without_gaps_under_concurrency(client, org):
    async def many():
        results = await asyncio.gather(*(services.register(org, new()) for _ in range(25)))
        return sorted(r.number for r in results)

    numbers = run(client, many)
    year = datetime.now(UTC).year
    assert numbers == [f"SYN-{year}-{i:06d}" for i in range(1, 26)]


def _register_in_a_process(settings, org_id, count, start) -> None:
    """Run in a separate process: register ``count`` feedback at once, as a worker would."""
    from servicedialog.cli import run_with_db
    from servicedialog.models import Organisation

    async def work() -> None:
        org = await Organisation.get(id=org_id)
        start.wait()
        await asyncio.gather(*(services.register(org, new()) for _ in range(count)))

    run_with_db(settings, work)


def test_numbers_are_without_gaps_when_several_processes_register_at_once(client, org, settings):
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_register_in_a_process, args=(settings, org.id, 40, start))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    numbers = run(client, lambda: Feedback.filter(organisation_id=org.id).values_list("number"))
    year = datetime.now(UTC).year
    assert sorted(n for (n,) in numbers) == [f"SYN-{year}-{i:06d}" for i in range(1, 121)]
    assert run(client, FeedbackEvent.all().count) == 120


def test_a_letter_from_last_year_gets_last_years_series(client, org):
    old = run(
        client, services.register, org, new(received_at=datetime(2025, 12, 30, 10, tzinfo=UTC))
    )
    assert old.number == "SYN-2025-000001"
    # Tuesday 30 December 2025: New Year's Eve and Day are not working days, so the two
    # working days are Friday 2 and Monday 5 January.
    assert run(client, old.record).acknowledge_due == date(2026, 1, 5)


# --- the public form ------------------------------------------------------------------------


def test_public_form_keeps_what_was_typed_and_then_registers(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    url = f"/feedback/{org.slug}/"
    page = client.get(url)
    assert page.status_code == 200
    bad = post_form(
        client, url, {"text": "Min text om bygglovet", "contact_email": "inte-en-adress"}
    )
    assert bad.status_code == 400
    soup = BeautifulSoup(bad.text, "html.parser")
    assert soup.select_one("#field-text").text == "Min text om bygglovet"
    errors = [a["href"] for a in soup.select(".error-summary a")]
    assert "#field-kind" in errors and "#field-contact_email" in errors
    assert run(client, Feedback.all().count) == 0
    ok = post_form(
        client,
        url,
        {
            "kind": "complaint",
            "text": "Min text 19900101-0017",
            "contact_email": "a@example.se",
            "consent": "yes",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    # The person gets no session cookie; the tracking page itself says thank you.
    assert "sd_session" not in ok.cookies
    track = client.get(ok.headers["location"])
    assert re.search(r"SYN-\d{4}-000001", track.text)
    assert "Tack. Din synpunkt är registrerad." in track.text
    path = ok.headers["location"].split("?")[0]
    assert path == client.app.url_path_for("complaints:track", token=path.rsplit("/", 1)[-1])
    assert "Tack. Din synpunkt är registrerad." not in client.get(path).text
    stored = run(client, Feedback.first)
    # Only a hash of the link's token is stored.
    token = path.rsplit("/", 1)[-1]
    assert token not in stored.tracking_hash and stored.tracking_hash == services.token_hash(token)


def test_honeypot_submissions_are_not_stored(client, org):
    response = post_form(
        client,
        f"/feedback/{org.slug}/",
        {"kind": "praise", "text": "Köp billiga klockor", "website": "http://spam.example"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert run(client, Feedback.all().count) == 0


def test_anonymous_with_contact_details_is_refused(client, org):
    response = post_form(
        client,
        f"/feedback/{org.slug}/",
        {"kind": "complaint", "text": "x", "anonymous": "yes", "contact_email": "a@example.se"},
    )
    assert response.status_code == 400
    assert "anonym" in response.text


# --- handling -------------------------------------------------------------------------------


def test_pause_moves_the_deadline_and_the_person_sees_it(client, org, member):
    handler = member(Role.HANDLER)
    registered = run(
        client, services.register, org, new(received_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    )
    feedback = run(client, registered.record)
    assert feedback.answer_due == date(2026, 11, 16)  # 10 working days after Monday 2 Nov
    run(client, services.pause, feedback, handler, "Väntar på ritningar", date(2026, 11, 3))
    run(client, services.resume, feedback, handler, date(2026, 11, 6))
    assert feedback.answer_due == date(2026, 11, 19)  # 4, 5 and 6 Nov paused
    page = client.get(f"/feedback/track/{registered.token}").text
    assert "Väntar på ritningar" in page


def test_extension_needs_a_reason_and_is_capped(client, org, member):
    handler = member(Role.HANDLER)
    feedback = run(client, register_feedback, org, new())
    with pytest.raises(HandlingError):
        run(client, services.extend, feedback, handler, "", date(2099, 1, 1))
    with pytest.raises(HandlingError, match="at most one more"):
        run(client, services.extend, feedback, handler, "Stor utredning", date(2099, 1, 1))
    later = date.fromordinal(feedback.answer_due.toordinal() + 7)
    run(client, services.extend, feedback, handler, "Stor utredning", later)
    assert feedback.answer_due == later and feedback.extended


def test_close_then_review_by_another_handler_then_satisfaction(client, org, member):
    first = member(Role.HANDLER, email="first@example.se", sign_in=False)
    second = member(Role.HANDLER, email="second@example.se", sign_in=False)
    registered = run(client, services.register, org, new(contact_email="a@example.se"))
    feedback = run(client, registered.record)
    run(client, services.assign, feedback, first, first)
    with pytest.raises(HandlingError):
        run(client, services.close, feedback, first, Closing(answer="Svar", outcome=None))
    run(client, services.close, feedback, first, Closing(answer="Svar", outcome=Outcome.NOT_UPHELD))
    assert feedback.status is Status.CLOSED and services.review_possible(feedback)
    run(client, services.request_review, feedback, "Jag håller inte med")
    assert feedback.stage == 2 and feedback.status is Status.REVIEW
    with pytest.raises(HandlingError, match="someone other"):
        run(client, services.assign, feedback, first, second)
    run(client, services.assign, feedback, second, second)
    run(
        client,
        services.close,
        feedback,
        second,
        Closing(answer="Omprövat", outcome=Outcome.PARTLY_UPHELD),
    )
    assert not services.review_possible(feedback)
    response = post_form(client, f"/feedback/track/{registered.token}/satisfaction", {"score": "4"})
    assert response.status_code == 303
    assert run(client, Feedback.get, id=feedback.id).satisfaction == 4


def test_identity_numbers_are_masked_and_shown_only_to_its_handler_on_request(client, org, member):
    from servicedialog.models import AuditEvent

    feedback = run(client, register_feedback, org, new(text="Mitt nummer 19900101-0017"))
    member(Role.QUALITY_MANAGER)
    for url in (f"/feedback/manage/{feedback.id}", f"/feedback/manage/{feedback.id}?identity=show"):
        page = client.get(url).text
        assert "19900101-0017" not in page and identity.MASK in page
    member(Role.HANDLER, email="h@example.se")
    page = client.get(f"/feedback/manage/{feedback.id}").text
    assert "19900101-0017" not in page and "?identity=show" in page
    assert "19900101-0017" in client.get(f"/feedback/manage/{feedback.id}?identity=show").text
    shown = run(
        client,
        AuditEvent.filter(action="feedback.identity_shown").values_list,
        "actor_email",
        flat=True,
    )
    assert list(shown) == ["h@example.se"]


def test_handler_replies_through_the_case_page_and_it_is_audited(client, org, member):
    member(Role.HANDLER)
    registered = run(client, services.register, org, new(contact_email="a@example.se"))
    url = f"/feedback/manage/{registered.id}/reply"
    empty = post_form(client, url, {"body": ""})
    assert empty.status_code == 400
    sent = post_form(client, url, {"body": "Vi tittar på det."})
    assert sent.status_code == 303
    assert "Vi tittar på det." in client.get(f"/feedback/track/{registered.token}").text
    events = run(
        client,
        FeedbackEvent.filter(feedback_id=registered.id).values_list,
        "kind",
        flat=True,
    )
    assert "reply" in events


def test_inbox_filters_and_contact_centre_registers_by_phone(client, org, member):
    run(client, services.register, org, new(kind=Kind.PRAISE))
    member(Role.CONTACT_CENTRE)
    response = post_form(
        client,
        "/feedback/manage/register",
        {
            "channel": "phone",
            "kind": "complaint",
            "text": "Ringde om bygglov",
            "language": "sv",
            "received_on": date.today().isoformat(),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    inbox = BeautifulSoup(client.get("/feedback/manage/?kind=complaint").text, "html.parser")
    assert len(inbox.select("tbody tr")) == 1
    stored = run(client, Feedback.get, kind="complaint")
    assert stored.channel == "phone" and stored.registered_by_id is not None


def test_handling_terms_come_from_the_published_commitments(client, org):
    run(client, import_catalogue, org, handling_catalogue())
    catalogue = handling_catalogue()
    catalogue["services"][0]["commitments"][1]["threshold"] = 15
    run(client, import_catalogue, org, catalogue)
    terms = run(client, handling_terms, org)
    assert terms.answer.threshold == 15 and terms.acknowledge.threshold == 2


def test_retention_anonymises_only_records_whose_period_has_ended(
    client, org, member, tmp_path, monkeypatch, settings
):
    from click.testing import CliRunner

    from servicedialog.cli import main

    handler = member(Role.HANDLER, sign_in=False)
    kept = run(client, register_feedback, org, new(contact_email="kvar@example.se"))
    old = run(client, register_feedback, org, new(contact_email="gammal@example.se"))
    praise = run(
        client, register_feedback, org, new(kind=Kind.PRAISE, contact_email="b@example.se")
    )
    for f in (kept, old, praise):
        run(client, services.close, f, handler, Closing(answer="Svar", outcome=Outcome.UPHELD))

    async def age(feedback_id, closed):
        await Feedback.filter(id=feedback_id).update(closed_at=closed)

    run(client, age, old.id, datetime(2022, 1, 10, tzinfo=UTC))  # complaint: 3 years
    run(client, age, praise.id, datetime(2024, 1, 10, tzinfo=UTC))  # praise: 2 years
    run(client, age, kept.id, datetime(2024, 1, 10, tzinfo=UTC))  # complaint: not yet
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)
    runner = CliRunner()
    dry = runner.invoke(main, ["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 records would be anonymised" in dry.output
    assert run(client, Feedback.get, id=old.id).contact_email == "gammal@example.se"
    real = runner.invoke(main, ["retention"])
    assert "2 records anonymised" in real.output
    gone = run(client, Feedback.get, id=old.id)
    assert gone.contact_email == "" and gone.text == "[anonymiserad]" and gone.number == old.number
    assert run(client, Feedback.get, id=kept.id).contact_email == "kvar@example.se"
    assert "0 records" in runner.invoke(main, ["retention"]).output


def test_export_masks_identity_numbers_and_secret_records_for_managers(client, org, member):
    handler = member(Role.HANDLER, sign_in=False)
    open_one = run(client, register_feedback, org, new(text="Ring 19900101-0017"))
    secret = run(client, register_feedback, org, new(text="Känsligt 900101-0017"))
    run(client, services.set_secrecy, secret, handler, True, "Klagomål om hemtjänst")
    member(Role.QUALITY_MANAGER)
    text = client.get("/feedback/manage/export.csv").text
    assert open_one.number in text and "19900101-0017" not in text and identity.MASK in text
    assert "Klagomål om hemtjänst" in text and "Känsligt" not in text


def test_reply_templates_fill_the_answer_in_the_language_asked_for(client, org, member):
    member(Role.QUALITY_MANAGER, Role.HANDLER)
    saved = post_form(
        client,
        "/feedback/manage/templates",
        {"title": "Tack", "body_sv": "Tack för din synpunkt.", "body_en": "Thank you."},
    )
    assert saved.status_code == 303
    feedback = run(client, register_feedback, org, new(language="en"))
    from complaints.models import ReplyTemplate

    template = run(client, ReplyTemplate.first)
    page = client.get(f"/feedback/manage/{feedback.id}?template={template.id}").text
    assert "Thank you.</textarea>" in page


def test_inbox_pages_through_many_records_by_deadline(client, org, member):
    async def many():
        for _ in range(30):
            await services.register(org, new())

    run(client, many)
    member(Role.HANDLER)
    first = BeautifulSoup(client.get("/feedback/manage/").text, "html.parser")
    assert len(first.select("tbody tr")) == 25
    second = first.select_one("a[rel=next]")["href"]
    rest = BeautifulSoup(client.get("/feedback/manage/" + second).text, "html.parser")
    assert len(rest.select("tbody tr")) == 5


def test_the_person_gets_receipt_reply_and_answer_by_real_smtp(
    client, org, member, smtp_server, mail_settings
):
    from servicedialog.mail import send_pending

    handler = member(Role.HANDLER, sign_in=False)
    response = post_form(
        client,
        f"/feedback/{org.slug}/",
        {
            "kind": "complaint",
            "text": "Ingen svarar i telefon.",
            "contact_email": "anna@example.se",
            "consent": "yes",
            "language": "en",
        },
        follow_redirects=False,
    )
    token = response.headers["location"].split("?")[0].rsplit("/", 1)[-1]
    feedback = run(client, Feedback.first)
    run(client, services.reply, feedback, handler, "We are looking into it.")
    run(client, services.close, feedback, handler, Closing(answer="Fixed.", outcome=Outcome.UPHELD))
    report = run(client, send_pending, mail_settings)
    assert report.sent == 3
    receipt, reply_mail, answer = smtp_server.messages
    assert receipt["To"] == "anna@example.se"
    assert feedback.number in receipt["Subject"] and "received" in receipt["Subject"]
    body = receipt.get_content()
    assert f"/feedback/track/{token}" in body  # the private link, in the person's language
    assert "We will answer at the latest" in body
    assert "We are looking into it." in reply_mail.get_content()
    assert "Fixed." in answer.get_content() and "review" in answer.get_content()


def test_anonymous_feedback_sends_no_mail(client, org):
    from servicedialog.models import OutboxMessage

    run(client, services.register, org, new(anonymous=True), "http://example.se")
    assert run(client, OutboxMessage.all().count) == 0


def test_a_handler_starts_on_the_inbox_of_their_unit(client, org, member):
    from commitments.models import Service
    from servicedialog.models import Unit

    async def setup():
        bygg = await Unit.create(organisation=org, code="bygg", name_sv="Bygg", name_en="Building")
        miljo = await Unit.create(organisation=org, code="miljo", name_sv="Miljö", name_en="Env")
        permits = await Service.create(
            organisation=org, unit=bygg, code="BYGG", name_sv="Bygglov", name_en=""
        )
        food = await Service.create(
            organisation=org, unit=miljo, code="LIVS", name_sv="Livsmedel", name_en=""
        )
        ours = await services.register(org, new(service=permits))
        await services.register(org, new(service=food))
        return bygg, ours.number

    bygg, number = run(client, setup)
    member(Role.HANDLER, unit=bygg)
    own = BeautifulSoup(client.get("/feedback/manage/").text, "html.parser")
    assert [a.text for a in own.select("tbody th a")] == [number]
    # "All units" is every record they may see: their unit's, not the other unit's.
    everything = BeautifulSoup(client.get("/feedback/manage/?unit=all").text, "html.parser")
    assert [a.text for a in everything.select("tbody th a")] == [number]


def test_handlers_get_one_warning_with_their_cases_due_soon_or_overdue(client, org, member):
    from complaints.warnings import queue_warnings
    from servicedialog.models import OutboxMessage

    handler = member(Role.HANDLER, sign_in=False)
    late = run(
        client, services.register, org, new(received_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
    )
    calm = run(client, register_feedback, org, new())
    unassigned = run(
        client, services.register, org, new(received_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
    )
    for f in (run(client, late.record), calm):
        run(client, services.assign, f, handler, handler)
    today = date.fromordinal(calm.received_at.date().toordinal())
    assert run(client, queue_warnings, today, "https://synpunkter.example.se") == 1
    mail = run(client, OutboxMessage.first)
    assert mail.to_address == handler.email
    assert late.number in mail.body_text and "försenad" in mail.body_text
    assert calm.number not in mail.body_text and unassigned.number not in mail.body_text


def test_handler_marks_a_record_secret_and_keeps_it_longer(client, org, member):
    member(Role.HANDLER)
    feedback = run(client, register_feedback, org, new())
    url = f"/feedback/manage/{feedback.id}/secrecy"
    missing = post_form(client, url, {"secret": "yes", "public_summary": ""})
    assert missing.status_code == 400
    saved = post_form(
        client, url, {"secret": "yes", "public_summary": "Om hemtjänst", "retention_class": "long"}
    )
    assert saved.status_code == 303
    stored = run(client, Feedback.get, id=feedback.id)
    assert stored.secret and stored.public_summary == "Om hemtjänst"
    assert stored.retention_class == "long"


@pytest.mark.parametrize(
    "day,words",
    [
        ("0001-01-01", "Skriv datumet som ÅÅÅÅ-MM-DD"),
        ("1999-01-01", "högst ett år bakåt"),
        ("2999-01-01", "Skriv datumet som ÅÅÅÅ-MM-DD"),
        ("2026-02-30", "Skriv datumet som ÅÅÅÅ-MM-DD"),
    ],
)
def test_a_registration_day_out_of_range_is_a_form_error(client, org, member, day, words):
    member(Role.CONTACT_CENTRE)
    response = post_form(
        client,
        "/feedback/manage/register",
        {"channel": "letter", "kind": "question", "text": "Brev", "received_on": day},
    )
    assert response.status_code == 400
    assert words in response.text and "Brev" in response.text
    assert run(client, Feedback.all().count) == 0


def test_the_inbox_and_its_export_narrow_to_the_days_received(client, org, member):
    from datetime import UTC, datetime

    async def three():
        found = []
        for moment in (
            datetime(2026, 11, 2, 10, tzinfo=UTC),
            datetime(2026, 11, 15, 22, 30, tzinfo=UTC),  # 23:30 on the 15th in Stockholm
            datetime(2026, 11, 15, 23, 30, tzinfo=UTC),  # already the 16th in Stockholm
        ):
            registered = await services.register(org, new())
            await Feedback.filter(id=registered.id).update(received_at=moment)
            found.append(registered.number)
        return found

    first, middle, late = run(client, three)
    member(Role.QUALITY_MANAGER)

    def numbers(query):
        page = BeautifulSoup(
            client.get(f"/feedback/manage/?status=all&{query}").text, "html.parser"
        )
        return {a.text for a in page.select("tbody th a")}, page

    assert numbers("from=2026-11-10&to=2026-11-15")[0] == {middle}
    assert numbers("from=2026-11-16")[0] == {late}
    assert numbers("to=2026-11-02")[0] == {first}
    export = client.get("/feedback/manage/export.csv?status=all&from=2026-11-10&to=2026-11-15")
    assert middle in export.text and first not in export.text and late not in export.text
    # Bad dates: said in words beside the field, the list unfiltered by them, never a 500.
    shown, page = numbers("from=2026-13-01&to=2026-11-02")
    assert shown == {first}  # only "to" applied
    assert page.select_one("#f-from-error").text.startswith("Skriv datumet")
    assert page.select_one("#f-from")["value"] == "2026-13-01"  # what they typed, kept
    shown, page = numbers("from=2026-11-16&to=2026-11-01")
    assert page.select_one("#f-to-error") is not None and shown == {late}


def test_periods_have_their_days_and_labels():
    from servicedialog.periods import Period, PeriodKind, periods

    week = Period.containing("week", date(2026, 12, 3))  # a Thursday
    assert (week.start, week.end) == (date(2026, 11, 30), date(2026, 12, 6))
    assert (week.label("sv"), week.label("en")) == ("v. 49 2026", "w. 49 2026")
    quarter = Period.containing(PeriodKind.QUARTER, date(2026, 12, 31))
    assert (quarter.start, quarter.end, quarter.label("sv")) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "K4 2026",
    )
    assert quarter.next().start == date(2027, 1, 1)
    assert quarter.running(date(2026, 12, 1)) and not quarter.running(date(2027, 1, 1))
    months = periods("month", date(2026, 11, 15), date(2027, 2, 1))
    assert [m.label("en") for m in months] == ["Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027"]
    assert Period.containing("year", date(2028, 2, 29)).end == date(2028, 12, 31)
